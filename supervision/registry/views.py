from django.shortcuts import redirect

from supervision.staff.access import actor_for


def home(request):
    """Send each kind of user to where their work is."""
    actor = actor_for(request.user)
    if actor.is_operator:
        account = getattr(request.user, "institution_account", None)
        if account is not None:
            return redirect("libraries:institutions:detail", pk=account.institution_id)
    return redirect("libraries:institutions:index")
