"""Builders for listing cases: a case driven to any stage, from code (no Viewflow needed)."""

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.core import clock
from supervision.core.models import Department, DepartmentKind
from tests.clocks import local
from tests.factories import official


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
PDF = b"%PDF-1.4\n%minimal but shaped like a PDF\ntrailer\n<<>>\n%%EOF\n"


def photo(name="现场照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def market_department(world):
    """A second partner department in district X (market regulation), with one official."""
    if not hasattr(world, "market_x"):
        world.market_x = Department.objects.create(name="东湖区市场监督管理局", kind=DepartmentKind.MARKET_REGULATION,
                                                   region=world.district_x, short_name="东市监")
        world.market_official_x = official("market_x", world.market_x, "inspector").user
    return world.market_x


def propose(world, ground="7", user=None, institution=None, **kwargs):
    from supervision.listings import services

    kwargs.setdefault("list_kind", "watch" if ground.startswith("w_") else "blacklist")
    return services.propose(
        user or world.inspector_x, institution or world.inst_p, ground=ground,
        facts=kwargs.pop("facts", "检查中拒不提供消防检查记录，伪造值班记录。"), evidence=kwargs.pop("evidence", [photo()]),
        **kwargs,
    )


def reviewed(world, case, user=None):
    from supervision.listings import services

    return services.review_proposal(user or world.head_x, case, agree=True, note="证据充分")


def notified(world, case):
    """Prior notice issued by inspector_x and read by operator P (delivered to its account)."""
    from supervision.listings import services

    services.issue_prior_notice(world.inspector_x, case)
    case.refresh_from_db()
    services.record_read(world.operator_p, case)
    case.refresh_from_db()
    return case


def answered(world, case, founded=False):
    from supervision.listings import services

    services.submit_representation(world.operator_p, case, statement="我院已于次日补齐记录，请求不予列入。",
                                   files=[photo("整改说明.png")])
    services.review_answer(world.inspector_x, case, founded=founded, review="经核实，记录系事后补造，申辩理由不成立。")
    case.refresh_from_db()
    return case


def listed(world, case=None, today=None):
    """A case driven to publication: proposed, reviewed, notified, answered, verified, decided."""
    from supervision.listings import services

    from supervision.listings.models import Stage

    market_department(world)
    if case is None:
        # A new case is driven a month back, so that it is in publication today (pages ask the clock).
        month_ago = clock.now() - dt.timedelta(days=30)
        with time_machine.travel(month_ago, tick=False):
            case = propose(world)
            return listed(world, case)
    if case.stage == Stage.PROPOSED:
        reviewed(world, case)
    if case.stage == Stage.TO_NOTIFY:
        notified(world, case)
    if not hasattr(case, "representation"):
        answered(world, case)
    today = today or case.representation_deadline + dt.timedelta(days=1)
    with time_machine.travel(local(today), tick=False):
        services.decide(world.head_x, case, decision="list", reasons="申辩不成立，依法列入。", today=today)
    case.refresh_from_db()
    return case
