"""The institutions import (检查对象名录库): columns, values as written in Chinese spreadsheets, checks, writing.

Real registries (a city's open-data export, say) have English headers, no credit codes, phones
as people write them and numbers Excel has mangled. Every row is checked in full, every column
of the file is accounted for (recognised, mapped by the clerk, or ignored, and said so), and
every default applied to a missing value is stated with its row count.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from supervision.core.audit import record_created
from supervision.core.importing.cells import (
    choice,
    decimal_between,
    lost_digits,
    model_problems,
    model_text,
    parse_date,
    whole_number,
)
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
from supervision.core.importing.problems import CellError
from supervision.core.importing.reading import Table
from supervision.core.models import Region
from supervision.core.phones import PhoneError, normalise_phones
from supervision.registry.creditcode import normalise
from supervision.registry.models import (
    FilingStatus,
    Institution,
    InstitutionKind,
    OperatingStatus,
    Ownership,
    postcode_validator,
)
from supervision.registry.region_names import RegionLookup
from supervision.registry.validators import DivisionCodes, credit_code_message

# Values as people write them in Chinese spreadsheets; the first is the one the template suggests.
KIND_NAMES = {
    InstitutionKind.RESIDENTIAL: ("养老机构", "养老院", "敬老院", "福利院", "老年公寓", "护养院"),
    InstitutionKind.DAY_CARE: ("日间照料中心", "日间照料", "日托中心"),
    InstitutionKind.COMMUNITY: ("社区养老服务设施", "社区养老服务中心", "社区养老服务站"),
}
OWNERSHIP_NAMES = {
    Ownership.PUBLIC_PUBLIC: ("公建公营",),
    Ownership.PUBLIC_PRIVATE: ("公建民营",),
    Ownership.PRIVATE: ("民建民营", "民办"),
}
FOR_PROFIT_NAMES = {
    "yes": ("营利", "营利性", "是", "true", "1", "yes", "for-profit"),
    "no": ("非营利", "非营利性", "否", "false", "0", "no", "non-profit"),
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


INSTITUTION_COLUMNS = (
    Column("credit_code", ("统一社会信用代码", "信用代码", "社会信用代码", "credit_code", "uscc", "credit_code_usc")),
    Column("name", ("机构名称", "名称", "name"), required=True),
    Column("district", ("所在区", "区", "区县", "所在区县", "district", "county"), required=True),
    Column("street", ("街道", "乡镇街道", "街道乡镇", "所在街道", "街镇", "street", "township", "town"), required=True),
    Column("supervising_district", ("监管区", "监管区县", "主管区", "主管区县", "supervising_district",
                                    "supervisor", "supervised_by")),
    Column("address", ("地址", "详细地址", "address", "addr"), required=True),
    Column("kind", ("机构类型", "类型", "机构类别", "kind", "type", "institution_type"), required=True,
           values=firsts(KIND_NAMES)),
    Column("ownership", ("举办性质", "性质", "ownership"), values=firsts(OWNERSHIP_NAMES)),
    Column("for_profit", ("营利性质", "是否营利", "营利性", "for_profit", "profit"), values=firsts(FOR_PROFIT_NAMES)),
    Column("beds", ("床位数", "床位", "核定床位", "beds", "bed")),
    Column("floor_area", ("建筑面积", "面积", "floor_area", "area")),
    Column("legal_representative", ("法定代表人", "法人代表", "法人", "legal_representative", "legal_person",
                                    "legal_rep"), required=True),
    Column("contact_person", ("联系人", "contact_person", "contact")),
    Column("contact_phone", ("联系电话", "电话", "联系方式", "手机", "contact_phone", "phone", "tel", "telephone",
                             "mobile")),
    Column("founded_on", ("开业日期", "成立日期", "开业时间", "成立时间", "founded_on", "since", "founded", "opened")),
    Column("postcode", ("邮政编码", "邮编", "postcode", "zipcode", "zip", "postal_code")),
    Column("credit_code_pending_reason", ("信用代码待补充原因", "待补充原因", "credit_code_pending_reason",
                                          "pending_reason")),
    Column("filing_status", ("备案状态", "filing_status"), values=firsts(FILING_NAMES)),
    Column("operating_status", ("运营状态", "operating_status"), values=firsts(OPERATING_NAMES)),
    Column("longitude", ("经度", "longitude", "lng", "lon")),
    Column("latitude", ("纬度", "latitude", "lat")),
)
# Model field → file column, for problems the model's own validation finds.
_INSTITUTION_FIELD_COLUMNS = {c.key: c.key for c in INSTITUTION_COLUMNS} | {
    "region": "street", "supervising_district": "supervising_district", "__all__": "name"}
# A company (有限公司, 有限责任公司) is a for-profit enterprise; a non-profit home registers as a 社会服务机构.
COMPANY_MARKS = ("有限公司", "有限责任公司")


def _lost_digits_error() -> CellError:
    return CellError(_("Excel stored this as a number and dropped its last digits. Format the column as text "
                       "(or type ' before the value) and enter it again."))


def _credit_code_parser(divisions: DivisionCodes) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if lost_digits(text):
            raise _lost_digits_error()
        code = normalise(text)
        message = credit_code_message(code, divisions)
        if message:
            raise CellError(message)
        return code

    return parse


def _phones(text: str) -> str:
    """The cell as written, once every number in it reads as one."""
    if lost_digits(text):
        raise _lost_digits_error()
    try:
        normalise_phones(text)
    except PhoneError as error:
        hint = ""
        if error.number.isdigit() and not error.number.startswith(("0", "1")) and len(error.number) >= 9:
            hint = _(" If Excel stored it as a number, the 0 of the area code was dropped: format the column as text.")
        raise CellError(_("“%(number)s” is not a telephone number. Write mobiles with 11 digits, landlines with "
                          "their area code, e.g. (021) 6543 2100 转 801; join several numbers with 、")
                        % {"number": error.number} + hint) from None
    return model_text(Institution, "contact_phone")(text)


def _postcode(text: str) -> str:
    from django.core.exceptions import ValidationError

    try:
        postcode_validator(text)
    except ValidationError as error:
        raise CellError(" ".join(error.messages)) from None
    return text


def institution_parsers() -> dict[str, tuple[Callable | None, bool]]:
    """Model field → (parser, required), built once per check (choice labels follow the language)."""

    def text(name):
        return model_text(Institution, name)

    return {
        "credit_code": (_credit_code_parser(DivisionCodes()), False),
        "credit_code_pending_reason": (text("credit_code_pending_reason"), False),
        "name": (text("name"), True),
        "address": (text("address"), True),
        "kind": (choice(KIND_NAMES, InstitutionKind.choices), True),
        "ownership": (choice(OWNERSHIP_NAMES, Ownership.choices), False),
        "for_profit": (choice(FOR_PROFIT_NAMES, []), False),
        "beds": (whole_number(100000), False),
        "floor_area": (decimal_between(0, 10**9 - 1, 1), False),
        "legal_representative": (text("legal_representative"), True),
        "contact_person": (text("contact_person"), False),
        "contact_phone": (_phones, False),
        "founded_on": (parse_date, False),
        "postcode": (_postcode, False),
        "filing_status": (choice(FILING_NAMES, FilingStatus.choices), False),
        "operating_status": (choice(OPERATING_NAMES, OperatingStatus.choices), False),
        "longitude": (decimal_between(-180, 180, 6), False),
        "latitude": (decimal_between(-90, 90, 6), False),
    }


@dataclass
class Defaults:
    """Values the file did not give and the import filled in, counted for the report."""

    counts: Counter = field(default_factory=Counter)
    company_rows: list[int] = field(default_factory=list)

    def notes(self) -> list[str]:
        said = {
            "credit_code": _("%(count)d rows have no credit code: registered as pending (待补充), "
                             "with the reason “%(reason)s”."),
            "for_profit": _("%(count)d rows do not say whether they are for profit: recorded as non-profit."),
            "ownership": _("%(count)d rows do not give the ownership: recorded as “%(label)s”, to be completed."),
            "beds": _("%(count)d rows give no number of beds: recorded as 0."),
            "filing_status": _("%(count)d rows give no filing status: recorded as “%(label)s”."),
            "operating_status": _("%(count)d rows give no operating status: recorded as “%(label)s”."),
        }
        labels = {"ownership": Ownership.UNRECORDED.label, "filing_status": FilingStatus.NOT_FILED.label,
                  "operating_status": OperatingStatus.OPERATING.label}
        notes = [said[key] % {"count": count, "reason": pending_reason(), "label": labels.get(key, "")}
                 for key, count in self.counts.items() if count]
        if self.company_rows:
            shown = ", ".join(str(n) for n in self.company_rows[:20]) + ("…" if len(self.company_rows) > 20 else "")
            notes.append(_("%(count)d rows do not say whether they are for profit, and their name contains 有限公司: "
                           "recorded as for profit (a company is a for-profit enterprise). Rows: %(rows)s.")
                         % {"count": len(self.company_rows), "rows": shown})
        return notes


def pending_reason() -> str:
    return _("Not given in the imported registry.")


def _regions_of(check: RowCheck, regions: RegionLookup) -> tuple[Region | None, Region | None]:
    """(street of location, supervising district if it differs). Jurisdiction follows supervision:
    with a supervising district, that district must be inside it and the location may lie outside."""
    supervising = check.get("supervising_district", regions.district)
    supervised_elsewhere = bool(check.text("supervising_district"))
    district = check.get("district", lambda text: regions.district(text, inside=not supervised_elsewhere),
                         required=True)
    street = None
    if district is not None:
        street = check.get("street", lambda text: regions.street(district, text, inside=not supervised_elsewhere),
                           required=True)
    else:
        check.get("street", required=True)  # an empty street is still reported
    if supervising is not None and district is not None and supervising.pk == district.pk:
        supervising = None  # the same district: nothing to record
    return street, supervising


def _apply_defaults(check: RowCheck, values: dict, defaults: Defaults) -> None:
    if values["credit_code"] is None and "credit_code" not in check.failed:
        values["credit_code"] = ""
        if not values["credit_code_pending_reason"]:
            values["credit_code_pending_reason"] = pending_reason()
            defaults.counts["credit_code"] += 1
    if values["for_profit"] is None and "for_profit" not in check.failed:
        if any(mark in (values["name"] or "") for mark in COMPANY_MARKS):
            values["for_profit"] = "yes"
            defaults.company_rows.append(check.number)
        else:
            defaults.counts["for_profit"] += 1
    for key, default in (("ownership", Ownership.UNRECORDED), ("beds", 0),
                         ("filing_status", FilingStatus.NOT_FILED), ("operating_status", OperatingStatus.OPERATING)):
        if values[key] is None and key not in check.failed:
            values[key] = default
            defaults.counts[key] += 1


def _institution_from(check: RowCheck, parsers: dict, regions: RegionLookup, defaults: Defaults):
    """The row as an Institution, checked in full: every cell, then the model's own rules."""
    values = {key: check.get(key, parse, required=required) for key, (parse, required) in parsers.items()}
    values["region"], values["supervising_district"] = _regions_of(check, regions)
    if ((values["latitude"] is None) != (values["longitude"] is None)
            and not {"latitude", "longitude"} & check.failed):
        check.fail("latitude" if values["latitude"] is None else "longitude",
                   _("Give both latitude and longitude, or neither."))
    if not check.ok:
        # Still run the model's rules on what did parse, so the row's problems come in one round.
        if {"latitude", "longitude"} & check.failed:
            values["latitude"] = values["longitude"] = None
        _apply_defaults(check, values, Defaults())
        values["for_profit"] = values["for_profit"] == "yes"
        if values["credit_code"] is None:
            values["credit_code_pending_reason"] = "-"  # its cell is reported already
        institution = Institution(**{k: v for k, v in values.items() if v is not None})
        model_problems(check, institution, _INSTITUTION_FIELD_COLUMNS,
                       exclude=("region", "supervising_district", "latitude", "longitude", "credit_code",
                                "contact_phone"))
        return None
    _apply_defaults(check, values, defaults)
    values["for_profit"] = values["for_profit"] == "yes"
    institution = Institution(**{k: v for k, v in values.items() if v is not None})
    institution.fill_derived()  # bulk_create skips save()
    # The credit code and phones were checked by their parsers (the code against the tree, with one
    # query per province rather than one per row).
    model_problems(check, institution, _INSTITUTION_FIELD_COLUMNS,
                   exclude=("region", "supervising_district", "credit_code", "contact_phone"))
    return institution if check.ok else None


def _code_of(check: RowCheck) -> str:
    return normalise(check.text("credit_code"))


def _name_address_of(check: RowCheck) -> tuple[str, str] | None:
    name, address = check.text("name"), check.text("address")
    return (name, address) if name and address else None


def _existing_message(institution: Institution, regions: RegionLookup, message: str) -> str:
    if regions.inside(institution.supervising_region):
        return message % {"name": institution.name, "code": institution.credit_code}
    return _("Already in the library, registered outside your jurisdiction.")


def _flag_existing_institutions(checks: list[RowCheck], regions: RegionLookup) -> None:
    codes = sorted({_code_of(c) for c in checks} - {""})
    by_code = {}
    for chunk in chunks(codes):
        for inst in Institution.objects.filter(credit_code__in=chunk).select_related("region", "supervising_district"):
            by_code[inst.credit_code] = inst
    names = sorted({c.text("name") for c in checks} - {""})
    by_name_address = {}
    for chunk in chunks(names):
        for inst in Institution.objects.filter(name__in=chunk).select_related("region", "supervising_district"):
            by_name_address[(inst.name, inst.address)] = inst
    same_code = _("An institution with this credit code is already in the library: %(name)s (%(code)s).")
    same_place = _("An institution with this name and address is already in the library: %(name)s (%(code)s).")
    for check in checks:
        if (inst := by_code.get(_code_of(check))) is not None:
            check.fail("credit_code", _existing_message(inst, regions, same_code))
        if (inst := by_name_address.get(_name_address_of(check))) is not None:
            check.fail("name", _existing_message(inst, regions, same_place))


def check_institutions(table: Table, jurisdiction: Region | None, progress: Callable[[int], None],
                       chosen: dict[str, str] | None = None):
    """(problems, institutions ready to write, report of the columns and of the defaults applied)."""
    layout = map_columns(table.headers, INSTITUTION_COLUMNS, chosen)
    district_texts = set()
    for key in ("district", "supervising_district"):
        if (position := layout.index.get(key)) is not None:
            district_texts |= {cells[position] for _n, cells in table.rows if position < len(cells)}
    regions = RegionLookup(district_texts, jurisdiction)
    parsers = institution_parsers()
    defaults = Defaults()
    problems, checks, records = list(layout.problems), [], []
    for done, (number, cells) in enumerate(table.rows, start=1):
        check = RowCheck(number, cells, layout, problems)
        checks.append(check)
        institution = _institution_from(check, parsers, regions, defaults)
        if institution is not None:
            records.append(institution)
        if done % PROGRESS_EVERY == 0:
            progress(done)
    flag_repeats(checks, "credit_code", _code_of, _("The same credit code as row %(row)d."))
    flag_repeats(checks, "name", _name_address_of, _("The same name and address as row %(row)d."))
    _flag_existing_institutions(checks, regions)
    notes = defaults.notes()
    if unknown := [use.header for use in layout.uses if use.how == "unknown"]:
        notes.insert(0, _("Columns not recognised, so not imported: %(columns)s. Choose a field for each below, "
                          "or confirm that it is to be ignored.") % {"columns": "、".join(unknown)})
    return problems, records, {"columns": [use.as_dict() for use in layout.uses], "notes": notes}


def write_institutions(records: list[Institution], progress: Callable[[int], None]) -> int:
    written = 0
    for batch in chunks(records, BATCH_SIZE):
        Institution.objects.bulk_create(batch)
        record_created(batch)
        written += len(batch)
        progress(written)
    return written
