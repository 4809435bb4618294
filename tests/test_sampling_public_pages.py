"""The public spot-check pages (一公开): no login, only public facts, files and a PDF record."""

import hashlib
import json
import subprocess

import pytest
from django.utils import translation

from supervision.sampling import engine, services
from tests.url_rules_sampling import approve, more_institutions, published_plan, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_list_shows_each_approved_plan_with_its_status(client, world):
    more_institutions(world)
    draft = start(world, name="未审批的计划")
    committed = start(world, name="已承诺的计划")
    approve(world, committed, world.head_x, world.civil_x)
    published = published_plan(world, name="已公布的计划")
    page = client.get("/public/spot-checks/").content.decode()
    assert draft.name not in page  # not approved yet: nothing public
    assert committed.name in page and published.name in page
    with translation.override("zh-hans"):
        assert translation.gettext("Result published") in page


def test_a_published_plan_shows_seed_hashes_files_result_and_public_names_only(client, world):
    more_institutions(world)
    plan = published_plan(world)
    draw = services.current_draw(plan)
    page = client.get(f"/public/spot-checks/{plan.pk}/").content.decode()
    assert bytes(draw.seed).hex() in page and draw.commitment in page and draw.result_sha256 in page
    for digest in draw.input_sha256.values():
        assert digest in page
    target = draw.targets.first()
    assert target.institution.name in page
    member = target.ordered_team()[0]
    assert member.name in page
    assert member.certificate_number not in page  # never a certificate number
    for suffix in ("inputs.json", "record.json", "record.pdf", "verify/"):
        assert f"/public/spot-checks/draws/{draw.pk}/{suffix}" in page


def test_the_downloaded_inputs_hash_to_the_published_hashes(client, world):
    more_institutions(world)
    draw = services.current_draw(published_plan(world))
    data = b"".join(client.get(f"/public/spot-checks/draws/{draw.pk}/inputs.json").streaming_content)
    assert hashlib.sha256(data).hexdigest() == draw.inputs_sha256
    assert engine.input_hashes(json.loads(data)) == draw.input_sha256


def test_the_draw_record_pdf_holds_the_commitment_the_seed_and_the_teams(client, world, tmp_path):
    more_institutions(world)
    plan = published_plan(world)
    draw = services.current_draw(plan)
    response = client.get(f"/public/spot-checks/draws/{draw.pk}/record.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "record.pdf"
    path.write_bytes(response.content)
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = "".join(raw.split())
    assert "双随机抽查抽取记录" in text
    assert draw.commitment in text and bytes(draw.seed).hex() in text
    target = draw.targets.first()
    assert target.institution.name in text and target.ordered_team()[0].name in text


def test_public_pages_need_no_login_and_unknown_plans_are_404(client, world):
    assert client.get("/public/spot-checks/").status_code == 200
    assert client.get("/public/spot-checks/999999/").status_code == 404
    assert client.get("/public/spot-checks/draws/999999/record.json").status_code == 404


def test_the_public_plan_list_takes_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    more_institutions(world)
    for n in range(4):
        plan = start(world, name=f"计划{n}")
        approve(world, plan, world.head_x, world.civil_x)
    with django_assert_max_num_queries(6):
        assert client.get("/public/spot-checks/").status_code == 200
