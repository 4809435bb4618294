"""Open data (开放数据): the public facts as CSV and JSON, one declared schema per dataset.

Each dataset declares its fields once (key, Chinese and English name, type) and reads them in SQL
from the same filtered querysets as the pages (disclosure/facts.py). Paging is by keyset: rows
come in id order, and a page is "the next `limit` rows after id `after`"; the answer gives the
cursor of the next page (JSON `next`, and a `Link: rel="next"` header for both formats), never a
total count: counting millions of rows per request is what slows open-data portals (DOMAIN.md §9).
"""

import csv
import io
from dataclasses import dataclass
from typing import Annotated

from django.db.models import Case, Count, Exists, F, OuterRef, Value, When
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from supervision.core import clock
from supervision.core.schema import MAX_ID
from supervision.listings.models import SubjectKind
from supervision.rectification.models import NoticeItem, RectificationNotice

from . import facts

DEFAULT_LIMIT, MAX_LIMIT = 500, 1000


class PageQuery(BaseModel):
    """?after=<id>&limit=<n>: converted from the query's text, nothing else accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    after: Annotated[int, Field(ge=0, le=MAX_ID)] = 0
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    type: str  # "integer", "string", "date", "decimal", "boolean"


@dataclass(frozen=True)
class Dataset:
    code: str
    title: object
    columns: tuple[Column, ...]
    rows: object  # () -> queryset of dicts with the columns' keys, id included

    def page(self, after: int, limit: int) -> tuple[list[dict], int | None]:
        rows = list(self.rows().filter(id__gt=after).order_by("id")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, (rows[-1]["id"] if more else None)


def _institutions():
    return facts.institutions().values(
        "id", "credit_code", "name", "address", "kind", "ownership", "beds", "filing_status", "operating_status",
        grade=F("credit_class"), street=F("region__name"), district=F("region__parent__name"))


def _inspections():
    closed_or_none = NoticeItem.objects.filter(finding__inspection=OuterRef("pk"))
    return facts.published_inspections().annotate(
        problems=Count("findings", distinct=True),
        ordered=Exists(closed_or_none),
        open_order=Exists(closed_or_none.filter(notice__closed_at__isnull=True)),
    ).annotate(result_code=Case(
        When(problems=0, then=Value("1")),
        When(ordered=True, open_order=False, then=Value("E")),
        default=Value("A"),
    )).values("id", "kind", "result_code", "problems", institution_name=F("institution__name"),
              institution_code=F("institution__credit_code"), department_name=F("department__name"),
              checked_on=F("submitted_at__date"))


def _rectifications():
    return RectificationNotice.objects.with_status(clock.today()).values(
        "id", "number", "deadline", institution_name=F("institution__name"),
        institution_code=F("institution__credit_code"), department_name=F("department__name"),
        issued_on=F("issued_at__date"), status=F("status_code"), closed_on=F("closed_at__date"))


def _penalties():
    return facts.published_penalties(clock.today()).values(
        "id", "party_name", "party_credit_code", "decision_number", "violation_type", "legal_basis", "category",
        "content", "fine", "decision_date", "publication_ends", department_name=F("department__name"))


def _lists():
    return facts.listings_in_publication(clock.today()).annotate(
        subject=Case(When(subject_kind=SubjectKind.PERSON, then=F("person_name")), default=F("institution__name"))
    ).values(
        "id", "list_kind", "ground", "subject", "decision_number", "listed_on", "publication_ends_on",
        institution_name=F("institution__name"), institution_code=F("institution__credit_code"),
        department_name=F("department__name"))


def _c(key, zh, en, kind="string"):
    return Column(key, zh, en, kind)


DATASETS = {d.code: d for d in (
    Dataset("institutions", _("Institutions"), (
        _c("id", "编号", "id", "integer"), _c("credit_code", "统一社会信用代码", "unified social credit code"),
        _c("name", "机构名称", "name"), _c("address", "地址", "address"), _c("district", "区（县）", "district"),
        _c("street", "街道（乡镇）", "street or township"), _c("kind", "机构类型", "kind"),
        _c("ownership", "运营模式", "ownership"), _c("beds", "床位数", "beds", "integer"),
        _c("grade", "信用等级", "credit grade"), _c("filing_status", "备案状态", "filing status"),
        _c("operating_status", "运营状态", "operating status")), _institutions),
    Dataset("inspections", _("Inspection results"), (
        _c("id", "编号", "id", "integer"), _c("institution_name", "检查对象", "institution"),
        _c("institution_code", "统一社会信用代码", "unified social credit code"),
        _c("checked_on", "检查日期", "date of the check", "date"), _c("kind", "检查类型", "kind of check"),
        _c("department_name", "检查机关", "inspecting department"),
        _c("problems", "发现问题数", "problems found", "integer"),
        _c("result_code", "检查结果代码", "national result code")), _inspections),
    Dataset("rectifications", _("Rectifications"), (
        _c("id", "编号", "id", "integer"), _c("number", "通知书文号", "notice number"),
        _c("institution_name", "机构名称", "institution"),
        _c("institution_code", "统一社会信用代码", "unified social credit code"),
        _c("department_name", "下达机关", "issuing department"), _c("issued_on", "下达日期", "issued on", "date"),
        _c("deadline", "整改期限", "deadline", "date"), _c("status", "状态", "status"),
        _c("closed_on", "结案日期", "closed on", "date")), _rectifications),
    Dataset("penalties", _("Administrative penalties"), (
        _c("id", "编号", "id", "integer"), _c("party_name", "行政相对人名称", "party name"),
        _c("party_credit_code", "统一社会信用代码", "unified social credit code"),
        _c("decision_number", "行政处罚决定书文号", "decision number"),
        _c("violation_type", "违法行为类型", "type of violation"), _c("legal_basis", "处罚依据", "legal basis"),
        _c("category", "处罚类别", "penalty category"), _c("content", "处罚内容", "content of the penalty"),
        _c("fine", "罚款金额（万元）", "fine (10,000 yuan)", "decimal"),
        _c("decision_date", "处罚决定日期", "decision date", "date"),
        _c("publication_ends", "公示截止期", "end of publication", "date"),
        _c("department_name", "处罚机关", "deciding authority")), _penalties),
    Dataset("lists", _("Blacklist and watch list"), (
        _c("id", "编号", "id", "integer"), _c("list_kind", "名单", "list"), _c("ground", "列入事由", "ground"),
        _c("subject", "列入对象", "subject"), _c("institution_name", "机构名称", "institution"),
        _c("institution_code", "统一社会信用代码", "unified social credit code"),
        _c("decision_number", "决定书文号", "decision number"), _c("listed_on", "列入日期", "listed on", "date"),
        _c("publication_ends_on", "公示截止期", "end of publication", "date"),
        _c("department_name", "决定机关", "deciding department")), _lists),
)}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_json_rows(dataset: Dataset, rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        item = {}
        for column in dataset.columns:
            value = row.get(column.key)
            if column.type == "date" and value is not None:
                value = value.isoformat()
            elif column.type == "decimal" and value is not None:
                value = str(value)
            item[column.key] = value
        out.append(item)
    return out


def as_csv(dataset: Dataset, rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"{c.zh} {c.en}" for c in dataset.columns])
    for row in rows:
        writer.writerow([_text(row.get(c.key)) for c in dataset.columns])
    return "\ufeff" + buffer.getvalue()  # a BOM: spreadsheet programs then read the Chinese right
