"""An operator account reaches exactly one institution, and loses it when the account moves."""

from guardian.shortcuts import get_perms

from supervision.registry.access import institutions_for
from supervision.registry.models import InstitutionAccount
from supervision.staff.models import Role
from tests.factories import user


def fresh(u):
    """A new user object: the actor is cached on the instance for one request."""
    return type(u).objects.get(pk=u.pk)


def test_creating_an_account_grants_the_object_permission_and_the_role(world):
    newcomer = user("newcomer")
    InstitutionAccount.objects.create(user=newcomer, institution=world.inst_q)
    newcomer = fresh(newcomer)
    assert get_perms(newcomer, world.inst_q) == ["view_institution"]
    assert newcomer.groups.filter(name=Role.OPERATOR).exists()
    assert list(institutions_for(newcomer)) == [world.inst_q]


def test_handing_an_account_to_someone_else_withdraws_the_first_users_access(world):
    successor = user("successor")
    account = world.operator_p.institution_account
    account.user = successor
    account.save()
    previous = fresh(world.operator_p)
    assert not institutions_for(previous).exists()
    assert not previous.groups.filter(name=Role.OPERATOR).exists()
    assert list(institutions_for(fresh(successor))) == [world.inst_p]


def test_deleting_an_account_withdraws_access(world):
    world.operator_p.institution_account.delete()
    assert not institutions_for(fresh(world.operator_p)).exists()


def test_the_grant_is_in_the_audit_log(world):
    from supervision.core.models import AuditEntry

    assert AuditEntry.objects.filter(model="guardian.UserObjectPermission", action="create").count() >= 2
