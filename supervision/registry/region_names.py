"""District and street names as a spreadsheet writes them, resolved against the region tree.

Names are matched to the tree, never created: an import that names a street the tree lacks
gets a problem, with the nearest official name when one is close (江湾镇街道 → 江湾镇).
"""

import re
from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from supervision.core.importing.problems import CellError
from supervision.core.models import Region, RegionLevel

# What people add to or leave off a street's official name: 街道办事处, 街道, 镇, 乡, 地区.
_STREET_SUFFIX = re.compile(r"(街道办事处|街道办|地区办事处|街道|地区|民族乡|镇|乡)$")


def street_stem(name: str) -> str:
    """The name without its kind of township: 江湾镇街道 and 江湾镇 both give 江湾."""
    stem = "".join(name.split())
    while (shorter := _STREET_SUFFIX.sub("", stem)) != stem and shorter:
        stem = shorter
    return stem


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
        self._stems = defaultdict(list)
        for street in Region.objects.filter(level=RegionLevel.STREET, parent__in=districts):
            self._streets[(street.parent_id, street.name)] = street
            self._streets[(street.parent_id, street.code)] = street
            self._stems[(street.parent_id, street_stem(street.name))].append(street)

    def inside(self, region: Region) -> bool:
        return self.jurisdiction is None or region.path.startswith(self.jurisdiction.path)

    def _outside(self, text: str) -> CellError:
        return CellError(_("“%(value)s” is outside your jurisdiction (%(jurisdiction)s).") % {
            "value": text, "jurisdiction": self.jurisdiction.name})

    def district(self, text: str, *, inside: bool = True) -> Region:
        """The district named; ``inside``: it must lie in the jurisdiction (the supervising one does)."""
        candidates = self._districts.get(text, [])
        if not candidates:
            raise CellError(_("There is no district or county called “%(value)s”.") % {"value": text})
        if inside:
            candidates = [d for d in candidates if self.inside(d)]
            if not candidates:
                raise self._outside(text)
        if len(candidates) > 1:
            raise CellError(_("Several districts are called “%(value)s”; write its six-digit division code instead.")
                            % {"value": text})
        return candidates[0]

    def street(self, district: Region, text: str, *, inside: bool = True) -> Region:
        street = self._streets.get((district.pk, text))
        if street is None:
            near = self._stems.get((district.pk, street_stem(text)), [])
            if len(near) == 1:
                raise CellError(_("There is no street or township called “%(value)s” in %(district)s; "
                                  "did you mean “%(suggestion)s”?") % {
                    "value": text, "district": district.name, "suggestion": near[0].name})
            raise CellError(_("There is no street or township called “%(value)s” in %(district)s.") % {
                "value": text, "district": district.name})
        if inside and not self.inside(street):
            raise self._outside(text)
        return street
