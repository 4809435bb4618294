"""Checklist templates as versioned data: validation and publication of fixtures/checklists/*.json.

A new version is published only when a file's content changed; versions already published are
never altered, so an inspection keeps exactly the checklist it started with.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from supervision.core import clock

ANSWER_TYPES = {"compliance", "number", "text"}
SEVERITIES = set("ABCDEFGHIJKL")
FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "checklists"

# The checklist an inspection of each kind gets unless someone chose another.
DEFAULT_FOR_KIND = {"filing": "filing-commitment"}
DEFAULT_CODE = "gb38600-service-safety"


def validate(doc: dict) -> None:
    """Raise ValidationError naming every problem of a checklist document."""
    problems = []
    if not doc.get("code") or not doc.get("title"):
        problems.append("a checklist needs a code and a title")
    seen = set()
    for section in doc.get("sections") or []:
        if not section.get("title") or not section.get("items"):
            problems.append(f"section {section.get('code')!r} needs a title and items")
        for item in section.get("items") or []:
            code = item.get("code")
            if not code or code in seen:
                problems.append(f"item code {code!r} is missing or repeated")
            seen.add(code)
            if item.get("answer") not in ANSWER_TYPES:
                problems.append(f"{code}: answer must be one of {sorted(ANSWER_TYPES)}")
            if item.get("severity") not in SEVERITIES:
                problems.append(f"{code}: severity must be a cell A–L")
            if item.get("major_hazard") and item.get("severity", "A") < "J":
                problems.append(f"{code}: a major-hazard item is at least J (immediate jeopardy)")
            if not item.get("title"):
                problems.append(f"{code}: an item needs a title")
    if not seen:
        problems.append("a checklist needs at least one item")
    if problems:
        raise ValidationError(problems)


def content_of(doc: dict) -> dict:
    return {"sections": doc["sections"]}


def sha256_of(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def publish(model, doc: dict, user=None, now=None):
    """Publish ``doc`` as the next version of its code unless the latest has the same content.

    ``model`` is ChecklistTemplate (or the historical model in a migration). Returns
    (template, created).
    """
    validate(doc)
    content = content_of(doc)
    digest = sha256_of(content)
    with transaction.atomic():
        latest = model.objects.select_for_update().filter(code=doc["code"]).order_by("-version").first()
        if latest is not None and latest.content_sha256 == digest and latest.title == doc["title"]:
            return latest, False
        template = model.objects.create(
            code=doc["code"], version=(latest.version + 1) if latest else 1, title=doc["title"], content=content,
            content_sha256=digest, published_at=now or clock.now(), published_by=user,
        )
    return template, True


def load_file(path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fixture_files():
    return sorted(FIXTURE_DIR.glob("*.json"))


def latest(code: str):
    from supervision.inspections.models import ChecklistTemplate

    return ChecklistTemplate.objects.filter(code=code).order_by("-version").first()


def default_for(inspection):
    return latest(DEFAULT_FOR_KIND.get(inspection.kind, DEFAULT_CODE))
