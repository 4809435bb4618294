"""The registry's new pages posted by every persona: the expected status, and nothing changed when refused."""

import pytest
from django.core.files.base import ContentFile

from supervision.core.models import Region
from supervision.registry.models import ColumnMapping, ImportJob, ImportStatus
from tests.personas import PERSONAS
from tests.url_rules_registry import POST_RULES

CSV = "机构名称,所在区,街道,地址,机构类型,法定代表人,remark\n甲院,东湖区,湖滨街道,甲路1号,养老机构,张三,x\n"


@pytest.fixture
def posted_world(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.checked_job = ImportJob.objects.create(
        kind="institutions", file=ContentFile(CSV.encode(), name="x.csv"), original_name="x.csv",
        created_by=world.head_x, jurisdiction=world.district_x, status=ImportStatus.VALIDATED,
        columns=[{"position": 6, "header": "remark", "key": None, "how": "unknown"}], headers_signature="s" * 64,
    )
    return world


def _state():
    return (list(ImportJob.objects.values_list("pk", "status", "mapping")), ColumnMapping.objects.count(),
            Region.objects.count())


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_posting_gets_the_expected_status_and_a_refusal_changes_nothing(client, posted_world, persona):
    if persona != "anonymous":
        client.force_login(getattr(posted_world, persona))
    wrong = []
    for name, (build, expected) in POST_RULES.items():
        before = _state()
        response = client.post(build(posted_world), {"column-6": "contact_person"})
        if response.status_code != expected[persona]:
            wrong.append(f"{name}: got {response.status_code}, expected {expected[persona]}")
        if response.status_code != 302 or persona == "anonymous":
            assert _state() == before, name
    assert wrong == [], "\n".join(wrong)
