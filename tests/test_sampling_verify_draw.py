"""`manage.py verify_draw FILE` and the public verify page: a downloaded record verifies, a
tampered one does not, and each check says why."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from supervision.sampling import services
from tests.url_rules_sampling import more_institutions, published_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def downloaded(client, world, tmp_path):
    """The record file of a published draw, as a visitor downloads it from the public page."""
    more_institutions(world)
    draw = services.current_draw(published_plan(world))
    response = client.get(f"/public/spot-checks/draws/{draw.pk}/record.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    path = tmp_path / "record.json"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_a_downloaded_record_verifies(downloaded, capsys):
    call_command("verify_draw", str(downloaded))
    out = capsys.readouterr().out
    assert "种子承诺" in out and "重新抽取" in out and "核验通过 Verified" in out
    assert "FAIL" not in out


def test_a_tampered_target_fails_with_the_reason(downloaded, capsys):
    record = json.loads(downloaded.read_text())
    target = record["result"]["targets"][0]
    target["team"] = list(reversed(target["team"]))
    downloaded.write_text(json.dumps(record, ensure_ascii=False))
    with pytest.raises(CommandError) as failure:
        call_command("verify_draw", str(downloaded))
    assert "NOT verified" in str(failure.value)
    assert "FAIL" in capsys.readouterr().out


def test_a_tampered_seed_breaks_the_commitment(downloaded):
    record = json.loads(downloaded.read_text())
    record["seed"] = "00" * 32
    downloaded.write_text(json.dumps(record))
    with pytest.raises(CommandError) as failure:
        call_command("verify_draw", str(downloaded))
    assert "种子承诺" in str(failure.value)


def test_a_tampered_candidate_list_breaks_its_hash(downloaded):
    record = json.loads(downloaded.read_text())
    record["inputs"]["candidates"].pop()
    downloaded.write_text(json.dumps(record))
    with pytest.raises(CommandError) as failure:
        call_command("verify_draw", str(downloaded))
    assert "检查对象名单" in str(failure.value)


def test_the_command_exits_non_zero_on_a_mismatch(downloaded):
    """As a citizen runs it: a separate process, its exit status."""
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "verify_draw", str(downloaded)]
    assert subprocess.run(command, capture_output=True, cwd=settings.BASE_DIR).returncode == 0
    record = json.loads(downloaded.read_text())
    record["result_sha256"] = "0" * 64
    downloaded.write_text(json.dumps(record))
    failed = subprocess.run(command, capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert failed.returncode != 0
    assert "NOT verified" in failed.stderr


def test_the_public_verify_button_re_runs_the_draw(client, world):
    more_institutions(world)
    draw = services.current_draw(published_plan(world))
    page = client.get(f"/public/spot-checks/draws/{draw.pk}/verify/").content.decode()
    assert "<form" in page
    page = client.post(f"/public/spot-checks/draws/{draw.pk}/verify/").content.decode()
    assert "✔" in page and "✘" not in page
    assert "种子承诺" in page and "重新抽取" in page
