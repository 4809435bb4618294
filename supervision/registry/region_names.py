"""District and street names as a spreadsheet writes them, resolved against the region tree."""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from supervision.core.importing.problems import CellError
from supervision.core.models import Region, RegionLevel


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
