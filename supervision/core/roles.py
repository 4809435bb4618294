"""The one role core itself must know: administrators see and keep everything.

The other roles (inspector, planner, head, operator) are the staff app's business;
see supervision.staff.models.Role, whose ADMINISTRATOR value is this group name.
"""

ADMINISTRATOR_GROUP = "administrator"


def is_administrator(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_is_administrator", None)  # asked several times per request
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=ADMINISTRATOR_GROUP).exists()
        user._is_administrator = cached
    return cached
