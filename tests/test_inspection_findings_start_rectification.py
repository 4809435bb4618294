"""After submission the desk shows findings needing rectification, one click from the notice form."""

from supervision.inspections.models import Finding
from tests.url_rules_inspections import submitted_inspection


def test_the_team_gets_one_click_to_the_rectification_notice(world, client):
    inspection = submitted_inspection(world, non_compliant=2)
    ids = sorted(Finding.objects.filter(inspection=inspection, needs_rectification=True).values_list("pk", flat=True))
    assert len(ids) == 2
    link = f"/rectification/inspections/{inspection.pk}/notice/?findings={','.join(map(str, ids))}"
    client.force_login(world.inspector_x)
    page = client.get(f"/inspection/{inspection.process.pk}/").content.decode()
    assert link in page
    form = client.get(link)
    assert form.status_code == 200
    assert all(f.pk in ids for f in form.context["findings"])


def test_the_head_sees_the_findings_but_not_the_issue_button(world, client):
    inspection = submitted_inspection(world)
    client.force_login(world.head_x)
    page = client.get(f"/inspection/{inspection.process.pk}/").content.decode()
    assert "/rectification/inspections/" not in page
    assert Finding.objects.get(inspection=inspection).item_title in page


def test_the_lead_department_lists_inspections_with_findings_waiting_for_a_notice(world, client):
    waiting = submitted_inspection(world)
    clean = submitted_inspection(world, non_compliant=0, institution=world.inst_p)
    client.force_login(world.head_x)
    response = client.get("/inspection/to-rectify/")
    shown = {i.pk for i in response.context["inspections"]}
    assert waiting.pk in shown and clean.pk not in shown
    client.force_login(world.inspector_y)
    assert not list(client.get("/inspection/to-rectify/").context["inspections"])


def test_a_finding_with_a_notice_no_longer_waits(world, client):
    from tests.url_rules_rectification import issue

    inspection = submitted_inspection(world)
    issue(world, Finding.objects.filter(inspection=inspection))
    client.force_login(world.head_x)
    assert not list(client.get("/inspection/to-rectify/").context["inspections"])
