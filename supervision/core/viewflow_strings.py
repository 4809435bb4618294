"""Viewflow's own interface strings that its bundled Simplified Chinese catalogue leaves
untranslated. Marking them here puts them in our catalogue (locale/), which takes
precedence over the package's, so the desk is Chinese throughout. Never imported."""

from django.utils.translation import gettext_noop as _

VIEWFLOW_STRINGS = [
    _("Administration"), _("Format"), _("Transition is not allowed"), _("Invalid transition"),
    _("Bad Request"), _("View site"), _("Access Forbidden"), _("You are not logged in"),
    _("%(user)s have no rights to access this page"), _("Log in"), _("Log in as another user"),
    _("Page not found"), _("We're sorry, but the requested page could not be found."), _("Server error"),
    _("Graph"), _("Filter"), _("Home"), _("Please correct the error below."),
    _("Please correct the errors below."), _("Yes, I’m sure"), _("No, take me back"), _("Logout"),
    _("Log out"), _("Log in again"), _("Reset password"), _("Profile"), _("Your password was changed."),
    _("Change"), _("Change my password"), _("Cancel"), _("Reset"), _("Change password"), _("Edit"),
    _("Submit"), _("Login"), _("Export"), _("Back"), _("Pick an action"), _("Applications"), _("Delete"),
    _("New"), _("Add"), _("Save"), _("Confirm"), _("Dashboard"), _("Inbox"), _("Queue"), _("Archive"),
    _("No rights to execute"), _("Created"), _("Assigned"), _("Execute"), _("Assign"), _("View"),
    _("Show all"), _("Finished"), _("Process list"), _("Description"), _("Owner"), _("Started"),
    _("Status"), _("Start"), _("Start and continue"), _("Execute and continue"), _("Assign and continue"),
    _("Previous tasks"), _("No previous tasks"), _("Next tasks"), _("No next tasks"), _("Revive"),
    _("Unassign"), _("Undo"), _("Assign selected tasks"), _("Task"), _("Brief"), _("Process brief"),
    _("Unassign selected tasks"), _("New process"), _("The {obj} was added successfully. {link}"),
    _("The {obj} was deleted successfully."), _("The {obj} was changed successfully. {link}"),
    _("Workflow"), _("Task {task} has been assigned."), _("Task {task} has been unassigned."),
    _("Task {task} has been canceled."), _("Task {task} has been undone."),
    _("Task {task} has been revived."), _("Process {process} has been started."),
    _("You have no rights to view this task"), _("Task {task} has been completed."), _("Processes"),
    _("Flow"), _("Type"), _("Previous"), _("Permission"), _("Process"), _("Tasks"), _("Active"),
    _("Canceled"), _("Completed"), _("Done"), _("Error"), _("Revived"), _("Scheduled"),
]
