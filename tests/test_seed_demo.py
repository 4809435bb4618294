"""`manage.py seed_demo`: the fictional demo city is complete, valid, deterministic and idempotent."""

import datetime as dt
import hashlib
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from guardian.shortcuts import get_objects_for_user

from supervision.core import clock
from supervision.core.models import AuditEntry, Department, DepartmentKind, Region, RegionLevel
from supervision.demo import city
from supervision.registry.creditcode import credit_code_problem
from supervision.registry.models import Institution, InstitutionAccount, InstitutionKind, Ownership
from supervision.staff.models import ConflictOfInterest, Official, Role
from tests.clocks import local

pytestmark = pytest.mark.django_db


def seed(settings, *args) -> str:
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def one_day(time_machine):
    """The clock stands still on the current day: a test comparing two loads never sees midnight pass."""
    time_machine.move_to(clock.now(), tick=False)


@pytest.fixture
def seeded(settings, one_day):
    return seed(settings)


def institution_rows():
    return sorted(Institution.objects.values_list(), key=lambda row: row[1])  # by credit code


def db_digest() -> str:
    """Every seeded fact by natural key (no primary keys, no timestamps)."""
    rows = []
    rows += sorted(Region.objects.values_list("code", "name", "level", "parent__code", "path"))
    rows += sorted(Department.objects.values_list("name", "kind", "region__code", "short_name"))
    rows += sorted(
        tuple(v for k, v in row.items() if k not in ("id", "region_id", "created", "updated"))
        for row in Institution.objects.values(*[f.attname for f in Institution._meta.concrete_fields], "region__code")
    )
    officials = Official.objects.select_related("user", "department", "region")
    for o in officials.prefetch_related("specialties", "user__groups"):
        rows.append((
            o.user.username, o.user.first_name, o.user.is_staff, o.user.password, o.name, o.department.name,
            o.region.code, o.phone, o.certificate_number, o.certificate_valid_until, o.active,
            sorted(s.code for s in o.specialties.all()), sorted(g.name for g in o.user.groups.all()),
        ))
    rows += sorted(InstitutionAccount.objects.values_list(
        "user__username", "user__password", "institution__credit_code", "phone"))
    rows += sorted(ConflictOfInterest.objects.values_list(
        "official__user__username", "institution__credit_code", "reason", "valid_until", "declared_at"))
    rows.sort(key=repr)
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _empty_credit_ledger():
    """The ledger refuses deletes (append-only, a trigger on PostgreSQL): a fresh database has none."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("credit_creditgrade", "credit_creditstanding", "credit_creditevent"):
            cursor.execute(f"TRUNCATE {table} CASCADE" if connection.vendor == "postgresql" else f"DELETE FROM {table}")


def process_rows():
    """The processes' demo data: inspections, notices with their deadlines, plans and draws, tasks."""
    from viewflow.workflow.models import Task

    from supervision.inspections.models import Inspection
    from supervision.rectification.models import RectificationEvent, RectificationNotice
    from supervision.sampling.models import DrawRecord, SpotCheckPlan

    return (
        sorted(Inspection.objects.values_list("institution__credit_code", "kind", "scheduled_for", "status"), key=repr),
        sorted(RectificationNotice.objects.values_list("number", "deadline", "issued_at"), key=repr),
        RectificationEvent.objects.count(),
        sorted(SpotCheckPlan.objects.values_list("name", "period_start", "period_end"), key=repr),
        sorted(DrawRecord.objects.values_list("commitment", "published_at"), key=repr),
        sorted(Task.objects.values_list("flow_task", "status"), key=repr),
    )


def _empty_listings():
    """Listing cases keep an append-only timeline: emptied in SQL, children first."""
    from django.db import connection

    from supervision.core.models import DocumentCounter

    with connection.cursor() as cursor:
        for table in ("listings_caseevent", "listings_casefile", "listings_partnernotice",
                      "listings_representation", "listings_repairapplication", "listings_listingcase"):
            cursor.execute(f"DELETE FROM {table}")
    DocumentCounter.objects.filter(department__region__code__startswith="99").delete()


def wipe_demo_city():
    from supervision.inspections.models import Inspection
    from supervision.sampling.models import SpotCheckPlan
    from workflows.inspection.models import InspectionProcess
    from workflows.spot_check.models import SpotCheckProcess

    InspectionProcess.objects.all().delete()
    SpotCheckProcess.objects.all().delete()
    SpotCheckPlan.objects.all().delete()
    Inspection.objects.filter(institution__region__code__startswith="99").delete()
    _empty_credit_ledger()
    _empty_listings()
    usernames = [o.username for o in city.plan_city().officials] + [o.username for o in city.plan_city().operators]
    User.objects.filter(username__in=usernames).delete()  # officials, accounts, conflicts, guardian rows
    Institution.objects.filter(region__code__startswith="99").delete()
    Department.objects.filter(region__code__startswith="99").delete()
    for level in reversed([RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET]):
        Region.objects.filter(code__startswith="99", level=level).delete()


def test_the_city_has_everything_the_demo_needs(seeded):
    assert Region.objects.filter(level=RegionLevel.DISTRICT).count() == 4
    assert 18 <= Region.objects.filter(level=RegionLevel.STREET).count() <= 22
    assert set(Region.objects.values_list("code", flat=True)) >= {"990000", "990100", "990101", "990104", "990101001"}
    assert all(code.startswith("99") for code in Region.objects.values_list("code", flat=True))

    assert Institution.objects.count() >= 290
    assert set(Institution.objects.values_list("kind", flat=True)) == set(InstitutionKind.values)
    # Every ownership a complete record can have ("not recorded" is for imported registries that lack it).
    assert set(Institution.objects.values_list("ownership", flat=True)) == set(Ownership.values) - {"unrecorded"}
    assert set(Institution.objects.values_list("for_profit", flat=True)) == {True, False}
    assert Institution.objects.filter(region__level=RegionLevel.STREET).count() == Institution.objects.count()
    assert Institution.objects.filter(latitude__isnull=True).count() == 0
    # Every street has institutions; most are filed and operating.
    assert Region.objects.filter(level=RegionLevel.STREET, institutions__isnull=True).count() == 0
    assert Institution.objects.filter(filing_status__in=["filed", "change_filed"]).count() > 200
    assert Institution.objects.filter(operating_status="operating").count() > 240

    assert set(Department.objects.values_list("kind", flat=True)) == set(DepartmentKind.values)
    assert all(d.short_name for d in Department.objects.all())

    assert Official.objects.count() >= 35
    for district in Region.objects.filter(level=RegionLevel.DISTRICT):
        civil = Department.objects.get(kind=DepartmentKind.CIVIL_AFFAIRS, region=district)
        assert civil.officials.filter(user__groups__name=Role.HEAD).exists(), district
        assert civil.officials.filter(user__groups__name=Role.PLANNER).exists(), district
        assert civil.officials.inspectors().filter(active=True).count() >= 3, district
    assert Official.objects.filter(active=False).count() in (1, 2)
    assert ConflictOfInterest.objects.count() >= 3
    for conflict in ConflictOfInterest.objects.select_related("official__department__region", "institution__region"):
        assert conflict.official.department.region.contains(conflict.institution.region)

    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.groups.filter(name=Role.ADMINISTRATOR).exists()


def test_inspectors_hold_certificates_and_matching_specialties(seeded):
    expected = {
        DepartmentKind.CIVIL_AFFAIRS: "general", DepartmentKind.MARKET_REGULATION: "food",
        DepartmentKind.FIRE_RESCUE: "fire", DepartmentKind.HEALTH: "medical", DepartmentKind.HOUSING: "building",
    }
    inspectors = Official.objects.inspectors().select_related("department").prefetch_related("specialties")
    assert inspectors.count() >= 25
    for official in inspectors:
        assert official.certificate_number and official.certificate_valid_until, official
        assert expected[official.department.kind] in {s.code for s in official.specialties.all()}, official
    assert Official.objects.filter(active=True).inspectors().count() == sum(o.can_inspect() for o in inspectors)


@pytest.mark.parametrize("day", [dt.date(2026, 12, 31), dt.date(2031, 2, 28)])
def test_on_any_day_the_certificates_run_for_months_ahead_and_every_active_inspector_can_be_drawn(
        settings, time_machine, day):
    time_machine.move_to(local(day), tick=False)
    seed(settings)
    inspectors = Official.objects.inspectors().filter(active=True)
    assert inspectors.count() >= 25
    assert all(o.can_inspect() for o in inspectors)
    earliest = min(o.certificate_valid_until for o in inspectors)
    assert earliest >= day + dt.timedelta(days=180)
    assert {c.declared_at.year for c in ConflictOfInterest.objects.all()} == {day.year - 1}


def test_loaded_on_two_days_the_city_differs_only_in_its_dates():
    before, after = city.plan_city(today=dt.date(2026, 12, 3)), city.plan_city(today=dt.date(2028, 6, 15))
    assert before.institutions == after.institutions and before.operators == after.operators
    assert [o.certificate_number for o in before.officials] == [o.certificate_number for o in after.officials]
    # Two years later, every certificate runs out two years later.
    assert [d.replace(year=d.year + 2) if (d := o.certificate_valid_until) else None for o in before.officials] == \
        [o.certificate_valid_until for o in after.officials]


def test_every_record_is_valid(seeded):
    for institution in Institution.objects.select_related("region"):
        assert credit_code_problem(institution.credit_code) is None, institution.credit_code
        institution.full_clean()
    for official in Official.objects.select_related("department__region", "region"):
        official.full_clean()
    for region in Region.objects.select_related("parent"):
        region.full_clean()


def test_operators_reach_exactly_their_institution(seeded):
    accounts = InstitutionAccount.objects.select_related("user", "institution")
    assert accounts.count() >= 10
    for account in accounts:
        user = account.user
        assert user.groups.filter(name=Role.OPERATOR).exists()
        reachable = get_objects_for_user(
            user, "registry.view_institution", klass=Institution, accept_global_perms=False)
        assert list(reachable) == [account.institution], user.username
    # Spread over every district.
    districts = {a.institution.region.parent.code for a in accounts.select_related("institution__region__parent")}
    assert len(districts) == 4


def test_a_second_run_changes_nothing(settings, seeded):
    def state():
        return (institution_rows(), User.objects.count(), AuditEntry.objects.count(), db_digest(),
                process_rows())

    before = state()
    out = seed(settings)
    assert "nothing changed" in out
    assert state() == before


def test_a_rerun_repairs_what_was_changed(settings, seeded):
    digest = db_digest()
    inst = Institution.objects.order_by("credit_code").first()
    inst.name = "改过的名字"
    inst.save()
    user = User.objects.get(username="head_donghu")
    user.set_password("something-else")
    user.save()
    Official.objects.filter(user__username="fire_donghu1").update(active=False)

    tally = city.seed()
    assert tally.updated == {"institution": 1, "user": 1, "official": 1} and not tally.created
    assert db_digest() == digest


def test_audit_entries_name_the_command(seeded):
    entries = AuditEntry.objects.filter(model="registry.Institution", action="create")
    assert entries.count() == Institution.objects.count()
    assert set(AuditEntry.objects.values_list("actor_name", flat=True)) == {"system: seed_demo"}


def test_plan_is_deterministic(one_day):
    first, second = city.plan_city(), city.plan_city()
    assert first == second and first.digest() == second.digest()
    assert city.plan_city(seed=1).digest() != first.digest()
    # Pinned so that a change of the generator (or of Python's random) is noticed: the demo
    # city must look the same on every machine. Update these when changing the generator on purpose.
    assert (first.institutions[0].credit_code, first.institutions[0].name) == ("919901018J7YFU6QKE", "宁鹤颐养中心")
    # Unique natural keys.
    assert len({i.credit_code for i in first.institutions}) == len(first.institutions)
    assert len({(i.name, i.address) for i in first.institutions}) == len(first.institutions)
    assert len({i.name for i in first.institutions}) == len(first.institutions)
    certificates = [o.certificate_number for o in first.officials if o.certificate_number]
    assert len(set(certificates)) == len(certificates)


def test_a_fresh_database_gets_the_same_city(one_day):
    # The city alone: the processes' demo history (notices, their append-only event log) is not wiped.
    city.seed()
    digest = db_digest()
    wipe_demo_city()
    assert not Institution.objects.exists() and not Official.objects.exists()
    city.seed()
    assert db_digest() == digest


def test_demo_logins_work(client, seeded):
    from django.http import HttpRequest

    # The login lockout (django-axes) counts by request: Client.login must pass one.
    assert client.login(request=HttpRequest(), username="head_donghu", password=city.DEMO_PASSWORD)
    assert client.login(request=HttpRequest(), username="operator01", password=city.DEMO_PASSWORD)
    assert client.login(request=HttpRequest(), username="admin", password=city.DEMO_PASSWORD)
    assert not client.login(request=HttpRequest(), username="head_donghu", password="wrong")


def test_prints_the_logins(seeded):
    assert "head_donghu" in seeded and "operator01" in seeded and "inspector_donghu1" in seeded
    assert "东湖区民政局" in seeded
    assert "all demo passwords are demo12345" in seeded


def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Institution.objects.exists() and not User.objects.filter(username="admin").exists()

    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Institution.objects.count() >= 290
