"""The inspectors import (执法检查人员名录库): accounts, roles and specialties for a head's line of departments."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from supervision.core.audit import record_created
from supervision.core.importing.cells import choice, lookup_key, model_problems, model_text, parse_date, split_list
from supervision.core.importing.columns import (
    BATCH_SIZE,
    PROGRESS_EVERY,
    Column,
    RowCheck,
    chunks,
    firsts,
    flag_repeats,
    map_columns,
)
from supervision.core.importing.problems import CellError, ImportFileError
from supervision.core.importing.reading import Table
from supervision.core.models import Department, Region
from supervision.staff.access import actor_for
from supervision.staff.models import Official, Role, Specialty

ROLE_NAMES = {
    Role.INSPECTOR: ("检查人员", "执法检查人员", "检查员", "执法人员"),
    Role.PLANNER: ("计划人员", "抽查计划员", "计划员"),
    Role.HEAD: ("负责人", "部门负责人", "科室负责人"),
    Role.ADMINISTRATOR: ("管理员", "系统管理员"),
}

INSPECTOR_COLUMNS = (
    Column("name", ("姓名", "name"), required=True),
    Column("department", ("所属部门", "部门", "department"), required=True),
    Column("duty_region", ("所在区/街道", "工作区域", "责任区域", "duty_region")),
    Column("district", ("所在区", "区", "区县", "district")),
    Column("street", ("街道", "乡镇街道", "street")),
    Column("certificate", ("执法证号", "执法证件号", "证号", "certificate_number")),
    Column("valid_until", ("证件有效期", "有效期", "有效期至", "certificate_valid_until")),
    Column("specialties", ("专长", "专业", "specialties")),
    Column("phone", ("联系电话", "电话", "手机", "phone")),
    Column("username", ("用户名", "登录名", "username")),
    Column("roles", ("角色", "role", "roles"), values=firsts(ROLE_NAMES)),
)


@dataclass
class InspectorDraft:
    """An inspector as the file describes them, ready to write."""

    official: Official
    username: str
    roles: list[str]
    specialties: list[Specialty] = field(default_factory=list)


class InspectorContext:
    """What checking an inspectors file needs, loaded once: departments, specialties, groups."""

    def __init__(self, jurisdiction: Region | None, importer):
        self.jurisdiction = jurisdiction
        self.actor = actor_for(importer)
        self.departments = {d.name: d for d in Department.objects.select_related("region")}
        self.open_departments = {d.pk for d in self._departments_open_to_importer()}
        self.specialties = {}
        for specialty in Specialty.objects.all():
            self.specialties[lookup_key(specialty.code)] = specialty
            self.specialties[lookup_key(specialty.name)] = specialty
        self._regions: dict[tuple, Region] = {}

    def _departments_open_to_importer(self):
        """Administrators: all. A head: their department and those of the same kind below it."""
        if self.actor.is_admin:
            return Department.objects.all()
        if self.actor.official is None or self.jurisdiction is None:
            return Department.objects.none()
        own = self.actor.official.department
        return Department.objects.filter(kind=own.kind, region__path__startswith=self.jurisdiction.path)

    def department(self, text: str) -> Department:
        department = self.departments.get(text)
        if department is None:
            raise CellError(_("There is no department called “%(value)s”.") % {"value": text})
        if department.pk not in self.open_departments:
            raise CellError(_(
                "You cannot import inspectors into “%(value)s”: a head imports for their own department "
                "and the departments of the same kind within its jurisdiction."
            ) % {"value": text})
        return department

    def duty_region(self, department: Department, text: str) -> Region:
        key = (department.pk, text)
        if key not in self._regions:
            self._regions[key] = self._find_duty_region(department, text)
        return self._regions[key]

    def _find_duty_region(self, department: Department, text: str) -> Region:
        parts = [p for p in re.split(r"[/／\\\s]+", text) if p]
        if len(parts) > 2:
            raise CellError(_("Write a district, a street, or district/street, not “%(value)s”.") % {"value": text})
        found = Region.objects.filter(Q(name=parts[-1]) | Q(code=parts[-1]))
        if len(parts) == 2:
            found = found.filter(Q(parent__name=parts[0]) | Q(parent__code=parts[0]))
        inside = [r for r in found if department.region.contains(r)]
        if len(inside) == 1:
            return inside[0]
        if len(inside) > 1:
            raise CellError(_("Several regions are called “%(value)s”; write district/street.") % {"value": text})
        if found:
            raise CellError(_("“%(value)s” lies outside the jurisdiction of %(department)s.") % {
                "value": text, "department": department.name})
        raise CellError(_("There is no region called “%(value)s”.") % {"value": text})

    def specialty_list(self, text: str) -> list[Specialty]:
        found, unknown = [], []
        for part in split_list(text):
            specialty = self.specialties.get(lookup_key(part))
            (found if specialty else unknown).append(specialty or part)
        if unknown:
            names = "、".join(sorted({s.name for s in self.specialties.values()}))
            raise CellError(_("Unknown specialty: %(unknown)s. Known: %(known)s.") % {
                "unknown": "、".join(unknown), "known": names})
        return list(dict.fromkeys(found))

    def role_list(self, text: str) -> list[str]:
        parse = choice(ROLE_NAMES, [(r, label) for r, label in Role.choices if r in ROLE_NAMES])
        roles = list(dict.fromkeys(parse(part) for part in split_list(text)))
        if Role.ADMINISTRATOR in roles and not self.actor.is_admin:
            raise CellError(_("Only an administrator can give the administrator role."))
        return roles


def _username(text: str) -> str:
    username_field = User._meta.get_field("username")
    try:
        username_field.run_validators(text)
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from None
    if len(text) > username_field.max_length:
        raise CellError(_("Too long: at most %(limit)d characters, this has %(length)d.") % {
            "limit": username_field.max_length, "length": len(text)})
    return text


def _duty_region_key(check: RowCheck) -> tuple[str, str]:
    """The column holding the duty region, and its text (district and street may be separate columns)."""
    if check.text("duty_region"):
        return "duty_region", check.text("duty_region")
    parts = [check.text("district"), check.text("street")]
    return ("district" if parts[0] else "street"), "/".join(p for p in parts if p)


def _inspector_from(check: RowCheck, context: InspectorContext) -> InspectorDraft | None:
    name = check.get("name", model_text(Official, "name"), required=True)
    department = check.get("department", context.department, required=True)
    region = department.region if department else None
    region_column, region_text = _duty_region_key(check)
    if department and region_text:
        try:
            region = context.duty_region(department, region_text)
        except CellError as error:
            check.fail(region_column, str(error))
    roles = (check.get("roles", context.role_list) or []) if check.text("roles") else [Role.INSPECTOR]
    certificate = check.get("certificate", model_text(Official, "certificate_number"))
    if certificate is None and Role.INSPECTOR in roles and not check.text("certificate"):
        check.fail("certificate", _("An inspector needs an enforcement certificate number."))
    valid_until = check.get("valid_until", parse_date)
    specialties = check.get("specialties", context.specialty_list) or []
    phone = check.get("phone", model_text(Official, "phone")) or ""
    if check.text("username"):
        username = check.get("username", _username)
    elif certificate:
        username = _username_or_fail(check, certificate)
    else:
        username = None
        if check.ok:
            check.fail("username", _("Give a username, or a certificate number to use as one."))
    if not check.ok:
        return None
    official = Official(name=name, department=department, region=region, phone=phone,
                        certificate_number=certificate, certificate_valid_until=valid_until)
    model_problems(check, official, {"name": "name", "department": "department", "region": region_column,
                                      "phone": "phone", "certificate_number": "certificate",
                                      "certificate_valid_until": "valid_until", "__all__": "name"},
                   exclude=("user", "department", "region"))
    return InspectorDraft(official, username, roles, specialties) if check.ok else None


def _username_or_fail(check: RowCheck, certificate: str) -> str | None:
    try:
        return _username(certificate)
    except CellError as error:
        check.fail("certificate", _("Cannot be used as the username: %(reason)s Fill in the username column.")
                   % {"reason": error})
        return None


def _username_of(check: RowCheck) -> str:
    return check.text("username") or check.text("certificate")


def _flag_existing_inspectors(checks: list[RowCheck]) -> None:
    certificates = sorted({c.text("certificate") for c in checks} - {""})
    holders = {}
    for chunk in chunks(certificates):
        for official in Official.objects.filter(certificate_number__in=chunk).select_related("department"):
            holders[official.certificate_number] = official
    usernames = sorted({_username_of(c) for c in checks} - {""})
    taken = set()
    for chunk in chunks(usernames):
        taken.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    for check in checks:
        if (holder := holders.get(check.text("certificate"))) is not None:
            # No name: the holder may serve outside the importer's jurisdiction.
            check.fail("certificate", _("This certificate number is already in the inspector library."))
        if _username_of(check) in taken and (holder is None or check.text("username")):
            column = "username" if check.text("username") else "certificate"
            check.fail(column, _("The username “%(value)s” is already taken.") % {"value": _username_of(check)})


def _flag_repeated_usernames(checks: list[RowCheck]) -> None:
    """Usernames default to certificate numbers; a repeat of two defaults is already reported as such."""
    first_seen: dict[str, RowCheck] = {}
    for check in checks:
        username = _username_of(check)
        if not username:
            continue
        earlier = first_seen.setdefault(username, check)
        if earlier is not check and (check.text("username") or earlier.text("username")):
            check.fail("username" if check.text("username") else "certificate",
                       _("The same username as row %(row)d.") % {"row": earlier.number})


def check_inspectors(table: Table, jurisdiction: Region | None, importer, progress: Callable[[int], None]):
    layout = map_columns(table.headers, INSPECTOR_COLUMNS)
    if layout.problems:
        raise ImportFileError(layout.problems)
    context = InspectorContext(jurisdiction, importer)
    problems, checks, drafts = [], [], []
    for done, (number, cells) in enumerate(table.rows, start=1):
        check = RowCheck(number, cells, layout, problems)
        checks.append(check)
        draft = _inspector_from(check, context)
        if draft is not None:
            drafts.append(draft)
        if done % PROGRESS_EVERY == 0:
            progress(done)
    flag_repeats(checks, "certificate", lambda c: c.text("certificate"),
                  _("The same certificate number as row %(row)d."))
    _flag_repeated_usernames(checks)
    _flag_existing_inspectors(checks)
    return problems, drafts


def write_inspectors(drafts: list[InspectorDraft], progress: Callable[[int], None]) -> int:
    """Users with unusable passwords (an administrator sets them), officials, roles, specialties."""
    groups = {g.name: g for g in Group.objects.filter(name__in=[r for d in drafts for r in d.roles])}
    written = 0
    for batch in chunks(drafts, BATCH_SIZE):
        users = User.objects.bulk_create([
            User(username=d.username, first_name=d.official.name[:150], password=make_password(None))
            for d in batch
        ])
        for draft, user in zip(batch, users, strict=True):
            draft.official.user = user
        officials = Official.objects.bulk_create([d.official for d in batch])
        User.groups.through.objects.bulk_create([
            User.groups.through(user_id=d.official.user_id, group_id=groups[r].pk) for d in batch for r in d.roles
        ])
        Official.specialties.through.objects.bulk_create([
            Official.specialties.through(official_id=d.official.pk, specialty_id=s.pk)
            for d in batch for s in d.specialties
        ])
        record_created(users)
        record_created(officials)
        written += len(batch)
        progress(written)
    return written


def may_import_inspectors(user) -> bool:
    """Department heads (for their line of departments) and administrators."""
    actor = actor_for(user)
    return actor.is_admin or (Role.HEAD in actor.roles and actor.official is not None)
