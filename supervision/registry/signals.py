"""An operator account reaches its institution through a guardian object permission;
keep the permission in step with the account, whichever way the account was made."""

from django.contrib.auth.models import Group, User
from django.db.models.signals import post_delete, post_save, pre_save
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from supervision.registry.access import VIEW_PERM
from supervision.registry.models import Institution, InstitutionAccount
from supervision.staff.models import Role


def _revoke_all(user):
    for institution in get_objects_for_user(
        user, VIEW_PERM, klass=Institution, accept_global_perms=False, with_superuser=False
    ):
        remove_perm(VIEW_PERM, user, institution)


def account_saving(sender, instance: InstitutionAccount, raw=False, **kwargs):
    """Remember who held the account, in case it is being handed to someone else."""
    previous = None
    if not raw and instance.pk is not None:
        previous = InstitutionAccount.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    instance._previous_user_id = previous


def account_saved(sender, instance: InstitutionAccount, raw=False, **kwargs):
    if raw:
        return
    previous = getattr(instance, "_previous_user_id", None)
    if previous is not None and previous != instance.user_id:
        _withdraw(User.objects.get(pk=previous))
    _revoke_all(instance.user)
    assign_perm(VIEW_PERM, instance.user, instance.institution)
    instance.user.groups.add(Group.objects.get(name=Role.OPERATOR))


def _withdraw(user):
    """The user no longer acts for any institution: no object permission, no operator role."""
    _revoke_all(user)
    user.groups.remove(Group.objects.get(name=Role.OPERATOR))


def account_deleted(sender, instance: InstitutionAccount, **kwargs):
    _withdraw(instance.user)


def connect():
    pre_save.connect(account_saving, sender=InstitutionAccount, dispatch_uid="operator-access-presave")
    post_save.connect(account_saved, sender=InstitutionAccount, dispatch_uid="operator-access-save")
    post_delete.connect(account_deleted, sender=InstitutionAccount, dispatch_uid="operator-access-delete")
