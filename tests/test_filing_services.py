"""Filing with a written commitment, through the services: file, return, complete, accept, verify."""

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.builders.filings import FIRST_RESIDENT, TODAY, accepted, complete_draft, submitted


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def test_the_filing_deadline_is_ten_working_days_after_the_first_resident(world):
    filing = complete_draft(world)
    # 2026-11-02 is a Monday: ten working days later is Monday 2026-11-16.
    assert filing.first_resident_on == FIRST_RESIDENT
    filing.refresh_from_db()
    assert filing.deadline == dt.date(2026, 11, 16)


def test_a_locality_sets_its_own_filing_deadline(world):
    from supervision.filings.models import FilingDeadlineRule

    FilingDeadlineRule.objects.create(region=world.city, working_days=30, source="吕梁")
    filing = complete_draft(world)
    filing.refresh_from_db()
    assert filing.deadline == dt.date(2026, 12, 14)


def test_an_operator_files_is_returned_once_completes_and_is_accepted(world):
    from supervision.filings import services
    from supervision.filings.models import FilingState
    from supervision.notifications.models import Notification

    filing = submitted(world)
    assert filing.state == FilingState.SUBMITTED and filing.office == world.civil_x
    assert Notification.objects.filter(recipient=world.planner_x, kind="filing_submitted").exists()

    services.return_filing(world.planner_x, filing, note="请补充房屋租赁合同期限说明")
    filing.refresh_from_db()
    assert filing.state == FilingState.RETURNED
    assert filing.beds == 60  # the draft is kept
    assert Notification.objects.filter(recipient=world.operator_p, kind="filing_returned").exists()

    services.save_draft(world.operator_p, filing, {"premises_title_note": "租期至2036年12月31日"})
    services.submit_filing(world.operator_p, filing)
    filing.refresh_from_db()
    services.accept_filing(world.planner_x, filing)
    filing.refresh_from_db()
    assert filing.state == FilingState.ACCEPTED
    assert filing.receipt_number == "东民备〔2026〕1号"
    assert [(v.number, v.outcome) for v in filing.versions.order_by("number")] == [(1, "returned"), (2, "accepted")]
    assert filing.versions.get(number=2).data["premises_title_note"] == "租期至2036年12月31日"
    world.inst_p.refresh_from_db()
    assert world.inst_p.filing_status == "filed" and world.inst_p.beds == 60


def test_receipt_numbers_are_gapless_per_office_and_year(world):
    from supervision.filings import services
    from tests.factories import institution, operator

    first = accepted(world)
    other = institution(world.street_x2, name="柳岸养老院")
    operator("operator_r", other)
    from django.contrib.auth.models import User

    op_r = User.objects.get(username="operator_r")
    second = complete_draft(world, operator=op_r, institution=other)
    services.submit_filing(op_r, second)
    second = services.accept_filing(world.planner_x, second)
    assert (first.receipt_number, second.receipt_number) == ("东民备〔2026〕1号", "东民备〔2026〕2号")


def test_the_receipt_pdf_reads_back_with_its_number(world, tmp_path):
    from supervision.filings.documents import render_receipt_pdf

    filing = accepted(world)
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(render_receipt_pdf(filing))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert filing.receipt_number in text.replace(" ", "")
    assert "备案回执" in text.replace(" ", "")
    assert "东湖颐养院" in text.replace(" ", "")


def test_acceptance_schedules_the_verification_within_twenty_working_days(world):
    from supervision.filings.models import FilingVerification
    from supervision.inspections.access import team_inspections

    filing = accepted(world)
    verification = FilingVerification.objects.get(filing=filing)
    assert verification.counted_from == TODAY.date()
    assert verification.due_on == dt.date(2026, 12, 8)  # 20 working days after Tuesday 2026-11-10
    inspection = verification.inspection
    assert inspection.kind == "filing"
    assert team_inspections(world.inspector_x).filter(pk=inspection.pk).exists()
    commitment_items = [i["code"] for _s, i in inspection.checklist.items() if i["code"].startswith("commit-")]
    assert commitment_items == ["commit-building", "commit-fire", "commit-food_safety", "commit-medical",
                                "commit-special_equipment"]


def test_the_checklist_carries_the_items_a_locality_adds(world):
    from supervision.filings.models import CommitmentTemplate, FilingVerification

    default = CommitmentTemplate.objects.get(region__isnull=True)
    CommitmentTemplate.objects.create(
        region=world.city, version=1, title="示范市养老机构备案承诺书", preamble=default.preamble,
        items=[*default.items, {"code": "elder_abuse", "title": "不发生欺老虐老行为", "basis": "示范市规定"}])
    filing = accepted(world)
    assert filing.signature.template.region == world.city
    inspection = FilingVerification.objects.get(filing=filing).inspection
    assert inspection.checklist.item("commit-elder_abuse")["title"].startswith("不发生欺老虐老行为")


def test_the_commitment_is_signed_by_the_legal_representative_with_time_account_and_version(world):
    from supervision.filings import services

    filing = complete_draft(world)
    with pytest.raises(ValidationError) as error:
        services.sign_commitment(world.operator_p, filing, signer_name="李四", confirmed=True)
    assert "张三" in error.value.message_dict["signer_name"][0]
    with pytest.raises(ValidationError) as error:
        services.sign_commitment(world.operator_p, filing, signer_name="张三", confirmed=False)
    assert "confirm" in error.value.message_dict
    signature = filing.signature
    assert (signature.signer_name, signature.signed_by, signature.template.version) == ("张三", world.operator_p, 1)
    assert signature.signed_at == TODAY
    assert [i["code"] for i in signature.items] == ["building", "fire", "food_safety", "medical", "special_equipment"]


def test_a_second_filing_while_one_is_open_is_refused(world):
    from supervision.filings import services

    complete_draft(world)
    with pytest.raises(ValidationError) as error:
        services.start_filing(world.operator_p, world.inst_p)
    assert "open" in error.value.messages[0] or "未完成" in error.value.messages[0]


def test_an_operator_cannot_file_for_another_institution(world):
    from supervision.filings import services

    with pytest.raises(PermissionDenied):
        services.start_filing(world.operator_q, world.inst_p)


def test_only_planners_of_the_filing_office_check_it(world):
    from supervision.filings import services

    filing = submitted(world)
    for user in (world.inspector_x, world.inspector_y, world.fire_inspector_x, world.operator_p):
        with pytest.raises(PermissionDenied):
            services.accept_filing(user, filing)


def test_a_return_says_what_to_add(world):
    from supervision.filings import services

    filing = submitted(world)
    with pytest.raises(ValidationError) as error:
        services.return_filing(world.planner_x, filing, note="  ")
    assert "note" in error.value.message_dict


def test_a_broken_commitment_item_is_recorded_and_starts_a_rectification(world, django_capture_on_commit_callbacks):
    from supervision.filings.commitments import public_commitment
    from supervision.filings.models import CommitmentBreach, FilingVerification
    from supervision.rectification.models import RectificationNotice
    from tests.builders.filings import answer_everything

    filing = accepted(world)
    inspection = FilingVerification.objects.get(filing=filing).inspection
    with django_capture_on_commit_callbacks(execute=True):
        answer_everything(world, inspection, broken=("commit-fire",))
    breach = CommitmentBreach.objects.get(filing=filing)
    assert breach.item_code == "fire" and breach.finding.inspection == inspection
    notice = RectificationNotice.objects.get(inspection=inspection)
    assert list(notice.findings.all()) == [breach.finding]
    assert notice.issued_by == world.inspector_x
    from supervision.credit.models import CreditEvent

    event = CreditEvent.objects.get(kind="commitment_broken")
    assert (event.institution, event.source, event.department) == (world.inst_p, breach, world.civil_x)
    standing = {i.code: i for i in public_commitment(world.inst_p).items}
    assert standing["fire"].broken and standing["fire"].breaches == (breach,)
    assert not standing["building"].broken


def test_a_kept_commitment_records_nothing(world, django_capture_on_commit_callbacks):
    from supervision.filings.models import CommitmentBreach, FilingVerification
    from supervision.rectification.models import RectificationNotice
    from tests.builders.filings import answer_everything

    filing = accepted(world)
    inspection = FilingVerification.objects.get(filing=filing).inspection
    with django_capture_on_commit_callbacks(execute=True):
        answer_everything(world, inspection)
    from supervision.credit.models import CreditEvent

    assert not CommitmentBreach.objects.exists()
    assert not CreditEvent.objects.filter(kind__in=["commitment_broken", "false_filing"]).exists()
    assert not RectificationNotice.objects.filter(inspection=inspection).exists()


def test_a_false_filing_item_records_a_false_filing_credit_event(world, django_capture_on_commit_callbacks):
    from supervision.credit.models import CreditEvent
    from supervision.filings.models import CommitmentBreach, FilingVerification
    from tests.builders.filings import answer_everything

    filing = accepted(world)
    inspection = FilingVerification.objects.get(filing=filing).inspection
    with django_capture_on_commit_callbacks(execute=True):
        answer_everything(world, inspection, broken=("fc-1",))
    event = CreditEvent.objects.get(kind="false_filing")
    assert event.source.item_code == "fc-1" and event.institution == world.inst_p
    assert not CommitmentBreach.objects.exists()
