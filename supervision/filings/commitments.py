"""The commitment in force and how it stands (kept / broken, with the finding that broke it).

Public from acceptance (国办发〔2019〕35号: 「书面承诺并向社会公开，将书面承诺履约情况记入信用记录」):
read by the public page and the desk alike, so both say the same.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.filings.models import CommitmentBreach, CommitmentSignature, FilingKind, FilingState


@dataclass(frozen=True)
class ItemStanding:
    code: str
    title: str
    basis: str
    broken: bool
    breaches: tuple  # CommitmentBreach rows, newest first

    @property
    def status_label(self):
        return _("Broken") if self.broken else _("Kept")


@dataclass(frozen=True)
class PublicCommitment:
    filing: object
    signature: CommitmentSignature
    items: tuple[ItemStanding, ...]

    @property
    def broken_count(self) -> int:
        return sum(1 for i in self.items if i.broken)


def signature_in_force(institution):
    """The signature of the latest accepted initial or change filing; None after an accepted closure."""
    latest = (institution.filings.filter(state=FilingState.ACCEPTED).order_by("-accepted_at", "-pk")
              .select_related("signature__template").first())
    if latest is None or latest.kind == FilingKind.CLOSURE:
        return None
    return getattr(latest, "signature", None)


def public_commitment(institution) -> PublicCommitment | None:
    signature = signature_in_force(institution)
    if signature is None:
        return None
    filing = signature.filing
    # A breach counts against the commitment it broke, whichever filing of the institution carried it.
    breaches = list(CommitmentBreach.objects.filter(filing__institution=institution)
                    .select_related("finding__inspection").order_by("-found_on", "-pk"))
    items = []
    for item in signature.items:
        mine = tuple(b for b in breaches if b.item_code == item["code"] and b.found_on >= _signed_day(signature))
        items.append(ItemStanding(code=item["code"], title=item["title"], basis=item.get("basis", ""),
                                  broken=bool(mine), breaches=mine))
    return PublicCommitment(filing=filing, signature=signature, items=tuple(items))


def _signed_day(signature):
    return timezone.localtime(signature.signed_at).date()
