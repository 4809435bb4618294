"""What invalidates the public pages: a change to any fact an institution's page shows
(disclosure/cache.py). Each watched model names how to reach its institution."""

from django.db.models.signals import post_delete, post_save

from supervision.disclosure.cache import facts_changed


def _watched():
    from supervision.credit.models import CreditEvent, CreditGrade, CreditStanding, PenaltyRecord
    from supervision.filings.models import CommitmentBreach, CommitmentSignature, Filing
    from supervision.inspections.models import Finding, Inspection
    from supervision.listings.models import ListingCase
    from supervision.rectification.models import NoticeItem, ReCheck, RectificationEvent, RectificationNotice
    from supervision.registry.models import Institution

    def via(parent, fk):
        return lambda row: parent.objects.filter(pk=getattr(row, fk)).values_list("institution_id", flat=True).first()

    direct = lambda row: row.institution_id  # noqa: E731
    return {
        Institution: lambda row: row.pk,
        Inspection: direct,
        Finding: via(Inspection, "inspection_id"),
        RectificationNotice: direct,
        NoticeItem: via(RectificationNotice, "notice_id"),
        RectificationEvent: via(RectificationNotice, "notice_id"),
        ReCheck: via(RectificationNotice, "notice_id"),
        CommitmentSignature: via(Filing, "filing_id"),
        CommitmentBreach: via(Filing, "filing_id"),
        CreditEvent: direct,
        CreditStanding: direct,
        CreditGrade: direct,
        PenaltyRecord: direct,
        ListingCase: direct,
        Filing: direct,
    }


def connect():
    for model, institution_of in _watched().items():
        def changed(sender, instance, raw=False, _of=institution_of, **kwargs):
            if not raw:  # fixtures load before any page is cached
                facts_changed(_of(instance))

        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"public-cache-{model._meta.label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"public-cache-del-{model._meta.label}")
