"""What can happen to a filing, as plain functions (testable without Viewflow).

Each function takes the acting user first and checks their right itself. A refusal raises
PermissionDenied; a broken rule raises ValidationError, keyed by field where there is one, so
the page shows it next to that field. The domain never imports a flow: a submission sends
`filing_submitted` after its commit, which the filing process (workflows/filing) listens to.

The rules (DOMAIN.md §3; 养老机构管理办法 Art. 10-11):
- filed within N working days of the first resident (a setting per locality);
- for-profit with the county office of the premises; non-profit with the office at the level of
  its registration authority;
- complete → numbered receipt (备案回执); incomplete → returned for completion (补正), the
  institution's draft kept;
- acceptance schedules the on-site verification within N working days.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.core.calendar import add_working_days
from supervision.core.models import Department, DepartmentKind, Region, RegionLevel
from supervision.core.numbering import next_document_number
from supervision.core.uploads import check_document
from supervision.core.validators import phone_validator
from supervision.credit import services as credit
from supervision.filings import access
from supervision.filings.models import (
    CHANGE_FIELDS,
    DECLARED_FIELDS,
    OPEN_STATES,
    RECEIPT_DOCUMENT_TYPE,
    CommitmentSignature,
    CommitmentTemplate,
    Filing,
    FilingDeadlineRule,
    FilingKind,
    FilingState,
    FilingVerification,
    FilingVersion,
    VerificationReason,
)
from supervision.inspections.models import InspectionKind
from supervision.notifications.services import notify
from supervision.registry.models import FilingStatus, InstitutionKind, OperatingStatus
from supervision.registry.validators import credit_code_message
from supervision.staff.access import actor_for
from supervision.staff.models import Official, Role

# Sent after the commit of a submission (sender=Filing, filing=…, resubmitted=bool).
filing_submitted = Signal()

CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024


# --- people to tell ----------------------------------------------------------------------------


def _users():
    return get_user_model().objects.filter(is_active=True)


def operators_of(institution):
    return _users().filter(institution_account__institution=institution)


def checkers_of(office):
    return _users().filter(official__department=office, groups__name=Role.PLANNER)


def filing_link(filing) -> str:
    try:
        return reverse("filings:portal:filing", args=[filing.pk])
    except NoReverseMatch:
        return ""


def desk_link(filing) -> str:
    try:
        return reverse("filings:filings:detail", args=[filing.pk])
    except NoReverseMatch:
        return ""


# --- rules as data -----------------------------------------------------------------------------


def _most_specific(rows, region):
    """The row whose region is the nearest ancestor-or-self of ``region`` (rows have .region)."""
    if region is None:
        return None
    matching = [r for r in rows if r.region is not None and region.path.startswith(r.region.path)]
    return max(matching, key=lambda r: len(r.region.path), default=None)


def commitment_template_for(region) -> CommitmentTemplate:
    """The template in force where the premises are: the locality's latest version, else the default's."""
    localities = CommitmentTemplate.objects.filter(region__isnull=False).select_related("region").order_by(
        "region", "-version")
    latest_per_region = {}
    for template in localities:
        latest_per_region.setdefault(template.region_id, template)
    local = _most_specific(latest_per_region.values(), region)
    if local is not None:
        return local
    return CommitmentTemplate.objects.filter(region__isnull=True).order_by("-version").first()


def deadline_working_days(region) -> int:
    rule = _most_specific(FilingDeadlineRule.objects.select_related("region"), region)
    return rule.working_days if rule else settings.FILING_DEADLINE_WORKING_DAYS


def filing_deadline(first_resident_on: dt.date, region):
    """备案期限: N working days after the first resident (a WorkdayResult)."""
    return add_working_days(first_resident_on, deadline_working_days(region))


def competent_office(*, region, for_profit: bool, registration_level: str):
    """The civil-affairs office the filing goes to (Art. 10), or None if the region has none."""
    if region is None:
        return None
    level = RegionLevel.DISTRICT if for_profit else registration_level
    chain = [*region.ancestors(), region]
    at_level = next((r for r in chain if r.level == level), None)
    if at_level is None:
        return None
    return Department.objects.filter(kind=DepartmentKind.CIVIL_AFFAIRS, region=at_level).first()


def min_beds() -> int:
    return settings.FILING_MIN_RESIDENTIAL_BEDS


# --- the institution's draft -------------------------------------------------------------------


def _require(condition):
    if not condition:
        raise PermissionDenied


def open_filing(institution):
    return Filing.objects.filter(institution=institution, state__in=list(OPEN_STATES)).first()


def current_filing(institution):
    """The accepted filing in force: the latest accepted initial or change filing (none after a closure)."""
    last = Filing.objects.filter(institution=institution, state=FilingState.ACCEPTED).order_by("-accepted_at",
                                                                                                "-pk").first()
    if last is None or last.kind == FilingKind.CLOSURE:
        return None
    return last


def _one_open_message(existing) -> str:
    return _("This institution already has an open %(kind)s (%(state)s): finish it before starting another.") % {
        "kind": existing.get_kind_display(), "state": existing.get_state_display()}


def start_filing(user, institution, kind: str = FilingKind.INITIAL) -> Filing:
    """Open a draft, filled from the registry (a first filing) or the filing in force (a change or closure)."""
    _require(access.is_operator_of(user, institution))
    if kind not in FilingKind.values:
        raise ValidationError(_("Unknown kind of filing."))
    existing = open_filing(institution)
    if existing is not None:
        raise ValidationError(_one_open_message(existing))
    current = current_filing(institution)
    if kind == FilingKind.INITIAL and current is not None:
        raise ValidationError(_("This institution is filed already: file a change or a closure instead."))
    if kind != FilingKind.INITIAL and current is None:
        raise ValidationError(_("A change or closure filing needs an accepted filing to amend."))
    if institution.operating_status == OperatingStatus.CLOSED:
        raise ValidationError(_("This institution's closure was filed: it cannot file again."))
    if current is not None:
        values = {f: getattr(current, f) for f in DECLARED_FIELDS if f not in ("closure_on", "resettlement_plan")}
    else:
        values = {
            "name": institution.name, "credit_code": institution.credit_code, "address": institution.address,
            "region": institution.region, "legal_representative": institution.legal_representative,
            "for_profit": institution.for_profit, "beds": institution.beds or None,
            "floor_area": institution.floor_area, "contact_person": institution.contact_person,
            "contact_phone": institution.contact_phone,
        }
        values["office"] = competent_office(region=institution.region, for_profit=institution.for_profit,
                                            registration_level=Filing._meta.get_field("registration_level").default)
    try:
        with transaction.atomic():
            filing = Filing.objects.create(institution=institution, kind=kind, amends=current, created_by=user,
                                           **values)
    except IntegrityError:  # a second tab started one at the same moment
        raise ValidationError(_one_open_message(open_filing(institution))) from None
    if current is not None:
        _copy_certificate(current, filing)
    _refresh_deadline(filing)
    return filing


def _copy_certificate(source, target):
    if source.certificate:
        with source.certificate.open("rb") as f:
            target.certificate_type = source.certificate_type
            target.certificate.save("certificate", ContentFile(f.read()), save=False)
        target.certificate_name = source.certificate_name
        target.save(update_fields=["certificate", "certificate_name", "certificate_type"])


def _refresh_deadline(filing):
    if filing.kind == FilingKind.INITIAL and filing.first_resident_on and filing.region_id:
        due = filing_deadline(filing.first_resident_on, filing.region)
        filing.deadline, filing.deadline_provisional = due.date, due.provisional
    else:
        filing.deadline, filing.deadline_provisional = None, False
    Filing.objects.filter(pk=filing.pk).update(deadline=filing.deadline,
                                               deadline_provisional=filing.deadline_provisional)


EDITABLE_FIELDS = tuple(f for f in DECLARED_FIELDS)


def save_draft(user, filing, values: dict) -> Filing:
    """Keep what the institution typed (only the fields given: those that parsed), as a draft."""
    _require(access.is_operator_of(user, filing.institution))
    if not filing.editable:
        raise ValidationError(_("This filing is with the office: it cannot be changed now."))
    fields = [f for f in values if f in EDITABLE_FIELDS]
    if filing.kind == FilingKind.CHANGE:
        # A change filing changes only what 变更备案 covers; the rest stays as filed.
        fields = [f for f in fields if f in CHANGE_FIELDS or f in ("contact_person", "contact_phone")]
    elif filing.kind == FilingKind.CLOSURE:
        fields = [f for f in fields if f in ("closure_on", "resettlement_plan", "contact_person", "contact_phone")]
    for name in fields:
        setattr(filing, name, values[name])
    filing.updated = clock.now()
    filing.save(update_fields=[*fields, "updated"])
    _refresh_deadline(filing)
    return filing


def attach_certificate(user, filing, upload) -> str:
    """Store the registration certificate if it is a PDF or an image by its content; else say why."""
    _require(access.is_operator_of(user, filing.institution))
    if not filing.editable:
        raise ValidationError(_("This filing is with the office: it cannot be changed now."))
    checked = check_document(upload, CERTIFICATE_MAX_BYTES)
    if not checked.ok:
        return checked.message
    filing.certificate_type = checked.content_type
    filing.certificate.save("certificate", upload, save=False)
    filing.certificate_name = upload.name[:255]
    filing.save(update_fields=["certificate", "certificate_name", "certificate_type"])
    return ""


def sign_commitment(user, filing, *, signer_name: str, confirmed: bool) -> CommitmentSignature:
    """The legal representative signs the written commitment: typed name and confirmation."""
    _require(access.is_operator_of(user, filing.institution))
    if not filing.editable:
        raise ValidationError(_("This filing is with the office: it cannot be changed now."))
    signer_name = (signer_name or "").strip()
    errors = {}
    if not confirmed:
        errors["confirm"] = _("Tick the box to confirm the commitment.")
    if not signer_name:
        errors["signer_name"] = _("Type the name of the legal representative or principal to sign.")
    elif signer_name != (filing.legal_representative or "").strip():
        errors["signer_name"] = _(
            "The commitment is signed by the legal representative or principal named in the filing (%(name)s)."
        ) % {"name": filing.legal_representative or "—"}
    if errors:
        raise ValidationError(errors)
    template = commitment_template_for(filing.region or filing.institution.region)
    CommitmentSignature.objects.filter(filing=filing).delete()
    return CommitmentSignature.objects.create(
        filing=filing, template=template, items=template.items, signer_name=signer_name, signed_by=user,
        signed_at=clock.now(),
    )


def submission_problems(filing) -> dict:
    """Every reason the filing is not complete yet, keyed by field ("" for the whole filing)."""
    problems: dict[str, str] = {}
    required = {
        FilingKind.INITIAL: ("name", "credit_code", "address", "region", "legal_representative", "premises_title",
                             "beds", "floor_area", "contact_person", "contact_phone", "first_resident_on", "office"),
        FilingKind.CHANGE: ("name", "legal_representative", "premises_title", "beds", "floor_area",
                            "contact_person", "contact_phone"),
        FilingKind.CLOSURE: ("closure_on", "resettlement_plan", "contact_person", "contact_phone"),
    }[filing.kind]
    for name in required:
        if getattr(filing, name) in (None, ""):
            problems[name] = _("This is needed for the filing.")
    if filing.credit_code and "credit_code" not in problems:
        message = credit_code_message(filing.credit_code)
        if message:
            problems["credit_code"] = message
    if (filing.beds is not None and filing.institution.kind == InstitutionKind.RESIDENTIAL
            and filing.beds < min_beds()):
        problems["beds"] = _("A residential institution has at least %(min)s beds; %(beds)s were entered.") % {
            "min": min_beds(), "beds": filing.beds}
    if filing.contact_phone and "contact_phone" not in problems:
        try:
            phone_validator(filing.contact_phone)
        except ValidationError as e:
            problems["contact_phone"] = e.messages[0]
    if filing.floor_area is not None and filing.floor_area <= Decimal(0):
        problems["floor_area"] = _("The floor area must be more than 0 m².")
    if filing.kind == FilingKind.INITIAL:
        problems.update(_office_problems(filing))
        if filing.first_resident_on and filing.first_resident_on > clock.today():
            problems["first_resident_on"] = _("The first resident's date cannot be in the future.")
    if filing.kind != FilingKind.CLOSURE:
        if not filing.certificate:
            problems["certificate"] = _("Upload the registration certificate (PDF or photo).")
        signature = CommitmentSignature.objects.filter(filing=filing).first()
        if signature is None:
            problems["signer_name"] = _("The legal representative must sign the commitment.")
        elif signature.signer_name != (filing.legal_representative or "").strip():
            problems["signer_name"] = _(
                "The commitment was signed by %(signer)s, but the filing names %(name)s: the legal representative "
                "or principal signs again.") % {"signer": signature.signer_name, "name": filing.legal_representative}
    if filing.kind == FilingKind.CHANGE and filing.amends_id:
        before = declared(filing.amends)
        after = declared(filing)
        if all(before.get(f) == after.get(f) for f in CHANGE_FIELDS):
            problems[""] = _("Nothing was changed: a change filing changes the name, legal representative, "
                             "title to the premises, beds or floor area.")
    if filing.kind == FilingKind.CLOSURE and filing.closure_on and filing.closure_on < clock.today() - dt.timedelta(days=366):
        problems["closure_on"] = _("Give the date the institution closes (or closed), within the last year.")
    return problems


def _office_problems(filing) -> dict:
    """The premises must lie within the chosen office's jurisdiction, and the office be the competent one."""
    if filing.office_id is None or filing.region_id is None:
        return {}
    office = filing.office
    if not office.region.contains(filing.region):
        return {"region": _("The premises (%(street)s) lie outside the jurisdiction of %(office)s.") % {
            "street": filing.region.full_name, "office": office.name}}
    right = competent_office(region=filing.region, for_profit=filing.for_profit,
                             registration_level=filing.registration_level)
    if right is not None and right.pk != office.pk:
        if filing.for_profit:
            rule = _("A for-profit institution files with the county civil-affairs office of its premises: %(office)s.")
        else:
            rule = _("A non-profit institution files with the civil-affairs office at the level of its "
                     "registration authority: %(office)s.")
        return {"office": rule % {"office": right.name}}
    if right is None:
        return {"office": _("No civil-affairs office is set up for this level here; ask the bureau.")}
    return {}


def declared(filing) -> dict:
    """The filing's declared facts as plain JSON values (what a version keeps)."""
    data = {}
    for name in DECLARED_FIELDS:
        value = getattr(filing, name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Region | Department):
            value = value.name
        data[name] = value
    return data


def submit_filing(user, filing) -> FilingVersion:
    """Lodge the filing (or its completion) with the office: a new version, kept as sent."""
    _require(access.is_operator_of(user, filing.institution))
    with transaction.atomic():
        # of=("self",): PostgreSQL locks no row of the nullable joined office and region.
        filing = Filing.objects.select_for_update(of=("self",)).select_related(
            "institution", "office", "region").get(pk=filing.pk)
        if not filing.editable:
            raise ValidationError(_("This filing was submitted already."))
        problems = submission_problems(filing)
        if problems:
            raise ValidationError(problems)
        if filing.kind != FilingKind.INITIAL:
            filing.office = filing.amends.office
        resubmitted = filing.versions.exists()
        number = filing.versions.count() + 1
        now = clock.now()
        version = FilingVersion.objects.create(
            filing=filing, number=number, data=declared(filing), certificate_name=filing.certificate_name,
            submitted_at=now, submitted_by=user,
        )
        filing.state, filing.submitted_at = FilingState.SUBMITTED, now
        filing.save(update_fields=["state", "submitted_at", "office"])
        notify(checkers_of(filing.office), "filing_submitted",
               _("%(kind)s of %(name)s to check.") % {"kind": filing.get_kind_display(), "name": filing.name
                                                     or filing.institution.name},
               desk_link(filing))
        transaction.on_commit(lambda: filing_submitted.send(sender=Filing, filing=filing, resubmitted=resubmitted))
    return version


# --- the office ----------------------------------------------------------------------------------


def _pending_version(filing) -> FilingVersion:
    version = filing.versions.filter(outcome="").order_by("-number").first()
    if filing.state != FilingState.SUBMITTED or version is None:
        raise ValidationError(_("This filing is not waiting for a check."))
    return version


def return_filing(user, filing, *, note: str) -> Filing:
    """Incomplete: back to the institution with what to add (补正); its draft is kept."""
    _require(access.may_check(user, filing))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the institution must add or correct.")})
    with transaction.atomic():
        filing = Filing.objects.select_for_update().get(pk=filing.pk)
        version = _pending_version(filing)
        version.outcome, version.note = FilingVersion.Outcome.RETURNED, note
        version.decided_at, version.decided_by = clock.now(), user
        version.save(update_fields=["outcome", "note", "decided_at", "decided_by"])
        filing.state = FilingState.RETURNED
        filing.save(update_fields=["state"])
        notify(operators_of(filing.institution), "filing_returned",
               _("Your %(kind)s was returned for completion: %(note)s") % {
                   "kind": filing.get_kind_display(), "note": note}, filing_link(filing))
    return filing


def suggest_team(office, institution, today=None):
    """Two inspectors of the office able to inspect and free of a declared conflict with the institution."""
    from supervision.staff.models import ConflictOfInterest

    today = today or clock.today()
    conflicted = ConflictOfInterest.objects.filter(ConflictOfInterest.in_force_q(today), institution=institution)
    inspectors = (
        Official.objects.inspectors().filter(department=office, active=True, certificate_number__isnull=False)
        .exclude(certificate_valid_until__lt=today).exclude(pk__in=conflicted.values("official_id"))
        .order_by("pk").distinct()
    )
    return list(inspectors[:2])


def _registry_values(filing) -> dict:
    if filing.kind == FilingKind.CLOSURE:
        return {"filing_status": FilingStatus.CLOSURE_FILED, "operating_status": OperatingStatus.CLOSED}
    values = {f: getattr(filing, f) for f in ("name", "legal_representative", "beds", "floor_area",
                                               "contact_person", "contact_phone")}
    if filing.kind == FilingKind.INITIAL:
        values.update(address=filing.address, region=filing.region, for_profit=filing.for_profit,
                      credit_code=filing.credit_code)
    values["filing_status"] = FilingStatus.FILED if filing.kind == FilingKind.INITIAL else FilingStatus.CHANGE_FILED
    return values


def accept_filing(user, filing, *, team=None, today=None) -> Filing:
    """Complete: a numbered receipt (备案回执); the registry takes the filed facts; verification is scheduled.

    A closure ends the institution's operating status here, and only here.
    """
    _require(access.may_check(user, filing))
    today = today or clock.today()
    with transaction.atomic():
        # of=("self",): PostgreSQL locks no row of the nullable joined office and region.
        filing = Filing.objects.select_for_update(of=("self",)).select_related(
            "institution", "office", "region").get(pk=filing.pk)
        version = _pending_version(filing)
        team = list(team) if team is not None else suggest_team(filing.office, filing.institution, today)
        number = next_document_number(filing.office, RECEIPT_DOCUMENT_TYPE, today.year)
        now = clock.now()
        version.outcome, version.decided_at, version.decided_by = FilingVersion.Outcome.ACCEPTED, now, user
        version.save(update_fields=["outcome", "decided_at", "decided_by"])
        filing.state, filing.accepted_at, filing.accepted_by = FilingState.ACCEPTED, now, user
        filing.receipt_number = number.text
        filing.save(update_fields=["state", "accepted_at", "accepted_by", "receipt_number"])
        institution = filing.institution
        for name, value in _registry_values(filing).items():
            setattr(institution, name, value)
        institution.save()
        if filing.kind != FilingKind.CLOSURE:
            schedule_verification(user, institution, reason=VerificationReason.FILING, counted_from=today,
                                  filing=filing, team=team)
        notify(operators_of(institution), "filing_accepted",
               _("Your %(kind)s was accepted: receipt %(number)s.") % {
                   "kind": filing.get_kind_display(), "number": filing.receipt_number}, filing_link(filing))
    return filing


# --- verification --------------------------------------------------------------------------------


def verification_working_days() -> int:
    return settings.FILING_VERIFICATION_WORKING_DAYS


def schedule_verification(user, institution, *, reason, counted_from, filing=None, team=None) -> FilingVerification:
    """A filing-verification inspection (备案核查), due within N working days of ``counted_from``."""
    from supervision.filings.verification import verification_checklist
    from supervision.inspections.services import schedule_inspection

    actor = actor_for(user)
    department = filing.office if filing is not None else actor.official.department
    team = list(team) if team is not None else suggest_team(department, institution, counted_from)
    if len(team) < 2:
        raise ValidationError({"team": _(
            "%(office)s has fewer than two inspectors free to verify %(name)s: add inspectors or clear a conflict."
        ) % {"office": department.name, "name": institution.name}})
    signature = CommitmentSignature.objects.filter(filing=filing).first() if filing is not None else None
    inspection = schedule_inspection(user, institution=institution, kind=InspectionKind.FILING, team=team,
                                     department=department, checklist=verification_checklist(signature))
    due = add_working_days(counted_from, verification_working_days())
    return FilingVerification.objects.create(
        institution=institution, filing=filing, inspection=inspection, reason=reason, counted_from=counted_from,
        due_on=due.date, due_provisional=due.provisional,
    )


def report_unfiled_operation(user, institution, *, found_on: dt.date, team=None) -> FilingVerification:
    """An institution found housing residents without a filing: verification due from that day, and a
    notice urging it to file."""
    actor = actor_for(user)
    _require(actor.official is not None and actor.in_civil_affairs and Role.PLANNER in actor.roles
             and actor.covers_region(institution.region))
    if current_filing(institution) is not None:
        raise ValidationError(_("%(name)s is filed.") % {"name": institution.name})
    if found_on > clock.today():
        raise ValidationError({"found_on": _("The day it was found cannot be in the future.")})
    with transaction.atomic():
        verification = schedule_verification(user, institution, reason=VerificationReason.UNFILED,
                                             counted_from=found_on, team=team)
        notify(operators_of(institution), "filing_urged",
               _("%(name)s was found housing residents without a filing: file with the civil-affairs office "
                 "now (养老机构管理办法 Art. 10).") % {"name": institution.name},
               _portal_link())
    return verification


def _portal_link() -> str:
    try:
        return reverse("filings:portal:index")
    except NoReverseMatch:
        return ""


# --- credit ----------------------------------------------------------------------------------------


def record_credit_event(*, institution, department, kind: str, decided_on: dt.date, source, note: str,
                        recorded_by=None):
    """The credit ledger's copy of a filing fact (supervision.credit), in the caller's transaction.

    ``kind``: CreditEventKind.COMMITMENT_BROKEN or FALSE_FILING. The ledger records one event per
    kind and source, so a retry never doubles it. The caller has checked the right to act.
    """
    return credit.append(institution=institution, department=department, kind=kind, decided_on=decided_on,
                         source=source, note=note[:500], recorded_by=recorded_by)
