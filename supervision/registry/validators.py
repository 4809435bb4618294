from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supervision.registry.creditcode import PROVINCES, credit_code_problem


def credit_code_message(code: str, divisions: "DivisionCodes | None" = None) -> str | None:
    """Why ``code`` cannot be a credit code, in words that name the wrong part; None if it can."""
    problem = credit_code_problem(code)
    if problem is None:
        return division_message(code[2:8], divisions or DivisionCodes())
    key, details = problem
    if key == "length":
        return _("A credit code has 18 characters; this one has %(length)d.") % details
    if key == "characters":
        return _("A credit code cannot contain: %(characters)s "
                 "(I, O, S, V, Z and lower-case letters are not used).") % details
    if key == "division":
        return _("Characters 3 to 8 of a credit code must be the six digits of an administrative division code.")
    if key == "authority":
        return _("The first character (registration authority) is %(found)s, which no authority uses; "
                 "it must be one of %(accepted)s.") % details
    if key == "type":
        return _("The second character (type of entity) is %(found)s, which registration authority "
                 "%(authority)s does not use; it must be one of %(accepted)s.") % details
    if key == "organisation":
        return _("Characters 9 to 17 (the organisation code) are all zeros: no organisation has this code.")
    return _("The check character is %(found)s but should be %(expected)s: the code has a typing error.") % details


class DivisionCodes:
    """Division codes of the region tree, asked once per province (an import asks for hundreds of codes)."""

    def __init__(self):
        self._by_province: dict[str, frozenset[str]] = {}

    def of_province(self, prefix: str) -> frozenset[str]:
        """The six-digit codes of provinces, cities and districts in the tree that start with ``prefix``."""
        if prefix not in self._by_province:
            from supervision.core.models import Region, RegionLevel

            self._by_province[prefix] = frozenset(
                Region.objects.filter(code__startswith=prefix, level__in=[
                    RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT,
                ]).values_list("code", flat=True)
            )
        return self._by_province[prefix]


def division_message(division: str, divisions: DivisionCodes) -> str | None:
    """Characters 3-8 must name a real region: one of the tree when the tree holds that province."""
    if division == "000000":
        return _("Characters 3 to 8 (the division code) are 000000, which is no region.")
    known = divisions.of_province(division[:2])
    if known:
        # A county merged away since (闸北区 310108) lives on in the codes issued before: its city will do.
        if division not in known and division[:4] + "00" not in known:
            return _("Characters 3 to 8 (the division code %(division)s) are no province, city or county "
                     "of the region tree.") % {"division": division}
        return None
    if division[:2] not in PROVINCES:
        return _("Characters 3 and 4 of the division code (%(province)s) are no province.") % {
            "province": division[:2]}
    return None


def validate_credit_code(value: str) -> None:
    message = credit_code_message(value)
    if message:
        raise ValidationError(message, code="invalid_credit_code")
