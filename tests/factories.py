"""Small builders for test data: a two-district city and the personas of the permission suite."""

import itertools
from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from supervision.core.models import Department, DepartmentKind, Region, RegionLevel
from supervision.registry.creditcode import check_character
from supervision.registry.models import Institution, InstitutionAccount, InstitutionKind, Ownership
from supervision.staff.models import Official, Specialty

_serial = itertools.count(1)


def credit_code(division: str = "990101", serial: int | None = None) -> str:
    """A valid unified social credit code (registration 5 = civil affairs, type 2 = private non-enterprise)."""
    serial = next(_serial) if serial is None else serial
    body = f"52{division}{serial:08d}X"[:17]
    return body + check_character(body)


def region(code, name, level, parent=None) -> Region:
    return Region.objects.create(code=code, name=name, level=level, parent=parent)


def user(username, *roles, **extra) -> User:
    u = User.objects.create_user(username=username, password="pw-" + username, **extra)
    for role in roles:
        u.groups.add(Group.objects.get(name=role))
    return u


def official(username, department, *roles, region=None, certificate=None, specialties=(), **kwargs) -> Official:
    u = user(username, *roles)
    o = Official.objects.create(
        user=u, name=kwargs.pop("name", username), department=department,
        region=region or department.region, certificate_number=certificate, **kwargs,
    )
    if specialties:
        o.specialties.set(Specialty.objects.filter(code__in=specialties))
    return o


def institution(street: Region, name=None, **kwargs) -> Institution:
    n = next(_serial)
    defaults = dict(
        credit_code=credit_code(serial=n), name=name or f"测试养老院{n}", kind=InstitutionKind.RESIDENTIAL,
        ownership=Ownership.PRIVATE, beds=50, address=f"{street.name}测试路{n}号", region=street,
        legal_representative="张三",
    )
    defaults.update(kwargs)
    return Institution.objects.create(**defaults)


def operator(username, inst: Institution) -> User:
    u = user(username, "operator")
    InstitutionAccount.objects.create(user=u, institution=inst)  # the signal grants the access
    return u


@dataclass
class World:
    province: Region
    city: Region
    district_x: Region
    district_y: Region
    street_x1: Region
    street_x2: Region
    street_y1: Region
    civil_city: Department
    civil_x: Department
    civil_y: Department
    fire_x: Department
    inst_p: Institution  # in district X
    inst_q: Institution  # in district Y
    inspector_x: User
    inspector_y: User
    head_x: User
    planner_x: User
    fire_inspector_x: User
    admin: User
    operator_p: User
    operator_q: User


def build_world() -> World:
    province = region("990000", "示范省", RegionLevel.PROVINCE)
    city = region("990100", "示范市", RegionLevel.CITY, province)
    dx = region("990101", "东湖区", RegionLevel.DISTRICT, city)
    dy = region("990102", "西山区", RegionLevel.DISTRICT, city)
    sx1 = region("990101001", "湖滨街道", RegionLevel.STREET, dx)
    sx2 = region("990101002", "柳岸街道", RegionLevel.STREET, dx)
    sy1 = region("990102001", "松林街道", RegionLevel.STREET, dy)
    civil_city = Department.objects.create(name="示范市民政局", kind=DepartmentKind.CIVIL_AFFAIRS, region=city, short_name="示民")
    civil_x = Department.objects.create(name="东湖区民政局", kind=DepartmentKind.CIVIL_AFFAIRS, region=dx, short_name="东民")
    civil_y = Department.objects.create(name="西山区民政局", kind=DepartmentKind.CIVIL_AFFAIRS, region=dy, short_name="西民")
    fire_x = Department.objects.create(name="东湖区消防救援大队", kind=DepartmentKind.FIRE_RESCUE, region=dx, short_name="东消")
    inst_p = institution(sx1, name="东湖颐养院")
    inst_q = institution(sy1, name="西山福寿院")
    inspector_x = official("inspector_x", civil_x, "inspector", certificate="CERT-X-1", specialties=["general"]).user
    inspector_y = official("inspector_y", civil_y, "inspector", certificate="CERT-Y-1", specialties=["general"]).user
    head_x = official("head_x", civil_x, "head", "inspector", certificate="CERT-X-H").user
    planner_x = official("planner_x", civil_x, "planner").user
    fire_inspector_x = official("fire_x", fire_x, "inspector", certificate="CERT-F-1", specialties=["fire"]).user
    admin = user("admin", "administrator", is_staff=True)
    return World(
        province, city, dx, dy, sx1, sx2, sy1, civil_city, civil_x, civil_y, fire_x, inst_p, inst_q,
        inspector_x, inspector_y, head_x, planner_x, fire_inspector_x, admin,
        operator("operator_p", inst_p), operator("operator_q", inst_q),
    )
