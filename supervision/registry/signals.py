"""An operator account reaches its institution through a guardian object permission;
keep the permission in step with the account, whichever way the account was made."""

from django.contrib.auth.models import Group
from django.db.models.signals import post_delete, post_save
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from supervision.registry.models import Institution, InstitutionAccount
from supervision.staff.models import Role

VIEW_PERM = "registry.view_institution"


def _revoke_all(user):
    for institution in get_objects_for_user(
        user, VIEW_PERM, klass=Institution, accept_global_perms=False, with_superuser=False
    ):
        remove_perm(VIEW_PERM, user, institution)


def account_saved(sender, instance: InstitutionAccount, raw=False, **kwargs):
    if raw:
        return
    _revoke_all(instance.user)
    assign_perm(VIEW_PERM, instance.user, instance.institution)
    instance.user.groups.add(Group.objects.get(name=Role.OPERATOR))


def account_deleted(sender, instance: InstitutionAccount, **kwargs):
    _revoke_all(instance.user)


def connect():
    post_save.connect(account_saved, sender=InstitutionAccount, dispatch_uid="operator-access-save")
    post_delete.connect(account_deleted, sender=InstitutionAccount, dispatch_uid="operator-access-delete")
