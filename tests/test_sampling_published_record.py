"""The published record is the single source of truth: it names the institutions and inspectors,
states the scope, can be checked at home with engine.py alone, and a malformed file is a failed
check, never a crash."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from supervision.sampling import engine, services
from tests.url_rules_sampling import approve, more_institutions, published_plan, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _record(draw) -> dict:
    with draw.record_file.open("rb") as f:
        return json.load(f)


def test_the_record_names_each_candidate_and_inspector_and_states_the_scope(world):
    more_institutions(world)
    draw = services.current_draw(published_plan(world))
    record = _record(draw)
    candidates = {c["id"]: c for c in record["inputs"]["candidates"]}
    assert candidates[world.inst_p.pk]["name"] == world.inst_p.name
    assert candidates[world.inst_p.pk]["credit_code"] == world.inst_p.credit_code
    inspectors = {i["id"]: i for i in record["inputs"]["inspectors"]}
    official = world.inspector_x.official
    assert inspectors[official.pk]["name"] == official.name
    assert inspectors[official.pk]["own_department"] == official.department.name
    raw = json.dumps(record, ensure_ascii=False)
    assert official.certificate_number not in raw  # never a certificate number
    assert record["inputs"]["rules"]["scope"] == {
        "region_code": world.district_x.code, "region_name": world.district_x.full_name,
        "institution_kinds": ["residential"], "operating_status": "operating",
    }
    assert engine.input_hashes(record["inputs"]) == draw.input_sha256  # all of it under the hashes


def test_the_public_result_table_is_read_from_the_record(client, world):
    more_institutions(world)
    draw = services.current_draw(published_plan(world))
    record = _record(draw)
    target = record["result"]["targets"][0]
    row = next(c for c in record["inputs"]["candidates"] if c["id"] == target["candidate_id"])
    row["name"] = "记录里的名称"  # what the page shows comes from the file, not from the registry
    draw.record_file.save("record.json", ContentFile(engine.canonical_json(record)), save=False)
    draw.record_sha256 = hashlib.sha256(engine.canonical_json(record)).hexdigest()
    draw.save()
    page = client.get(f"/public/spot-checks/{draw.plan_id}/").content.decode()
    assert "记录里的名称" in page and row["credit_code"] in page


def test_the_verify_page_fails_when_the_stored_targets_differ_from_the_record(client, world):
    more_institutions(world)
    draw = services.current_draw(published_plan(world))
    target = draw.targets.order_by("institution_id").first()
    target.team_order = list(reversed(target.team_order))
    target.save()
    page = client.post(f"/public/spot-checks/draws/{draw.pk}/verify/").content.decode()
    assert engine.check_label("stored") in page and "✘" in page


def test_engine_py_runs_alone_and_checks_the_announced_values(client, world, tmp_path):
    more_institutions(world)
    draw = services.current_draw(published_plan(world))
    page = client.get(f"/public/spot-checks/{draw.plan_id}/").content.decode()
    source = b"".join(client.get("/public/spot-checks/engine.py").streaming_content)
    assert hashlib.sha256(source).hexdigest() in page and "python engine.py" in page
    script, record = tmp_path / "engine.py", tmp_path / "record.json"
    script.write_bytes(source)
    record.write_bytes(b"".join(client.get(f"/public/spot-checks/draws/{draw.pk}/record.json").streaming_content))
    bare = {"PATH": os.environ.get("PATH", "")}  # no Django, no settings, nothing of the project

    def run(*extra):
        return subprocess.run([sys.executable, "-I", str(script), str(record), *extra], capture_output=True,
                              text=True, cwd=tmp_path, env=bare)

    ok = run("--commitment", draw.commitment, "--inputs-sha256", draw.inputs_sha256)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Verified" in ok.stdout
    wrong = run("--inputs-sha256", "0" * 64)
    assert wrong.returncode == 1 and "NOT verified" in wrong.stdout


def test_verify_draw_takes_the_announced_commitment_and_runs_with_debug_only(world, tmp_path):
    more_institutions(world)
    draw = services.current_draw(published_plan(world))
    path = tmp_path / "record.json"
    path.write_bytes(draw.record_file.read())
    call_command("verify_draw", str(path), commitment=draw.commitment, inputs_sha256=draw.inputs_sha256)
    with pytest.raises(CommandError, match="NOT verified"):
        call_command("verify_draw", str(path), commitment="f" * 64)
    env = {"PATH": os.environ.get("PATH", ""), "DEBUG": "1"}  # as the docstring says, no production variables
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "verify_draw", str(path),
               "--commitment", draw.commitment]
    assert subprocess.run(command, capture_output=True, cwd=settings.BASE_DIR, env=env).returncode == 0


def test_the_inputs_hash_shown_at_the_commitment_is_in_the_record_and_checked(world):
    more_institutions(world)
    plan = start(world)
    approve(world, plan, world.head_x, world.civil_x)
    announced = services.current_draw(plan).inputs_sha256
    from tests.url_rules_sampling import confirm, run

    run(world, plan)
    confirm(world, plan)
    record = _record(services.current_draw(plan))
    assert record["inputs_sha256"] == announced
    record["inputs_sha256"] = "0" * 64
    assert [c.name for c in engine.verify(record).failures] == ["inputs"]


_RULES = {"ratios": {"A": "1/1"}, "unrated_as": None, "full_coverage": False, "team_size": 2,
          "lead_department": "x", "participating_departments": [], "required_specialties": [],
          "max_targets_per_inspector": 1, "prefer_local": False,
          "scope": {"region_code": "", "region_name": "", "institution_kinds": [], "operating_status": ""}}


def _malformed(ratios=None, candidate_id=1):
    candidate = {"id": candidate_id, "credit_code": "", "name": "", "region": "r", "kind": "k",
                 "credit_class": "A", "previous_inspectors": []}
    return {"format": engine.RECORD_FORMAT, "method": engine.METHOD, "commitment": "0" * 64, "seed": "00" * 32,
            "inputs": {"candidates": [candidate], "inspectors": [], "conflicts": [],
                       "rules": {**_RULES, "ratios": ratios or {"A": "1/1"}},
                       "chain": {"previous": None, "same_rules_as_previous": None}},
            "inputs_sha256": "", "input_sha256": {}, "conflicts_revealed": [],
            "result": {"feasible": True, "targets": [], "problems": [], "exclusions": [], "notes": [], "strata": []},
            "result_sha256": ""}


@pytest.mark.parametrize("payload, reason", [
    ([], "must be an object"),
    (_malformed(ratios={"A": "1/0"}), "fraction"),
    (_malformed(candidate_id="a"), "must be an integer"),
], ids=["a top-level list", "a ratio of 1/0", "a string id"])
def test_a_malformed_record_is_a_failed_check_with_a_reason_not_a_crash(tmp_path, payload, reason):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(payload))
    report = engine.verify_file(path)
    assert not report.ok and report.failures[0].name == "format" and reason in report.failures[0].detail
    with pytest.raises(CommandError, match="NOT verified"):
        call_command("verify_draw", str(path))
