"""Bulk import (批量导入) of institutions and inspectors from CSV or XLSX.

An upload becomes an ImportJob. A dry run reads the file, checks every row and stores
a report of every problem as (row as the spreadsheet shows it, column header as in the
file, value, message). A job without problems can be committed: the rows are checked
again and written in one transaction, so a commit is all-or-nothing, and a conditional
status update makes committing twice harmless.

Reading (bytes → Table) and column mapping are plain Python; checking loads what it
needs in a few batched queries; writing uses bulk_create and audits with record_created.
"""

import csv
import datetime
import io
import logging
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.core.audit import acting_as, record_created
from supervision.core.models import Department, Region, RegionLevel
from supervision.registry.access import can_edit_institutions
from supervision.registry.creditcode import normalise
from supervision.registry.models import (
    FilingStatus,
    ImportJob,
    ImportKind,
    ImportStatus,
    Institution,
    InstitutionKind,
    OperatingStatus,
    Ownership,
)
from supervision.registry.validators import credit_code_message
from supervision.staff.access import actor_for
from supervision.staff.models import Official, Role, Specialty

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000  # rows per INSERT
PROGRESS_EVERY = 500  # rows between progress reports while checking
MAX_PROBLEMS = 5000  # a report longer than this is cut, with a note saying how much was left out
ENCODINGS = ("UTF-8", "GB18030")  # tried in this order; GB18030 is a superset of the GBK Excel saves
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls workbooks


# --- problems ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int | None  # as the spreadsheet shows it (header = 1); None for the file as a whole
    column: str
    value: str
    message: str
    position: int = 0  # of the column in the file, to list a row's problems left to right

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


class ImportFileError(Exception):
    """The file as a whole cannot be used: wrong type, unreadable encoding, missing columns."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _file_error(message: str) -> ImportFileError:
    return ImportFileError([Problem(None, "", "", message)])


class CellError(ValueError):
    """A cell's value cannot be used; the message says why."""


# --- reading ----------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as shown in the spreadsheet, cells as text)


def read_table(data: bytes) -> Table:
    """The first sheet of an XLSX workbook or a CSV file, recognised by content, not by name."""
    if not data:
        raise _file_error(_("The file is empty."))
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_OLE_MAGIC):
        raise _file_error(
            _("This is an old-style Excel workbook (.xls). Save it as .xlsx or as CSV and upload it again.")
        )
    return _read_csv(_decode(data))


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            text = data.decode("utf-8-sig" if encoding == "UTF-8" else encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # UTF-16 or a binary file: it "decodes" but is not text in any encoding tried
        return text
    raise _file_error(
        _("The file is neither an XLSX workbook nor a CSV text in one of the encodings tried (%(encodings)s). "
          "In Excel, save it as “CSV UTF-8” or as an .xlsx workbook.") % {"encodings": ", ".join(ENCODINGS)}
    )


def _read_csv(text: str) -> Table:
    try:
        dialect = csv.Sniffer().sniff(text[:4096].partition("\n")[0], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    records = csv.reader(io.StringIO(text, newline=""), dialect)
    return _table(list(records))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise _file_error(_("This file is a ZIP archive but not an Excel .xlsx workbook.")) from None
    try:
        if not workbook.worksheets:
            raise _file_error(_("The workbook has no worksheet."))
        records = [[_cell_text(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(records)


def _table(records: list[list]) -> Table:
    if not records or not any(str(c).strip() for c in records[0]):
        raise _file_error(_("The first row is empty; it must hold the column headers."))
    headers = [str(c).strip() for c in records[0]]
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [str(c).strip() for c in record]
        if any(cells):  # Excel often leaves formatted but empty rows at the end
            rows.append((number, cells))
    return Table(headers, rows)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 120 and 13800000000 as floats
    return str(value).strip()


# --- columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]  # the first is the one in the blank template; the rest are synonyms
    required: bool = False
    values: tuple[str, ...] = ()  # accepted values, for the template's notes


def _header_key(header: str) -> str:
    """Headers compare without spaces (also full-width), case, underscores, '*' or a unit note."""
    text = re.sub(r"[（(][^（()）]*[）)]$", "", "".join(str(header).split()))
    return text.replace("*", "").replace("_", "").lower()


@dataclass
class Layout:
    columns: tuple[Column, ...]
    index: dict[str, int]  # column key → position in the file
    headers: dict[str, str]  # column key → header as written in the file

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.headers[0] for c in self.columns if c.key == key)


def map_columns(headers: list[str], columns: tuple[Column, ...]) -> Layout:
    """Which file column holds which field; raises ImportFileError naming missing columns."""
    by_synonym = {_header_key(h): column for column in columns for h in column.headers}
    layout, problems = Layout(columns, {}, {}), []
    for position, header in enumerate(headers):
        column = by_synonym.get(_header_key(header)) if header else None
        if column is None:
            continue
        if column.key in layout.index:
            problems.append(Problem(1, header, header, _(
                "Columns “%(first)s” and “%(second)s” mean the same thing; keep only one."
            ) % {"first": layout.headers[column.key], "second": header}))
            continue
        layout.index[column.key], layout.headers[column.key] = position, header
    if not layout.index:
        raise _file_error(_(
            "The first row holds none of the expected column headers (%(expected)s). If this is a CSV file, "
            "it may be saved in an encoding other than those tried (%(encodings)s)."
        ) % {"expected": "、".join(c.headers[0] for c in columns if c.required), "encodings": ", ".join(ENCODINGS)})
    for column in columns:
        if column.required and column.key not in layout.index:
            problems.append(Problem(1, column.headers[0], "", _(
                "The required column “%(column)s” is missing (also accepted: %(synonyms)s)."
            ) % {"column": column.headers[0], "synonyms": ", ".join(column.headers[1:])}))
    if problems:
        raise ImportFileError(problems)
    return layout


class RowCheck:
    """One data row being checked: reads cells by column key and collects what is wrong."""

    def __init__(self, number: int, cells: list[str], layout: Layout, problems: list[Problem]):
        self.number, self.cells, self.layout, self.problems = number, cells, layout, problems
        self.ok = True

    def text(self, key: str) -> str:
        position = self.layout.index.get(key)
        return self.cells[position] if position is not None and position < len(self.cells) else ""

    def fail(self, key: str, message: str) -> None:
        position = self.layout.index.get(key, len(self.cells))
        self.problems.append(Problem(self.number, self.layout.header(key), self.text(key), str(message), position))
        self.ok = False

    def get(self, key: str, parse: Callable | None = None, *, required: bool = False):
        """The cell parsed, or None when it is empty or wrong (and then the problem is recorded)."""
        text = self.text(key)
        if not text:
            if required:
                self.fail(key, _("This cell is empty, but the column is required."))
            return None
        if parse is None:
            return text
        try:
            return parse(text)
        except CellError as error:
            self.fail(key, str(error))
            return None


# --- cell parsers -----------------------------------------------------------------------


def text_up_to(limit: int) -> Callable[[str], str]:
    def parse(text):
        if len(text) > limit:
            raise CellError(_("Too long: at most %(limit)d characters, this has %(length)d.") % {
                "limit": limit, "length": len(text)})
        return text

    return parse


def _model_text(model, name: str) -> Callable[[str], str]:
    return text_up_to(model._meta.get_field(name).max_length)


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text})
    return value


def whole_number(maximum: int) -> Callable[[str], int]:
    def parse(text):
        value = _number(text)
        if value != value.to_integral_value():
            raise CellError(_("Give a whole number, not %(value)s.") % {"value": text})
        if value < 0:
            raise CellError(_("Cannot be negative."))
        if value > maximum:
            raise CellError(_("At most %(maximum)d.") % {"maximum": maximum})
        return int(value)

    return parse


def decimal_between(minimum: int, maximum: int, places: int) -> Callable[[str], Decimal]:
    def parse(text):
        value = _number(text)
        if not minimum <= value <= maximum:
            raise CellError(
                _("Must lie between %(minimum)s and %(maximum)s.") % {"minimum": minimum, "maximum": maximum}
            )
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    return parse


def _lookup_key(text: str) -> str:
    return "".join(str(text).split()).lower()


def choice(names: dict[str, tuple[str, ...]], choices) -> Callable[[str], str]:
    """Accept the Chinese names in ``names``, the stored value, or the label in the current language."""

    accepted = {_lookup_key(str(label)): value for value, label in choices}
    accepted.update({_lookup_key(value): value for value in names})
    accepted.update({_lookup_key(alias): value for value, aliases in names.items() for alias in aliases})

    def parse(text):
        value = accepted.get(_lookup_key(text))
        if value is None:
            raise CellError(_("“%(value)s” is not an accepted value; use one of: %(accepted)s.") % {
                "value": text, "accepted": "、".join(aliases[0] for aliases in names.values())})
        return value

    return parse


def parse_date(text: str) -> datetime.date:
    cleaned = re.sub(r"[年月/.]", "-", text.replace("日", "")).strip("-")
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date; write it as 2027-12-31.") % {"value": text})


def _split_list(text: str) -> list[str]:
    return [part for part in re.split(r"[,，、;；/\s]+", text) if part]


def _model_problems(check: RowCheck, instance, field_columns: dict[str, str], exclude=()) -> None:
    """Run the model's own field validators and clean() as a last net; report on the matching column."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = field_columns.get(name, field_columns["__all__"])
            for message in messages:
                check.fail(key, message)


# --- regions ----------------------------------------------------------------------------


class RegionLookup:
    """District and street names from a file, resolved against the tree and the jurisdiction."""

    def __init__(self, district_texts, jurisdiction: Region | None):
        self.jurisdiction = jurisdiction  # None: everywhere (an administrator)
        texts = {t for t in district_texts if t}
        districts = list(
            Region.objects.filter(level=RegionLevel.DISTRICT).filter(Q(name__in=texts) | Q(code__in=texts))
        )
        self._districts = defaultdict(list)
        for district in districts:
            self._districts[district.name].append(district)
            self._districts[district.code].append(district)
        self._streets = {}
        for street in Region.objects.filter(level=RegionLevel.STREET, parent__in=districts):
            self._streets[(street.parent_id, street.name)] = street
            self._streets[(street.parent_id, street.code)] = street

    def inside(self, region: Region) -> bool:
        return self.jurisdiction is None or region.path.startswith(self.jurisdiction.path)

    def _outside(self, text: str) -> CellError:
        return CellError(_("“%(value)s” is outside your jurisdiction (%(jurisdiction)s).") % {
            "value": text, "jurisdiction": self.jurisdiction.name})

    def district(self, text: str) -> Region:
        candidates = self._districts.get(text, [])
        if not candidates:
            raise CellError(_("There is no district or county called “%(value)s”.") % {"value": text})
        inside = [d for d in candidates if self.inside(d)]
        if not inside:
            raise self._outside(text)
        if len(inside) > 1:
            raise CellError(_("Several districts are called “%(value)s”; write its six-digit division code instead.")
                            % {"value": text})
        return inside[0]

    def street(self, district: Region, text: str) -> Region:
        street = self._streets.get((district.pk, text))
        if street is None:
            raise CellError(_("There is no street or township called “%(value)s” in %(district)s.") % {
                "value": text, "district": district.name})
        if not self.inside(street):
            raise self._outside(text)
        return street


# --- institutions -----------------------------------------------------------------------

# Values as people write them in Chinese spreadsheets; the first is the one the template suggests.
KIND_NAMES = {
    InstitutionKind.RESIDENTIAL: ("养老机构", "养老院", "敬老院", "福利院"),
    InstitutionKind.DAY_CARE: ("日间照料中心", "日间照料", "日托中心"),
    InstitutionKind.COMMUNITY: ("社区养老服务设施", "社区养老服务中心", "社区养老服务站"),
}
OWNERSHIP_NAMES = {
    Ownership.PUBLIC_PUBLIC: ("公建公营",),
    Ownership.PUBLIC_PRIVATE: ("公建民营",),
    Ownership.PRIVATE: ("民建民营", "民办"),
}
FOR_PROFIT_NAMES = {
    "yes": ("营利", "营利性", "是", "true", "1"),
    "no": ("非营利", "非营利性", "否", "false", "0"),
}
FILING_NAMES = {
    FilingStatus.NOT_FILED: ("未备案",),
    FilingStatus.FILED: ("已备案", "备案"),
    FilingStatus.RETURNED: ("退回补正",),
    FilingStatus.CHANGE_FILED: ("变更备案",),
    FilingStatus.CLOSURE_FILED: ("注销备案",),
}
OPERATING_NAMES = {
    OperatingStatus.PREPARING: ("筹建中", "筹建", "筹备"),
    OperatingStatus.OPERATING: ("运营中", "运营", "正常运营", "营业"),
    OperatingStatus.SUSPENDED: ("暂停运营", "停业", "暂停"),
    OperatingStatus.CLOSED: ("已关闭", "关闭", "停办"),
}


def _firsts(names: dict) -> tuple[str, ...]:
    return tuple(aliases[0] for aliases in names.values())


INSTITUTION_COLUMNS = (
    Column("credit_code", ("统一社会信用代码", "信用代码", "社会信用代码", "credit_code"), required=True),
    Column("name", ("机构名称", "名称", "name"), required=True),
    Column("district", ("所在区", "区", "区县", "district"), required=True),
    Column("street", ("街道", "乡镇街道", "街道乡镇", "street"), required=True),
    Column("address", ("地址", "详细地址", "address"), required=True),
    Column("kind", ("机构类型", "类型", "kind"), required=True, values=_firsts(KIND_NAMES)),
    Column("ownership", ("举办性质", "性质", "ownership"), required=True, values=_firsts(OWNERSHIP_NAMES)),
    Column("for_profit", ("营利性质", "是否营利", "for_profit"), values=_firsts(FOR_PROFIT_NAMES)),
    Column("beds", ("床位数", "床位", "beds")),
    Column("floor_area", ("建筑面积", "面积", "floor_area")),
    Column("legal_representative", ("法定代表人", "法人代表", "legal_representative"), required=True),
    Column("contact_person", ("联系人", "contact_person")),
    Column("contact_phone", ("联系电话", "电话", "contact_phone")),
    Column("filing_status", ("备案状态", "filing_status"), values=_firsts(FILING_NAMES)),
    Column("operating_status", ("运营状态", "operating_status"), values=_firsts(OPERATING_NAMES)),
    Column("longitude", ("经度", "longitude")),
    Column("latitude", ("纬度", "latitude")),
)
# Model field → file column, for problems the model's own validation finds.
_INSTITUTION_FIELD_COLUMNS = {c.key: c.key for c in INSTITUTION_COLUMNS} | {"region": "street", "__all__": "latitude"}


def _credit_code(text: str) -> str:
    code = normalise(text)
    message = credit_code_message(code)
    if message:
        raise CellError(message)
    return code


def institution_parsers() -> dict[str, tuple[Callable | None, bool]]:
    """Model field → (parser, required), built once per check (choice labels follow the language)."""

    def text(name):
        return _model_text(Institution, name)

    return {
        "credit_code": (_credit_code, True),
        "name": (text("name"), True),
        "address": (text("address"), True),
        "kind": (choice(KIND_NAMES, InstitutionKind.choices), True),
        "ownership": (choice(OWNERSHIP_NAMES, Ownership.choices), True),
        "for_profit": (choice(FOR_PROFIT_NAMES, []), False),
        "beds": (whole_number(100000), False),
        "floor_area": (decimal_between(0, 10**9 - 1, 1), False),
        "legal_representative": (text("legal_representative"), True),
        "contact_person": (text("contact_person"), False),
        "contact_phone": (text("contact_phone"), False),
        "filing_status": (choice(FILING_NAMES, FilingStatus.choices), False),
        "operating_status": (choice(OPERATING_NAMES, OperatingStatus.choices), False),
        "longitude": (decimal_between(-180, 180, 6), False),
        "latitude": (decimal_between(-90, 90, 6), False),
    }


def _institution_from(check: RowCheck, parsers: dict, regions: RegionLookup) -> Institution | None:
    values = {key: check.get(key, parse, required=required) for key, (parse, required) in parsers.items()}
    district = check.get("district", regions.district, required=True)
    street_parser = (lambda text: regions.street(district, text)) if district else None
    values["region"] = check.get("street", street_parser, required=True)
    if check.ok and (values["latitude"] is None) != (values["longitude"] is None):
        check.fail("latitude" if values["latitude"] is None else "longitude",
                   _("Give both latitude and longitude, or neither."))
    if not check.ok:
        return None
    values["for_profit"] = values["for_profit"] == "yes"
    institution = Institution(**{k: v for k, v in values.items() if v is not None})
    _model_problems(check, institution, _INSTITUTION_FIELD_COLUMNS, exclude=("region",))
    return institution if check.ok else None


def _flag_repeats(checks: list[RowCheck], key: str, identity: Callable[[RowCheck], object], message: str) -> None:
    """Report each row that repeats an earlier row of the file, naming the earlier row."""
    first_seen: dict[object, int] = {}
    for check in checks:
        value = identity(check)
        if not value:
            continue
        if value in first_seen:
            check.fail(key, message % {"row": first_seen[value]})
        else:
            first_seen[value] = check.number


def _code_of(check: RowCheck) -> str:
    return normalise(check.text("credit_code"))


def _name_address_of(check: RowCheck) -> tuple[str, str] | None:
    name, address = check.text("name"), check.text("address")
    return (name, address) if name and address else None


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing_message(institution: Institution, regions: RegionLookup, message: str) -> str:
    if regions.inside(institution.region):
        return message % {"name": institution.name, "code": institution.credit_code}
    return _("Already in the library, registered outside your jurisdiction.")


def _flag_existing_institutions(checks: list[RowCheck], regions: RegionLookup) -> None:
    codes = sorted({_code_of(c) for c in checks} - {""})
    by_code = {}
    for chunk in _chunks(codes):
        for inst in Institution.objects.filter(credit_code__in=chunk).select_related("region"):
            by_code[inst.credit_code] = inst
    names = sorted({c.text("name") for c in checks} - {""})
    by_name_address = {}
    for chunk in _chunks(names):
        for inst in Institution.objects.filter(name__in=chunk).select_related("region"):
            by_name_address[(inst.name, inst.address)] = inst
    same_code = _("An institution with this credit code is already in the library: %(name)s (%(code)s).")
    same_place = _("An institution with this name and address is already in the library: %(name)s (%(code)s).")
    for check in checks:
        if (inst := by_code.get(_code_of(check))) is not None:
            check.fail("credit_code", _existing_message(inst, regions, same_code))
        if (inst := by_name_address.get(_name_address_of(check))) is not None:
            check.fail("name", _existing_message(inst, regions, same_place))


def check_institutions(table: Table, jurisdiction: Region | None, progress: Callable[[int], None]):
    layout = map_columns(table.headers, INSTITUTION_COLUMNS)
    district_position = layout.index["district"]
    regions = RegionLookup(
        {cells[district_position] for _n, cells in table.rows if district_position < len(cells)}, jurisdiction
    )
    parsers = institution_parsers()
    problems, checks, records = [], [], []
    for done, (number, cells) in enumerate(table.rows, start=1):
        check = RowCheck(number, cells, layout, problems)
        checks.append(check)
        institution = _institution_from(check, parsers, regions)
        if institution is not None:
            records.append(institution)
        if done % PROGRESS_EVERY == 0:
            progress(done)
    _flag_repeats(checks, "credit_code", _code_of, _("The same credit code as row %(row)d."))
    _flag_repeats(checks, "name", _name_address_of, _("The same name and address as row %(row)d."))
    _flag_existing_institutions(checks, regions)
    return problems, records


def write_institutions(records: list[Institution], progress: Callable[[int], None]) -> int:
    written = 0
    for batch in _chunks(records, BATCH_SIZE):
        Institution.objects.bulk_create(batch)
        record_created(batch)
        written += len(batch)
        progress(written)
    return written


# --- inspectors -------------------------------------------------------------------------

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
    Column("roles", ("角色", "role", "roles"), values=_firsts(ROLE_NAMES)),
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

    def __init__(self, job: ImportJob):
        self.jurisdiction = job.jurisdiction
        self.actor = actor_for(job.created_by)
        self.departments = {d.name: d for d in Department.objects.select_related("region")}
        self.open_departments = {d.pk for d in self._departments_open_to_importer()}
        self.specialties = {}
        for specialty in Specialty.objects.all():
            self.specialties[_lookup_key(specialty.code)] = specialty
            self.specialties[_lookup_key(specialty.name)] = specialty
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
        for part in _split_list(text):
            specialty = self.specialties.get(_lookup_key(part))
            (found if specialty else unknown).append(specialty or part)
        if unknown:
            names = "、".join(sorted({s.name for s in self.specialties.values()}))
            raise CellError(_("Unknown specialty: %(unknown)s. Known: %(known)s.") % {
                "unknown": "、".join(unknown), "known": names})
        return list(dict.fromkeys(found))

    def role_list(self, text: str) -> list[str]:
        parse = choice(ROLE_NAMES, [(r, label) for r, label in Role.choices if r in ROLE_NAMES])
        roles = list(dict.fromkeys(parse(part) for part in _split_list(text)))
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
    name = check.get("name", _model_text(Official, "name"), required=True)
    department = check.get("department", context.department, required=True)
    region = department.region if department else None
    region_column, region_text = _duty_region_key(check)
    if department and region_text:
        try:
            region = context.duty_region(department, region_text)
        except CellError as error:
            check.fail(region_column, str(error))
    roles = (check.get("roles", context.role_list) or []) if check.text("roles") else [Role.INSPECTOR]
    certificate = check.get("certificate", _model_text(Official, "certificate_number"))
    if certificate is None and Role.INSPECTOR in roles and not check.text("certificate"):
        check.fail("certificate", _("An inspector needs an enforcement certificate number."))
    valid_until = check.get("valid_until", parse_date)
    specialties = check.get("specialties", context.specialty_list) or []
    phone = check.get("phone", _model_text(Official, "phone")) or ""
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
    _model_problems(check, official, {"name": "name", "department": "department", "region": region_column,
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
    for chunk in _chunks(certificates):
        for official in Official.objects.filter(certificate_number__in=chunk).select_related("department"):
            holders[official.certificate_number] = official
    usernames = sorted({_username_of(c) for c in checks} - {""})
    taken = set()
    for chunk in _chunks(usernames):
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


def check_inspectors(table: Table, job: ImportJob, progress: Callable[[int], None]):
    layout = map_columns(table.headers, INSPECTOR_COLUMNS)
    context = InspectorContext(job)
    problems, checks, drafts = [], [], []
    for done, (number, cells) in enumerate(table.rows, start=1):
        check = RowCheck(number, cells, layout, problems)
        checks.append(check)
        draft = _inspector_from(check, context)
        if draft is not None:
            drafts.append(draft)
        if done % PROGRESS_EVERY == 0:
            progress(done)
    _flag_repeats(checks, "certificate", lambda c: c.text("certificate"),
                  _("The same certificate number as row %(row)d."))
    _flag_repeated_usernames(checks)
    _flag_existing_inspectors(checks)
    return problems, drafts


def write_inspectors(drafts: list[InspectorDraft], progress: Callable[[int], None]) -> int:
    """Users with unusable passwords (an administrator sets them), officials, roles, specialties."""
    groups = {g.name: g for g in Group.objects.filter(name__in=[r for d in drafts for r in d.roles])}
    written = 0
    for batch in _chunks(drafts, BATCH_SIZE):
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


# --- who may import ---------------------------------------------------------------------


def may_import(user, kind: str) -> bool:
    """Institutions: whoever keeps the target library. Inspectors: department heads and administrators."""
    if kind == ImportKind.INSTITUTIONS:
        return can_edit_institutions(user)
    actor = actor_for(user)
    return actor.is_admin or (Role.HEAD in actor.roles and actor.official is not None)


def jurisdiction_for_import(user) -> Region | None:
    """The region an import is checked against; None for administrators (everywhere)."""
    actor = actor_for(user)
    if actor.is_admin:
        return None
    if actor.jurisdiction is None:
        raise PermissionDenied  # never let "no jurisdiction" pass for "everywhere"
    return actor.jurisdiction


# --- running a job ----------------------------------------------------------------------


def _progress_key(job_pk: int) -> str:
    return f"libraries:import-progress:{job_pk}"


def live_progress(job: ImportJob) -> int:
    """Rows processed so far. A commit runs in one transaction, so while it runs the figure
    lives in the cache (the database row is not visible to other connections until the end)."""
    if job.is_active:
        published = cache.get(_progress_key(job.pk))
        if published is not None:
            return published
    return job.processed_rows


def _reporter(job: ImportJob) -> Callable[[int], None]:
    def report(processed: int) -> None:
        job.processed_rows = processed
        cache.set(_progress_key(job.pk), processed, 3600)
        if not transaction.get_connection().in_atomic_block:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)

    return report


def _claim(job_pk: int, expected: str, new: str) -> bool:
    """Move the job on only if it is still where we expect: the guard against running twice."""
    return ImportJob.objects.filter(pk=job_pk, status=expected).update(status=new, processed_rows=0) == 1


def _finish(job: ImportJob, status: str, **fields) -> None:
    cache.delete(_progress_key(job.pk))
    for name, value in fields.items():
        setattr(job, name, value)
    job.status, job.finished = status, clock.now()
    job.save(update_fields=["status", "finished", *fields])


def _report(problems: list[Problem]) -> list[dict]:
    ordered = sorted(problems, key=lambda p: (p.row or 0, p.position))
    report = [p.as_dict() for p in ordered[:MAX_PROBLEMS]]
    if len(ordered) > MAX_PROBLEMS:
        report.append(Problem(None, "", "", _("… and %(count)d more problems not listed.")
                              % {"count": len(ordered) - MAX_PROBLEMS}).as_dict())
    return report


def _check(job: ImportJob, progress: Callable[[int], None]):
    """Read and check the job's file: (problems, records ready to write)."""
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        table = read_table(data)
    except ImportFileError as error:
        return error.problems, []
    job.total_rows = len(table.rows)
    job.save(update_fields=["total_rows"])
    if not table.rows:
        return [Problem(None, "", "", _("The file has headers but no data rows."))], []
    try:
        if job.kind == ImportKind.INSTITUTIONS:
            return check_institutions(table, job.jurisdiction, progress)
        return check_inspectors(table, job, progress)
    except ImportFileError as error:
        return error.problems, []


WRITERS = {ImportKind.INSTITUTIONS: write_institutions, ImportKind.INSPECTORS: write_inspectors}


class _NoLongerValid(Exception):
    def __init__(self, problems):
        super().__init__()
        self.problems = problems


def _load(job_pk: int) -> ImportJob:
    return ImportJob.objects.select_related("created_by", "jurisdiction").get(pk=job_pk)


def check_job(job_pk: int) -> None:
    """The dry run: check every row and store the report; writes nothing else."""
    if not (_claim(job_pk, ImportStatus.UPLOADED, ImportStatus.VALIDATING)
            or _claim(job_pk, ImportStatus.VALIDATING, ImportStatus.VALIDATING)):
        return
    job = _load(job_pk)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            problems, _records = _check(job, _reporter(job))
        except Exception as error:
            logger.exception("Checking import job %s failed", job_pk)
            failure = _("The check stopped with an error: %(error)s") % {"error": error}
            _finish(job, ImportStatus.FAILED, failure=failure)
            return
        status = ImportStatus.INVALID if problems else ImportStatus.VALIDATED
        _finish(job, status, errors=_report(problems), processed_rows=job.total_rows)


def request_commit(job_pk: int) -> bool:
    """Mark a checked job for committing; False if it is not (or no longer) waiting for that.

    The page calls this before queueing the commit, so a second click queues nothing and the
    page shows "importing" at once.
    """
    return _claim(job_pk, ImportStatus.VALIDATED, ImportStatus.COMMITTING)


def commit_job(job_pk: int) -> None:
    """Check again and write every row in one transaction, together with the job's new status.

    Idempotent: the job row is locked and must still say "committing", so a second call, a
    double click or a redelivered task finds nothing to do once the rows are in. A worker that
    dies midway leaves the job "committing" with nothing written, and a redelivery completes it.
    """
    request_commit(job_pk)  # when called directly rather than from the page
    job = _load(job_pk)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            with acting_as(job.created_by), transaction.atomic():
                locked = ImportJob.objects.select_for_update().only("status").get(pk=job_pk)
                if locked.status != ImportStatus.COMMITTING:
                    return
                problems, records = _check(job, lambda done: None)
                if problems:
                    raise _NoLongerValid(problems)  # something changed since the dry run
                created = WRITERS[job.kind](records, _reporter(job))
                _finish(job, ImportStatus.DONE, created_count=created, processed_rows=created)
        except _NoLongerValid as stale:
            _finish(job, ImportStatus.INVALID, errors=_report(stale.problems), processed_rows=0)
        except IntegrityError:
            logger.warning("Import job %s met a duplicate while writing", job_pk, exc_info=True)
            _finish(job, ImportStatus.FAILED, processed_rows=0, failure=_(
                "Nothing was imported: while writing, a row turned out to duplicate a record that was "
                "added meanwhile (for example by another import). Check the file again and retry."
            ))
        except Exception as error:
            logger.exception("Committing import job %s failed", job_pk)
            _finish(job, ImportStatus.FAILED, processed_rows=0,
                    failure=_("Nothing was imported; the import stopped with an error: %(error)s") % {"error": error})


def fail_stale_jobs(max_age_minutes: int = 60) -> int:
    """Jobs left checking or importing by a worker that died (or a restarted demo server) are
    marked failed, so their page stops waiting and the user knows to upload again. A commit
    writes in one transaction, so a stale commit wrote nothing."""
    cutoff = clock.now() - datetime.timedelta(minutes=max_age_minutes)
    stale = ImportJob.objects.filter(
        status__in=[ImportStatus.VALIDATING, ImportStatus.COMMITTING], created__lt=cutoff
    )
    failed = 0
    for job in stale:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _("The import was interrupted before it finished; nothing was written. "
                        "Please upload the file again.")
        # Conditional, so a job that finished meanwhile keeps its result.
        failed += ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ImportStatus.FAILED, finished=clock.now(), failure=message
        )
    return failed


def run_import_job(job_pk: int, commit: bool = False) -> None:
    """Background entry point (supervision.core.background.enqueue)."""
    if commit:
        commit_job(job_pk)
    else:
        check_job(job_pk)


# --- blank template ---------------------------------------------------------------------

COLUMNS = {ImportKind.INSTITUTIONS: INSTITUTION_COLUMNS, ImportKind.INSPECTORS: INSPECTOR_COLUMNS}


def blank_template(kind: str) -> bytes:
    """An XLSX with the Chinese headers on the first sheet and notes on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(ImportKind(kind).label)[:31]
    sheet.append([c.headers[0] for c in columns])
    for cell, column in zip(sheet[1], columns, strict=True):
        cell.font = Font(bold=column.required)
        sheet.column_dimensions[cell.column_letter].width = max(12, 3 * len(column.headers[0]))
    notes = workbook.create_sheet(_("Notes")[:31])
    notes.append([_("Column"), _("Required"), _("Also accepted as header"), _("Accepted values")])
    for column in columns:
        notes.append([column.headers[0], _("yes") if column.required else _("no"),
                      ", ".join(column.headers[1:]), "、".join(column.values)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
