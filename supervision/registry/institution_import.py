"""The institutions import (检查对象名录库): columns, values as written in Chinese spreadsheets, checks, writing."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from supervision.core.audit import record_created
from supervision.core.importing.cells import choice, decimal_between, model_problems, model_text, whole_number
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
from supervision.registry.creditcode import normalise
from supervision.registry.models import FilingStatus, Institution, InstitutionKind, OperatingStatus, Ownership
from supervision.registry.region_names import RegionLookup
from supervision.registry.validators import credit_code_message

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


INSTITUTION_COLUMNS = (
    Column("credit_code", ("统一社会信用代码", "信用代码", "社会信用代码", "credit_code"), required=True),
    Column("name", ("机构名称", "名称", "name"), required=True),
    Column("district", ("所在区", "区", "区县", "district"), required=True),
    Column("street", ("街道", "乡镇街道", "街道乡镇", "street"), required=True),
    Column("address", ("地址", "详细地址", "address"), required=True),
    Column("kind", ("机构类型", "类型", "kind"), required=True, values=firsts(KIND_NAMES)),
    Column("ownership", ("举办性质", "性质", "ownership"), required=True, values=firsts(OWNERSHIP_NAMES)),
    Column("for_profit", ("营利性质", "是否营利", "for_profit"), values=firsts(FOR_PROFIT_NAMES)),
    Column("beds", ("床位数", "床位", "beds")),
    Column("floor_area", ("建筑面积", "面积", "floor_area")),
    Column("legal_representative", ("法定代表人", "法人代表", "legal_representative"), required=True),
    Column("contact_person", ("联系人", "contact_person")),
    Column("contact_phone", ("联系电话", "电话", "contact_phone")),
    Column("filing_status", ("备案状态", "filing_status"), values=firsts(FILING_NAMES)),
    Column("operating_status", ("运营状态", "operating_status"), values=firsts(OPERATING_NAMES)),
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
        return model_text(Institution, name)

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
    model_problems(check, institution, _INSTITUTION_FIELD_COLUMNS, exclude=("region",))
    return institution if check.ok else None


def _code_of(check: RowCheck) -> str:
    return normalise(check.text("credit_code"))


def _name_address_of(check: RowCheck) -> tuple[str, str] | None:
    name, address = check.text("name"), check.text("address")
    return (name, address) if name and address else None


def _existing_message(institution: Institution, regions: RegionLookup, message: str) -> str:
    if regions.inside(institution.region):
        return message % {"name": institution.name, "code": institution.credit_code}
    return _("Already in the library, registered outside your jurisdiction.")


def _flag_existing_institutions(checks: list[RowCheck], regions: RegionLookup) -> None:
    codes = sorted({_code_of(c) for c in checks} - {""})
    by_code = {}
    for chunk in chunks(codes):
        for inst in Institution.objects.filter(credit_code__in=chunk).select_related("region"):
            by_code[inst.credit_code] = inst
    names = sorted({c.text("name") for c in checks} - {""})
    by_name_address = {}
    for chunk in chunks(names):
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
    flag_repeats(checks, "credit_code", _code_of, _("The same credit code as row %(row)d."))
    flag_repeats(checks, "name", _name_address_of, _("The same name and address as row %(row)d."))
    _flag_existing_institutions(checks, regions)
    return problems, records


def write_institutions(records: list[Institution], progress: Callable[[int], None]) -> int:
    written = 0
    for batch in chunks(records, BATCH_SIZE):
        Institution.objects.bulk_create(batch)
        record_created(batch)
        written += len(batch)
        progress(written)
    return written
