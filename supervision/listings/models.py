"""The blacklist (失信联合惩戒对象名单) and the watch list (重点关注对象名单): cases, notices, repair.

Rules: DOMAIN.md §7 (民发〔2019〕103号, the nine grounds, staff as subjects; prior notice and
objection under 国办发〔2020〕49号; removal after 2 years; the 3-year ceiling of 国办发〔2025〕22号)
and §6 (repair under 信用修复管理办法). Facts only: what was proposed, reviewed, notified,
answered, decided, published, acknowledged, repaired, with who and when. The stage of a case is
derived from these facts (`ListingCaseQuerySet.with_stage`), never stored beside them.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.core import clock
from supervision.core.models import Department
from supervision.registry.models import Institution

PRIOR_NOTICE_DOCUMENT_TYPE = "listing-prior-notice"  # DocumentType.code, created by migration 0002
DECISION_DOCUMENT_TYPE = "listing-decision"


class ListKind(models.TextChoices):
    BLACKLIST = "blacklist", _("Joint-punishment list")  # 失信联合惩戒对象名单
    WATCH = "watch", _("Watch list")  # 重点关注对象名单


class Ground(models.TextChoices):
    """Grounds for listing. 1–9 and the court ruling: 民发〔2019〕103号 [S]; the watch list's: [U]."""

    G1 = "1", _("(1) Activities beyond the purposes and business scope in its articles")
    G2 = "2", _("(2) Infringing older people's lawful rights and interests in providing care")
    G3 = "3", _("(3) Defrauding older people of money or property, by illegal fund-raising or "
                "deceptive sales of “health” products")
    G4 = "4", _("(4) A major fire hazard, delayed without cause and not corrected by the deadline")
    G5 = "5", _("(5) Main or direct responsibility for a safety accident")
    G6 = "6", _("(6) Obtaining government subsidies by false claims")
    G7 = "7", _("(7) Refusing or evading supervision and inspection, concealing facts or falsifying")
    G8 = "8", _("(8) Not submitting the annual work report or not disclosing information as required")
    G9 = "9", _("(9) Other serious illegal or untrustworthy conduct")
    COURT = "court", _("A court's ruling as a defaulting judgment debtor (失信被执行人): listing is mandatory")
    W_PENALTY = "w_penalty", _("An administrative penalty by the civil-affairs department")
    W_RECTIFICATION = "w_rectification", _("Rectification not completed by the deadline")
    W_ABNORMAL = "w_abnormal", _("On the list of abnormal operation or activities")
    W_COMMITMENT = "w_commitment", _("A filing commitment found broken")
    W_OTHER = "w_other", _("Other untrustworthy conduct of a general class")


BLACKLIST_GROUNDS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "court")
WATCH_GROUNDS = ("w_penalty", "w_rectification", "w_abnormal", "w_commitment", "w_other")
GROUNDS_BY_LIST = {ListKind.BLACKLIST: BLACKLIST_GROUNDS, ListKind.WATCH: WATCH_GROUNDS}
# A court's defaulting-debtor ruling must be listed (「应当列入」): it cannot be dismissed.
MANDATORY_GROUNDS = frozenset({Ground.COURT})
FIRE_HAZARD_GROUND = Ground.G4


class SubjectKind(models.TextChoices):
    INSTITUTION = "institution", _("The institution")
    PERSON = "person", _("A person working there")  # 从业人员


class PersonRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    PRINCIPAL = "principal", _("Principal")  # 主要负责人
    MANAGER = "manager", _("Manager")
    CARE_WORKER = "care_worker", _("Care worker")


class DeliveryMethod(models.TextChoices):
    ACCOUNT = "account", _("Delivered to the institution's account")  # 电子送达 (read receipt)
    PAPER = "paper", _("Delivered on paper")  # 直接送达 / 邮寄


class Decision(models.TextChoices):
    LIST = "list", _("List")
    DISMISS = "dismiss", _("Dismiss")


class Removal(models.TextChoices):
    EXPIRED = "expired", _("Publication ended at the maximum period")
    REPAIRED = "repaired", _("Credit repaired")


class Stage(models.TextChoices):
    """Where a case stands, derived from its facts (see ListingCaseQuerySet.with_stage)."""

    PROPOSED = "proposed", _("Proposed, awaiting a second official's review")
    NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward at review")
    TO_NOTIFY = "to_notify", _("Reviewed, prior notice to issue")
    REPRESENTATION = "representation", _("Prior notice issued, representation period running")
    ANSWER_TO_REVIEW = "answer_to_review", _("Answer received, to be verified")
    TO_DECIDE = "to_decide", _("Awaiting the head's decision")
    DISMISSED = "dismissed", _("Dismissed")
    LISTED = "listed", _("Listed and published")
    EXPIRED = "expired", _("Removed: publication period ended")
    REPAIRED = "repaired", _("Removed: credit repaired")


OPEN_STAGES = (Stage.PROPOSED, Stage.TO_NOTIFY, Stage.REPRESENTATION, Stage.ANSWER_TO_REVIEW, Stage.TO_DECIDE)


def _upload_to(instance, filename):
    """A random stored name: the original (often Chinese) name is kept in a field, not on disk."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"listings/{clock.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ListingCaseQuerySet(models.QuerySet):
    def with_stage(self, today=None):
        """Annotate `stage_code`: the one definition of a case's stage, in SQL."""
        today = today or clock.today()
        answered = models.Exists(Representation.objects.filter(case=models.OuterRef("pk"), waiver=False))
        waived = models.Exists(Representation.objects.filter(case=models.OuterRef("pk"), waiver=True))
        return self.annotate(
            stage_code=models.Case(
                models.When(removal=Removal.EXPIRED, then=models.Value(Stage.EXPIRED)),
                models.When(removal=Removal.REPAIRED, then=models.Value(Stage.REPAIRED)),
                models.When(decision=Decision.LIST, then=models.Value(Stage.LISTED)),
                models.When(decision=Decision.DISMISS, then=models.Value(Stage.DISMISSED)),
                models.When(review_agreed=False, then=models.Value(Stage.NOT_TAKEN_FORWARD)),
                models.When(reviewed_at__isnull=True, then=models.Value(Stage.PROPOSED)),
                models.When(prior_notice_issued_at__isnull=True, then=models.Value(Stage.TO_NOTIFY)),
                models.When(answered & Q(answer_reviewed_at__isnull=True),
                            then=models.Value(Stage.ANSWER_TO_REVIEW)),
                # An answer (even verified) does not shorten the period: only a written waiver does.
                models.When(waived, then=models.Value(Stage.TO_DECIDE)),
                models.When(representation_deadline__lt=today, then=models.Value(Stage.TO_DECIDE)),
                default=models.Value(Stage.REPRESENTATION),
                output_field=models.CharField(),
            )
        )

    def listed_on(self, on):
        """Cases whose listing is in publication on `on` (decided to list, not yet ended or removed)."""
        return self.filter(decision=Decision.LIST, listed_on__lte=on, publication_ends_on__gt=on).filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=on))


class ListingCase(models.Model):
    """One proposal to list a subject on one list on one ground, and everything that followed."""

    list_kind = models.CharField(_("list"), max_length=20, choices=ListKind.choices)
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="listing_cases"
    )
    subject_kind = models.CharField(_("subject"), max_length=20, choices=SubjectKind.choices,
                                    default=SubjectKind.INSTITUTION)
    person_name = models.CharField(_("person's name"), max_length=50, blank=True)
    person_role = models.CharField(_("person's role"), max_length=30, choices=PersonRole.choices, blank=True)
    # 谁监管、谁列入: the department that proposes is the one that acts on the case.
    department = models.ForeignKey(
        Department, verbose_name=_("proposing department"), on_delete=models.PROTECT, related_name="+"
    )
    facts = models.TextField(_("facts"))
    court_ruling_number = models.CharField(_("court ruling number"), max_length=100, blank=True)
    automatic = models.BooleanField(_("proposed automatically"), default=False)
    source_notice = models.ForeignKey(
        "rectification.RectificationNotice", verbose_name=_("rectification notice"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="listing_cases",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=clock.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # Review by a second official (not the proposer).
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    review_agreed = models.BooleanField(_("taken forward"), null=True)
    review_note = models.TextField(_("review note"), blank=True)
    # 告知书: the written prior notice, its delivery, the representation period (陈述申辩).
    prior_notice_number = models.CharField(_("prior notice number"), max_length=60, null=True, blank=True,
                                           unique=True)
    prior_notice_issued_at = models.DateTimeField(_("prior notice issued at"), null=True, blank=True)
    prior_notice_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prior notice issued by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    delivery_method = models.CharField(_("delivery"), max_length=20, choices=DeliveryMethod.choices, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    received_by_name = models.CharField(_("signed for by"), max_length=50, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("read by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    representation_deadline = models.DateField(_("representation deadline"), null=True, blank=True)
    representation_provisional = models.BooleanField(_("deadline provisional"), default=False)
    # Verification of the institution's answer (复核).
    answer_reviewed_at = models.DateTimeField(_("answer reviewed at"), null=True, blank=True)
    answer_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answer reviewed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    answer_founded = models.BooleanField(_("objection founded"), null=True)
    answer_review = models.TextField(_("verification of the answer"), blank=True)
    # The head's decision (决定书, with the repair notice: 两书同达) or dismissal.
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    decision_reasons = models.TextField(_("reasons"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, null=True, blank=True, unique=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    repair_possible_from = models.DateField(_("repair may be applied for from"), null=True, blank=True)
    publication_ends_on = models.DateField(_("end of publication"), null=True, blank=True)
    removal = models.CharField(_("removal"), max_length=20, choices=Removal.choices, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    # Set when the case can no longer move (not taken forward, dismissed, removed): the
    # one-open-case rule holds until then.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ListingCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing case")
        verbose_name_plural = _("listing cases")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # A second open case on the same ground for the same subject is refused; the
            # constraint makes a retry (or a race) fail instead of duplicating.
            models.UniqueConstraint(
                fields=["list_kind", "ground", "institution", "subject_kind", "person_name"],
                condition=Q(closed_at__isnull=True), name="one_open_listing_case_per_subject_and_ground",
            ),
        ]
        indexes = [
            models.Index(fields=["decision", "listed_on", "publication_ends_on"], name="listing_published_idx"),
        ]

    def __str__(self):
        return f"{self.institution} · {self.get_ground_display()}"

    @property
    def subject_name(self) -> str:
        if self.subject_kind == SubjectKind.PERSON:
            return f"{self.person_name}（{self.get_person_role_display()}，{self.institution.name}）"
        return self.institution.name

    @property
    def stage(self) -> str:
        annotated = self.__dict__.get("stage_code")
        if annotated is not None:
            return annotated
        return ListingCase.objects.with_stage().values_list("stage_code", flat=True).get(pk=self.pk)

    def get_stage_display(self) -> str:
        return Stage(self.stage).label

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and not self.decision


class FilePurpose(models.TextChoices):
    PROPOSAL = "proposal", _("Evidence for the proposal")
    ANSWER = "answer", _("The institution's answer")
    WAIVER = "waiver", _("Written waiver")
    REPAIR = "repair", _("Repair application")


class CaseFile(models.Model):
    """A photo or PDF attached to a case; its type was checked by content on upload."""

    case = models.ForeignKey(ListingCase, on_delete=models.CASCADE, related_name="files")
    purpose = models.CharField(_("purpose"), max_length=20, choices=FilePurpose.choices)
    repair_application = models.ForeignKey(
        "RepairApplication", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=_upload_to)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("case file")
        verbose_name_plural = _("case files")
        ordering = ["case", "id"]

    def __str__(self):
        return self.original_name


class Representation(models.Model):
    """陈述申辩: the institution's answer to the prior notice, or its written waiver of the period."""

    case = models.OneToOneField(ListingCase, on_delete=models.CASCADE, related_name="representation")
    waiver = models.BooleanField(_("waives the representation period"), default=False)
    statement = models.TextField(_("statement"))
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")

    def __str__(self):
        return f"{self.case} · {self.submitted_at:%Y-%m-%d}"


class PartnerNotice(models.Model):
    """联合惩戒: the notice to one partner department, which acknowledges it; lifted on removal."""

    case = models.ForeignKey(ListingCase, on_delete=models.PROTECT, related_name="partner_notices")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="listing_notices")
    sent_at = models.DateTimeField(_("sent at"), default=clock.now)
    acknowledge_by = models.DateField(_("to acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    measures = models.TextField(_("measures taken"), blank=True)
    chases = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_chased_on = models.DateField(_("last reminded on"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("sanctions lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint-punishment notice")
        verbose_name_plural = _("joint-punishment notices")
        ordering = ["case", "department"]
        constraints = [
            # A retry of the publication never sends a department a second notice.
            models.UniqueConstraint(fields=["case", "department"], name="one_partner_notice_per_department"),
        ]
        indexes = [models.Index(fields=["acknowledged_at", "acknowledge_by"], name="partner_notice_due_idx")]

    def __str__(self):
        return f"{self.case} → {self.department}"


class RepairApplication(models.Model):
    """信用修复: the institution's application to be removed, its review and the head's decision."""

    case = models.ForeignKey(ListingCase, on_delete=models.PROTECT, related_name="repair_applications")
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rectification_done = models.TextField(_("rectification done"))
    # 信用承诺, published with the repair.
    commitment = models.TextField(_("public credit commitment"))
    decide_by = models.DateField(_("to decide by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    review_note = models.TextField(_("review note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    granted = models.BooleanField(_("granted"), null=True)
    reasons = models.TextField(_("reasons"), blank=True)
    reapply_from = models.DateField(_("may apply again from"), null=True, blank=True)

    class Meta:
        verbose_name = _("repair application")
        verbose_name_plural = _("repair applications")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(decided_at__isnull=True),
                                    name="one_pending_repair_application_per_case"),
        ]

    def __str__(self):
        return f"{self.case} · {self.submitted_at:%Y-%m-%d}"


class EventKind(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    REVIEWED = "reviewed", _("Reviewed")
    PRIOR_NOTICE_ISSUED = "prior_notice_issued", _("Prior notice issued")
    DELIVERED = "delivered", _("Delivery recorded")
    READ = "read", _("Read by the institution")
    ANSWERED = "answered", _("Answer submitted")
    WAIVED = "waived", _("Representation period waived in writing")
    ANSWER_REVIEWED = "answer_reviewed", _("Answer verified")
    LISTED = "listed", _("Decided: listed and published")
    DISMISSED = "dismissed", _("Decided: dismissed")
    PARTNERS_NOTIFIED = "partners_notified", _("Joint-punishment notices sent")
    ACKNOWLEDGED = "acknowledged", _("Joint-punishment notice acknowledged")
    CHASED = "chased", _("Reminder sent for an unacknowledged notice")
    REPAIR_APPLIED = "repair_applied", _("Credit repair applied for")
    REPAIR_REVIEWED = "repair_reviewed", _("Repair application reviewed")
    REPAIR_REFUSED = "repair_refused", _("Credit repair refused")
    REPAIRED = "repaired", _("Credit repaired: removed from the list")
    EXPIRED = "expired", _("Publication ended at the maximum period")


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The listing event log is append-only.")

    def delete(self):
        raise TypeError("The listing event log is append-only.")


class CaseEvent(models.Model):
    """Append-only timeline of a case."""

    case = models.ForeignKey(ListingCase, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(_("time"), default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing event")
        verbose_name_plural = _("listing events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The listing event log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The listing event log is append-only.")
