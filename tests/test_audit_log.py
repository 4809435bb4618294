"""The audit log records who changed what and when, before and after, and cannot be rewritten."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from supervision.core.audit import acting_as
from supervision.core.models import AuditEntry
from supervision.staff.models import Specialty


def entries_for(obj):
    return AuditEntry.objects.filter(model=obj._meta.label, object_pk=str(obj.pk)).order_by("id")


def test_creating_an_institution_records_its_values(world):
    entry = entries_for(world.inst_p).get()
    assert entry.action == "create"
    assert entry.before is None
    assert entry.after["name"] == "东湖颐养院"


def test_a_change_records_before_after_and_the_actor(world):
    with acting_as(world.head_x):
        world.inst_p.beds = 120
        world.inst_p.save()
    entry = entries_for(world.inst_p).last()
    assert entry.action == "update"
    assert entry.before["beds"] == 50 and entry.after["beds"] == 120
    assert entry.changed_fields == ["beds"]
    assert entry.actor == world.head_x and entry.actor_name == "head_x"


def test_saving_without_a_change_records_nothing(world):
    count = entries_for(world.inst_p).count()
    world.inst_p.save()
    assert entries_for(world.inst_p).count() == count


def test_a_deletion_keeps_the_last_values(world):
    conflict_official = world.inspector_y.official
    pk = conflict_official.pk
    with acting_as("cleanup"):
        conflict_official.delete()
    entry = AuditEntry.objects.filter(model="staff.Official", object_pk=str(pk), action="delete").get()
    assert entry.before["name"] == "inspector_y" and entry.after is None
    assert entry.actor_name == "system: cleanup"


def test_specialty_changes_of_an_inspector_are_recorded(world):
    official = world.inspector_x.official
    official.specialties.add(Specialty.objects.get(code="fire"))
    entry = entries_for(official).last()
    assert entry.action == "update" and entry.changed_fields == ["specialties"]


def test_a_change_through_the_desk_names_the_signed_in_user(client, world):
    client.force_login(world.planner_x)
    data = {
        "credit_code": world.inst_p.credit_code, "name": world.inst_p.name, "kind": "residential",
        "ownership": "private", "beds": "77", "address": world.inst_p.address, "region": world.street_x1.pk,
        "legal_representative": "李四", "filing_status": "filed", "operating_status": "operating",
    }
    response = client.post(f"/libraries/institutions/{world.inst_p.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    entry = entries_for(world.inst_p).last()
    assert entry.actor == world.planner_x
    assert set(entry.changed_fields) == {"beds", "legal_representative", "filing_status"}


def test_entries_cannot_be_changed_or_deleted_through_the_orm(world):
    entry = AuditEntry.objects.first()
    entry.object_repr = "forged"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().update(object_repr="forged")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()


@pytest.mark.postgres
def test_postgresql_refuses_rewriting_the_log_in_sql(world):
    assert connection.vendor == "postgresql"
    for statement in ("UPDATE core_auditentry SET object_repr = 'forged'", "DELETE FROM core_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)


def test_a_role_given_to_a_user_is_recorded(world):
    from django.contrib.auth.models import Group

    world.inspector_x.groups.add(Group.objects.get(name="administrator"))
    entry = entries_for(world.inspector_x).last()
    assert entry.changed_fields == ["groups"]


def test_removing_a_user_leaves_the_log_intact(world):
    with acting_as(world.planner_x):
        world.inst_p.beds = 99
        world.inst_p.save()
    entry = entries_for(world.inst_p).last()
    world.planner_x.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_name == "planner_x" and entry.before["beds"] == 50


def test_passwords_never_reach_the_log(world):
    world.inspector_x.set_password("new-secret-9")
    world.inspector_x.save()
    for entry in entries_for(world.inspector_x):
        assert "password" not in (entry.after or {}) and "password" not in (entry.before or {})


def test_an_export_is_recorded_with_its_filters_and_size(client, world):
    client.force_login(world.head_x)
    response = client.get("/libraries/institutions/export/", {"format": "csv", "kind": "residential"})
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.actor == world.head_x and entry.model == "registry.Institution"
    assert entry.after == {"rows": 1, "query": {"format": ["csv"], "kind": ["residential"]}}
