"""Versions of a filing side by side: what was filed before, what is filed now (before/after)."""

from dataclasses import dataclass

from supervision.filings.models import DECLARED_FIELDS, Filing, PremisesTitle, RegistrationLevel


@dataclass(frozen=True)
class Row:
    field: str
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _shown(field: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field == "premises_title":
        return str(PremisesTitle(value).label) if value in PremisesTitle.values else str(value)
    if field == "registration_level":
        return str(RegistrationLevel(value).label) if value in RegistrationLevel.values else str(value)
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("Yes") if value else _("No")
    return str(value)


def compare_versions(before: dict | None, after: dict) -> list[Row]:
    """One row per declared field, in form order; ``before`` None shows the after column alone."""
    before = before or {}
    rows = []
    for field in DECLARED_FIELDS:
        if field not in after and field not in before:
            continue
        label = str(Filing._meta.get_field(field).verbose_name)
        rows.append(Row(field, label, _shown(field, before.get(field)), _shown(field, after.get(field))))
    return rows
