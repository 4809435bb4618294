"""A fictional demo city (示范市): regions, departments, officials, institutions, operator accounts.

Two halves:

* ``plan_city(seed, today)`` is pure Python: it draws the whole city from seeded ``random.Random``
  streams and returns plain frozen dataclasses. The same seed on the same day always gives the
  same plan, whatever the database holds. Dates are relative to `today` (the day the demo is
  loaded): enforcement certificates run out in the years ahead, conflicts were declared last
  year, so the city looks the same whenever it is loaded.
* ``build_*`` write a plan to the database by natural key (region code, department name,
  username, credit code). A record that already matches its plan is left alone, one that
  differs is updated, a missing one is created, so running the seed twice changes nothing.

Everything is fictional: division codes start with 99 (no real province uses 99), names are
drawn from syllable lists, phone numbers come from one obviously made-up block.
"""

import datetime
import hashlib
import random
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

SEED = 20261122
DEMO_PASSWORD = "demo12345"
# A fixed salt makes the stored hash deterministic: one PBKDF2 run per seed instead of one per
# user, and a re-run can tell "already the demo password" by comparing strings. Acceptable only
# because the password is published anyway.
DEMO_PASSWORD_SALT = "seeddemo20261122"

PROVINCE = ("990000", "示范省")
CITY = ("990100", "示范市")


@dataclass(frozen=True)
class District:
    code: str
    name: str
    slug: str  # ASCII, for usernames
    short: str  # one character, for document-number prefixes (东民 …)
    streets: tuple[str, ...]
    centre: tuple[float, float]  # (lat, lng); the city sits around (30.5, 114.3)


DISTRICTS = (
    District(
        "990101", "东湖区", "donghu", "东",
        ("湖滨街道", "柳岸街道", "东港街道", "望湖街道", "青菱乡"), (30.55, 114.40),
    ),
    District(
        "990102", "西山区", "xishan", "西",
        ("松林街道", "枫林街道", "翠微街道", "石门街道", "云岭镇"), (30.50, 114.20),
    ),
    District(
        "990103", "南溪区", "nanxi", "南",
        ("溪口街道", "南浦街道", "荷塘街道", "梅园街道", "白沙镇"), (30.42, 114.31),
    ),
    District(
        "990104", "北岭区", "beiling", "北",
        ("北岭街道", "金桥街道", "长丰街道", "玉泉街道", "岭下镇"), (30.60, 114.27),
    ),
)

# (kind, city department, city short name, district suffix or None, district short-name suffix)
DEPARTMENT_KINDS = (
    ("civil_affairs", "示范市民政局", "示民", "民政局", "民"),
    ("market_regulation", "示范市市场监督管理局", "示市监", "市场监督管理局", "市监"),
    ("fire_rescue", "示范市消防救援支队", "示消", "消防救援大队", "消"),
    ("health", "示范市卫生健康委员会", "示卫健", None, None),
    ("housing", "示范市住房和城乡建设局", "示住建", None, None),
    ("medical_insurance", "示范市医疗保障局", "示医保", None, None),
)
# One digit per department kind inside certificate numbers.
KIND_DIGIT = {kind: str(i + 1) for i, (kind, *_rest) in enumerate(DEPARTMENT_KINDS)}
# Usernames of district market-regulation and fire inspectors: market_donghu1, fire_donghu1 …
KIND_SLUG = {"market_regulation": "market", "fire_rescue": "fire"}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁沈"
GIVEN = "建国华明丽芳静军伟敏杰涛霞平刚桂英秀兰玉志海红春晓文德嘉宇欣怡浩然思雨晨婷磊鹏飞慧琳"
NAME_SYLLABLES = "颐康福寿安乐祥和松鹤泰宁瑞禧欣悦善慈恩德馨怡嘉晖"
RESIDENTIAL_SUFFIXES = ("养老院", "颐养院", "颐养中心", "老年公寓", "护理院", "康养中心")
PUBLIC_RESIDENTIAL_SUFFIXES = ("福利院", "敬老院", "福利中心", "养老院")
COMMUNITIES = (
    "桃园", "杏林", "紫荆", "桂苑", "丽景", "阳光", "幸福", "花园", "锦绣", "春晖", "茗苑", "银杏",
    "翠湖", "朝阳", "友谊", "新华", "百合", "清泉", "芙蓉", "丹桂",
)
DAY_CARE_SUFFIXES = ("社区日间照料中心", "社区老年人日间照料中心")
COMMUNITY_SUFFIXES = ("社区养老服务站", "社区居家养老服务中心", "社区老年食堂")
ROADS = (
    "湖光", "滨江", "柳荫", "晴川", "松涛", "枫丹", "翠竹", "石榴", "溪畔", "荷风", "梅岭", "金穗",
    "长乐", "玉兰", "文华", "兴业", "育才", "望江", "青云", "景明", "和畅", "永宁", "瑞丰", "春华",
)
ROAD_SUFFIXES = ("路", "街", "大道")
CONFLICT_REASONS = ("亲属任职", "曾在该机构任职", "亲属持有该机构股份", "与法定代表人有利害关系")



def certificate_dates(today: datetime.date) -> tuple[datetime.date, ...]:
    """When the inspectors' enforcement certificates run out: mid-year and year-end, from next
    year on, for four years (at least six months ahead of `today`)."""
    return tuple(datetime.date(today.year + 1 + y, m, d) for y in range(4) for m, d in ((6, 30), (12, 31)))


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    kind: str
    region_code: str
    short_name: str


@dataclass(frozen=True)
class OfficialSpec:
    username: str
    name: str
    department: str  # department name
    region_code: str  # duty region
    roles: tuple[str, ...]
    phone: str
    certificate_number: str | None = None
    certificate_valid_until: datetime.date | None = None
    specialties: tuple[str, ...] = ()
    active: bool = True
    is_staff: bool = False


@dataclass(frozen=True)
class InstitutionSpec:
    credit_code: str
    name: str
    kind: str
    ownership: str
    for_profit: bool
    beds: int
    floor_area: Decimal
    address: str
    region_code: str
    legal_representative: str
    contact_person: str
    contact_phone: str
    filing_status: str
    operating_status: str
    latitude: Decimal
    longitude: Decimal
    # The kind of credit history the demo gives it ("A".."D" or "unrated"); the grade itself is
    # scored from those events (supervision/demo/credit_demo.py), never set here.
    credit_profile: str


@dataclass(frozen=True)
class OperatorSpec:
    username: str
    name: str
    credit_code: str
    phone: str


@dataclass(frozen=True)
class ConflictSpec:
    username: str
    credit_code: str
    reason: str
    declared_at: datetime.datetime


@dataclass(frozen=True)
class CityPlan:
    regions: tuple[RegionSpec, ...]
    departments: tuple[DepartmentSpec, ...]
    institutions: tuple[InstitutionSpec, ...]
    officials: tuple[OfficialSpec, ...]
    operators: tuple[OperatorSpec, ...]
    conflicts: tuple[ConflictSpec, ...]

    def digest(self) -> str:
        """A stable fingerprint of the whole plan (for determinism checks)."""
        return hashlib.sha256(repr(self).encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# The plan: pure, deterministic
# --------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


class _Names:
    """Fictional person names (common surname + one or two given-name characters), optionally unique."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def person(self, unique=False) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if not unique or name not in self.used:
                self.used.add(name)
                return name


def _phone(rng: random.Random) -> str:
    # One made-up block of mobile numbers for the whole demo.
    return f"1380000{rng.randrange(10000):04d}"


def plan_regions() -> tuple[RegionSpec, ...]:
    specs = [
        RegionSpec(PROVINCE[0], PROVINCE[1], "province", None),
        RegionSpec(CITY[0], CITY[1], "city", PROVINCE[0]),
    ]
    for district in DISTRICTS:
        specs.append(RegionSpec(district.code, district.name, "district", CITY[0]))
        for i, street in enumerate(district.streets, start=1):
            specs.append(RegionSpec(f"{district.code}{i:03d}", street, "street", district.code))
    return tuple(specs)


def plan_departments() -> tuple[DepartmentSpec, ...]:
    specs = [DepartmentSpec(name, kind, CITY[0], short) for kind, name, short, _s, _ss in DEPARTMENT_KINDS]
    for district in DISTRICTS:
        for kind, _n, _s, suffix, short_suffix in DEPARTMENT_KINDS:
            if suffix:
                specs.append(DepartmentSpec(district.name + suffix, kind, district.code, district.short + short_suffix))
    return tuple(specs)


def _department_name(kind: str, district: District | None) -> str:
    for k, city_name, _s, suffix, _ss in DEPARTMENT_KINDS:
        if k == kind:
            return city_name if district is None else district.name + suffix
    raise KeyError(kind)


KIND_WEIGHTS = {"residential": 55, "day_care": 25, "community": 20}
OWNERSHIP_WEIGHTS = {"public_public": 20, "public_private": 30, "private": 50}
OPERATING_WEIGHTS = {"operating": 88, "preparing": 4, "suspended": 4, "closed": 4}
FILING_WEIGHTS = {"filed": 72, "change_filed": 10, "not_filed": 12, "returned": 6}
CREDIT_WEIGHTS = {"A": 25, "B": 35, "C": 15, "D": 5, "unrated": 20}
INSTITUTIONS_PER_STREET = 15


def _credit_code(rng: random.Random, prefix: str, division: str, used: set[str]) -> str:
    from supervision.registry.creditcode import ALPHABET, check_character

    while True:
        organisation = "".join(rng.choice(ALPHABET) for _ in range(9))
        body = f"{prefix}{division}{organisation}"
        code = body + check_character(body)
        if code not in used:
            used.add(code)
            return code


def _ownership(rng: random.Random) -> tuple[str, bool]:
    ownership = _weighted(rng, OWNERSHIP_WEIGHTS)
    if ownership == "public_public":
        return ownership, False
    return ownership, rng.random() < (0.3 if ownership == "public_private" else 0.55)


def _institution_name(rng: random.Random, kind: str, ownership: str, district: District, street: str,
                      used: set[str]) -> str:
    street_base = street.removesuffix("街道").removesuffix("镇").removesuffix("乡")
    for _attempt in range(200):
        a, b = rng.sample(NAME_SYLLABLES, 2) if kind == "residential" else ("", "")
        if kind == "residential" and ownership == "public_public":
            name = street_base + a + b + rng.choice(PUBLIC_RESIDENTIAL_SUFFIXES)
        elif kind == "residential":
            prefix = district.name.removesuffix("区") if rng.random() < 0.3 else ""
            name = prefix + a + b + rng.choice(RESIDENTIAL_SUFFIXES)
        elif kind == "day_care":
            name = street_base + rng.choice(COMMUNITIES) + rng.choice(DAY_CARE_SUFFIXES)
        else:
            name = street_base + rng.choice(COMMUNITIES) + rng.choice(COMMUNITY_SUFFIXES)
        if name not in used:
            return name
    raise RuntimeError("ran out of fictional institution names")


def _size(rng: random.Random, kind: str, ownership: str) -> tuple[int, Decimal]:
    """Beds and floor area (m²) typical of the kind: day-care and community sites have few rest beds."""
    if kind == "residential":
        low, high = (60, 300) if ownership == "public_public" else (20, 400)
        beds = int(rng.triangular(low, high, low + (high - low) / 4))
        area = beds * rng.uniform(30, 55)
    elif kind == "day_care":
        beds = rng.choice((0, 4, 6, 8, 10, 12, 15, 20))
        area = rng.uniform(200, 1500)
    else:
        beds = rng.choice((0, 0, 2, 4, 6, 8, 10))
        area = rng.uniform(80, 600)
    return beds, Decimal(f"{area:.1f}")


def _statuses(rng: random.Random) -> tuple[str, str]:
    """(operating status, filing status), consistent with each other."""
    operating = _weighted(rng, OPERATING_WEIGHTS)
    if operating == "closed":
        return operating, "closure_filed"
    if operating == "preparing":
        return operating, "not_filed"
    return operating, _weighted(rng, FILING_WEIGHTS)


def _street_counts(rng: random.Random, streets: int) -> list[int]:
    """15 ± 3 per street, in pairs that cancel out: 75 per district of five streets, 300 in all."""
    counts = []
    for i in range(1, streets + 1):
        if i % 2:
            shift = rng.randint(-3, 3) if i < streets else 0
            counts.append(INSTITUTIONS_PER_STREET + shift)
        else:
            counts.append(INSTITUTIONS_PER_STREET - shift)
    return counts


def plan_institutions(seed: int = SEED) -> tuple[InstitutionSpec, ...]:
    rng = random.Random(seed)
    names = _Names(rng)
    used_names: set[str] = set()
    used_codes: set[str] = set()
    specs = []
    for district in DISTRICTS:
        roads = rng.sample(ROADS, 6)
        counts = _street_counts(rng, len(district.streets))
        for i, (street, count) in enumerate(zip(district.streets, counts, strict=True), start=1):
            street_lat = district.centre[0] + rng.uniform(-0.03, 0.03)
            street_lng = district.centre[1] + rng.uniform(-0.03, 0.03)
            for n in range(count):
                kind = _weighted(rng, KIND_WEIGHTS)
                ownership, for_profit = _ownership(rng)
                if n == 0 and street.endswith(("镇", "乡")):
                    # A township's first institution is its public old people's home (乡镇敬老院).
                    kind, ownership, for_profit, name = "residential", "public_public", False, street + "敬老院"
                else:
                    name = _institution_name(rng, kind, ownership, district, street, used_names)
                used_names.add(name)
                beds, floor_area = _size(rng, kind, ownership)
                operating, filing = _statuses(rng)
                # 91 enterprise (for profit), 52 private non-enterprise unit, 12 public institution.
                code_prefix = "91" if for_profit else ("12" if ownership == "public_public" else "52")
                legal = names.person()
                contact = legal if rng.random() < 0.3 else names.person()
                road = rng.choice(roads) + rng.choice(ROAD_SUFFIXES)
                specs.append(InstitutionSpec(
                    credit_code=_credit_code(rng, code_prefix, district.code, used_codes),
                    name=name, kind=kind, ownership=ownership, for_profit=for_profit,
                    beds=beds, floor_area=floor_area,
                    address=f"{CITY[1]}{district.name}{road}{rng.randint(1, 399)}号",
                    region_code=f"{district.code}{i:03d}",
                    legal_representative=legal, contact_person=contact, contact_phone=_phone(rng),
                    filing_status=filing, operating_status=operating,
                    latitude=_coordinate(street_lat + rng.uniform(-0.01, 0.01)),
                    longitude=_coordinate(street_lng + rng.uniform(-0.01, 0.01)),
                    credit_profile=_weighted(rng, CREDIT_WEIGHTS),
                ))
    return tuple(specs)


def plan_officials(today: datetime.date, seed: int = SEED) -> tuple[OfficialSpec, ...]:
    rng = random.Random(seed + 1)
    names = _Names(rng)
    serial: dict[str, int] = {}
    expiries = certificate_dates(today)

    def certificate(region_code: str, kind: str):
        key = region_code + KIND_DIGIT[kind]
        serial[key] = serial.get(key, 0) + 1
        return f"{key}{serial[key]:04d}", rng.choice(expiries)

    def inspector(username, kind, district, roles=("inspector",), specialties=None, **extra):
        region_code = district.code if district else CITY[0]
        number, valid_until = certificate(region_code, kind)
        if specialties is None:
            specialties = {
                "civil_affairs": ("general",),
                "market_regulation": ("food",),
                "fire_rescue": ("fire",),
                "health": ("medical",),
                "housing": ("building",),
                "medical_insurance": ("medical",),
            }[kind]
        return OfficialSpec(
            username=username, name=names.person(unique=True), department=_department_name(kind, district),
            region_code=region_code, roles=roles, phone=_phone(rng), certificate_number=number,
            certificate_valid_until=valid_until, specialties=tuple(specialties), **extra,
        )

    def desk(username, kind, district, roles, **extra):
        return OfficialSpec(
            username=username, name=names.person(unique=True), department=_department_name(kind, district),
            region_code=district.code if district else CITY[0], roles=roles, phone=_phone(rng), **extra,
        )

    specs = [desk("admin", "civil_affairs", None, ("administrator",), is_staff=True)]
    for kind, *_rest in DEPARTMENT_KINDS:
        slug = {"civil_affairs": "city"}.get(kind, "city_" + kind.split("_")[0])
        specs.append(desk(f"head_{slug}", kind, None, ("head",)))
    specs.append(desk("planner_city", "civil_affairs", None, ("planner",)))
    # City-level inspectors of the partner departments, for joint checks.
    specs += [
        inspector("health_city1", "health", None),
        inspector("health_city2", "health", None),
        inspector("housing_city1", "housing", None),
    ]

    market_counts, fire_counts = (2, 1, 2, 1), (1, 2, 1, 2)
    for index, district in enumerate(DISTRICTS):
        specs.append(inspector(f"head_{district.slug}", "civil_affairs", district, roles=("head", "inspector")))
        specs.append(desk(f"planner_{district.slug}", "civil_affairs", district, ("planner",)))
        for n in range(1, 4):
            extra = rng.choice(((), (), ("medical",), ("building",)))
            specs.append(inspector(f"inspector_{district.slug}{n}", "civil_affairs", district,
                                   specialties=("general", *extra)))
        for kind, count in (("market_regulation", market_counts[index]), ("fire_rescue", fire_counts[index])):
            for n in range(1, count + 1):
                specs.append(inspector(f"{KIND_SLUG[kind]}_{district.slug}{n}", kind, district))

    # Two inactive inspectors (never drawn), to show the roster's filter.
    inactive = {"inspector_nanxi3", "fire_beiling2"}
    return tuple(replace(s, active=False) if s.username in inactive else s for s in specs)


def plan_operators(institutions: tuple[InstitutionSpec, ...], seed: int = SEED) -> tuple[OperatorSpec, ...]:
    """Operator accounts for 12 operating institutions: the first two of every district, then one more
    per district (a day-care centre in the first two districts, a community facility in the others)."""
    rng = random.Random(seed + 2)
    names = _Names(rng)
    chosen: list[InstitutionSpec] = []
    for index, district in enumerate(DISTRICTS):
        mine = [
            i for i in institutions
            if i.region_code.startswith(district.code) and i.operating_status == "operating"
        ]
        chosen += mine[:2]
        extra_kind = "day_care" if index < 2 else "community"
        chosen.append(next(i for i in mine[2:] if i.kind == extra_kind))
    # Number them district by district: operator01-03 in 东湖区, 04-06 in 西山区 …
    return tuple(
        OperatorSpec(f"operator{n:02d}", names.person(), inst.credit_code, inst.contact_phone)
        for n, inst in enumerate(chosen, start=1)
    )


def plan_conflicts(institutions, officials, today: datetime.date, seed: int = SEED) -> tuple[ConflictSpec, ...]:
    """Six declared conflicts, from January to June of last year."""
    rng = random.Random(seed + 3)
    who = (
        "inspector_donghu2", "head_xishan", "inspector_xishan1", "fire_nanxi1", "market_nanxi1", "inspector_beiling3",
    )
    by_username = {o.username: o for o in officials}
    specs = []
    for n, username in enumerate(who):
        district_code = by_username[username].region_code
        candidates = [i for i in institutions if i.region_code.startswith(district_code)]
        target = rng.choice(candidates)
        specs.append(ConflictSpec(
            username=username, credit_code=target.credit_code, reason=CONFLICT_REASONS[n % len(CONFLICT_REASONS)],
            declared_at=datetime.datetime(today.year - 1, 1 + n, 5, 9, 0,
                                          tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
        ))
    return tuple(specs)


def plan_city(seed: int = SEED, today: datetime.date | None = None) -> CityPlan:
    """The whole city as loaded on `today` (by default the clock's today)."""
    if today is None:
        from supervision.core import clock

        today = clock.today()
    institutions = plan_institutions(seed)
    officials = plan_officials(today, seed)
    return CityPlan(
        regions=plan_regions(),
        departments=plan_departments(),
        institutions=institutions,
        officials=officials,
        operators=plan_operators(institutions, seed),
        conflicts=plan_conflicts(institutions, officials, today, seed),
    )


# --------------------------------------------------------------------------------------------
# Writing the plan: idempotent, by natural key
# --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What a seed run did, per record type."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, created: bool | None):
        """created True: a new record; False: an existing one changed; None: nothing to do."""
        if created is None:
            return
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _differences(obj, values: dict) -> dict:
    return {k: v for k, v in values.items() if getattr(obj, k) != v}


def _sync(model, existing, lookup: dict, values: dict, tally: Tally, what: str):
    """Create, update or leave alone one record; ``existing`` is the current row or None."""
    if existing is None:
        obj = model.objects.create(**lookup, **values)
        tally.add(what, True)
        return obj
    changes = _differences(existing, values)
    if changes:
        for k, v in changes.items():
            setattr(existing, k, v)
        existing.save()
        tally.add(what, False)
    return existing


def build_regions(plan: CityPlan, tally: Tally) -> dict:
    from supervision.core.models import Region

    existing = {r.code: r for r in Region.objects.filter(code__in=[s.code for s in plan.regions])}
    regions = {}
    for spec in plan.regions:  # parents come before children
        parent = regions[spec.parent_code] if spec.parent_code else None
        regions[spec.code] = _sync(
            Region, existing.get(spec.code), {"code": spec.code},
            {"name": spec.name, "level": spec.level, "parent": parent}, tally, "region",
        )
    return regions


def build_departments(plan: CityPlan, regions: dict, tally: Tally) -> dict:
    from supervision.core.models import Department

    existing = {d.name: d for d in Department.objects.filter(name__in=[s.name for s in plan.departments])}
    return {
        spec.name: _sync(
            Department, existing.get(spec.name), {"name": spec.name},
            {"kind": spec.kind, "region": regions[spec.region_code], "short_name": spec.short_name},
            tally, "department",
        )
        for spec in plan.departments
    }


INSTITUTION_FIELDS = tuple(
    f.name for f in fields(InstitutionSpec) if f.name not in ("credit_code", "region_code", "credit_profile")
)


def build_institutions(plan: CityPlan, regions: dict, tally: Tally) -> dict:
    """Missing institutions in one bulk insert (audited by hand: bulk_create sends no signals)."""
    from supervision.core import audit
    from supervision.registry.models import Institution

    codes = [s.credit_code for s in plan.institutions]
    existing = {i.credit_code: i for i in Institution.objects.filter(credit_code__in=codes)}
    new = []
    for spec in plan.institutions:
        values = {name: getattr(spec, name) for name in INSTITUTION_FIELDS}
        values["region"] = regions[spec.region_code]
        current = existing.get(spec.credit_code)
        if current is None:
            institution = Institution(credit_code=spec.credit_code, **values)
            institution.fill_derived()  # bulk_create skips save()
            new.append(institution)
        else:
            _sync(Institution, current, {}, values, tally, "institution")
    if new:
        Institution.objects.bulk_create(new, batch_size=500)
        if any(i.pk is None for i in new):  # a backend that cannot return keys from a bulk insert
            new = list(Institution.objects.filter(credit_code__in=[i.credit_code for i in new]))
        audit.record_created(new)
        for inst in new:
            existing[inst.credit_code] = inst
            tally.add("institution", True)
    return existing


def _demo_password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD, salt=DEMO_PASSWORD_SALT)


def _sync_user(username: str, full_name: str, roles, is_staff: bool, password_hash: str, groups: dict,
               existing: dict, tally: Tally):
    """A demo login: the name in first_name (Chinese names are not split), the demo password, its groups."""
    from django.contrib.auth.models import User

    user = _sync(
        User, existing.get(username), {"username": username},
        {"first_name": full_name, "last_name": "", "is_staff": is_staff, "is_superuser": False,
         "is_active": True, "password": password_hash},
        tally, "user",
    )
    wanted = {groups[r].pk for r in roles}
    current = set(user.groups.values_list("pk", flat=True))
    if wanted != current:
        user.groups.set(wanted)
        if username in existing:
            tally.add("user", False)
    return user


def _demo_users(plan: CityPlan) -> dict:
    from django.contrib.auth.models import User

    usernames = [o.username for o in plan.officials] + [o.username for o in plan.operators]
    return {u.username: u for u in User.objects.filter(username__in=usernames)}


def _groups() -> dict:
    from django.contrib.auth.models import Group

    from supervision.staff.models import Role

    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    missing = set(Role.values) - set(groups)
    if missing:
        raise RuntimeError(f"Role groups missing ({', '.join(sorted(missing))}): run `manage.py migrate` first.")
    return groups


def build_officials(plan: CityPlan, regions: dict, departments: dict, tally: Tally, password_hash: str) -> dict:
    from supervision.staff.models import Official, Specialty

    groups = _groups()
    users = _demo_users(plan)
    specialties = {s.code: s for s in Specialty.objects.all()}
    existing = {o.user.username: o for o in Official.objects.select_related("user").filter(
        user__username__in=[s.username for s in plan.officials])}
    current_specialties: dict[int, set[str]] = {}
    for official_id, code in Official.specialties.through.objects.filter(
        official__in=list(existing.values())
    ).values_list("official_id", "specialty__code"):
        current_specialties.setdefault(official_id, set()).add(code)

    officials = {}
    for spec in plan.officials:
        user = _sync_user(spec.username, spec.name, spec.roles, spec.is_staff, password_hash, groups, users, tally)
        official = _sync(
            Official, existing.get(spec.username), {"user": user},
            {"name": spec.name, "department": departments[spec.department], "region": regions[spec.region_code],
             "phone": spec.phone, "certificate_number": spec.certificate_number,
             "certificate_valid_until": spec.certificate_valid_until, "active": spec.active},
            tally, "official",
        )
        if current_specialties.get(official.pk, set()) != set(spec.specialties):
            official.specialties.set([specialties[c] for c in spec.specialties])
            if spec.username in existing:
                tally.add("official", False)
        officials[spec.username] = official
    return officials


def build_operators(plan: CityPlan, institutions: dict, tally: Tally, password_hash: str) -> dict:
    """Operator accounts: an InstitutionAccount and the guardian permission on exactly that institution."""
    from guardian.models import UserObjectPermission
    from guardian.shortcuts import assign_perm

    from supervision.registry.models import InstitutionAccount

    groups = _groups()
    users = _demo_users(plan)
    existing = {a.user.username: a for a in InstitutionAccount.objects.select_related("user").filter(
        user__username__in=[s.username for s in plan.operators])}
    accounts = {}
    for spec in plan.operators:
        user = _sync_user(spec.username, spec.name, ("operator",), False, password_hash, groups, users, tally)
        institution = institutions[spec.credit_code]
        account = _sync(
            InstitutionAccount, existing.get(spec.username), {"user": user},
            {"institution": institution, "phone": spec.phone}, tally, "operator account",
        )
        perms = UserObjectPermission.objects.filter(
            user=user, permission__codename="view_institution", permission__content_type__app_label="registry",
        )
        if list(perms.values_list("object_pk", flat=True)) != [str(institution.pk)]:
            perms.exclude(object_pk=str(institution.pk)).delete()
            assign_perm("registry.view_institution", user, institution)
        accounts[spec.username] = account
    return accounts


def build_conflicts(plan: CityPlan, officials: dict, institutions: dict, tally: Tally) -> None:
    from supervision.staff.models import ConflictOfInterest

    existing = {
        (c.official_id, c.institution_id): c
        for c in ConflictOfInterest.objects.filter(official__in=list(officials.values()))
    }
    for spec in plan.conflicts:
        official, institution = officials[spec.username], institutions[spec.credit_code]
        _sync(
            ConflictOfInterest, existing.get((official.pk, institution.pk)),
            {"official": official, "institution": institution},
            {"reason": spec.reason, "valid_until": None, "declared_at": spec.declared_at}, tally, "conflict",
        )


def seed(plan: CityPlan | None = None) -> Tally:
    """Write the demo city, in one transaction, with audit entries naming the command."""
    from django.db import transaction

    from supervision.core.audit import acting_as

    plan = plan or plan_city()
    tally = Tally()
    password_hash = _demo_password_hash()
    with transaction.atomic(), acting_as("seed_demo"):
        regions = build_regions(plan, tally)
        departments = build_departments(plan, regions, tally)
        institutions = build_institutions(plan, regions, tally)
        officials = build_officials(plan, regions, departments, tally, password_hash)
        build_operators(plan, institutions, tally, password_hash)
        build_conflicts(plan, officials, institutions, tally)
    return tally


# The logins worth showing after a seed: (username, role as printed).
HIGHLIGHTED_LOGINS = (
    ("admin", "管理员 administrator"),
    ("head_city", "负责人 head"),
    ("head_donghu", "负责人+检查员 head + inspector"),
    ("planner_donghu", "计划员 planner"),
    ("inspector_donghu1", "检查员 inspector"),
    ("inspector_xishan1", "检查员 inspector"),
    ("market_donghu1", "检查员 inspector (food)"),
    ("fire_donghu1", "检查员 inspector (fire)"),
    ("health_city1", "检查员 inspector (medical)"),
    ("operator01", "机构经办人 operator"),
    ("operator04", "机构经办人 operator"),
)
