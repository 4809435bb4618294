"""Export a (filtered, jurisdiction-scoped) queryset to CSV or XLSX."""

import csv
import datetime
import io
from collections.abc import Callable, Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from supervision.core import clock

Column = tuple[str, Callable[[object], object]]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _rows(objects: Iterable, columns: list[Column]):
    yield [str(header) for header, _ in columns]
    for obj in objects:
        yield [_cell(getter(obj)) for _, getter in columns]


class _Echo:
    def write(self, value):
        return value


def export_response(objects: Iterable, columns: list[Column], fmt: str, filename: str) -> HttpResponse:
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        writer = csv.writer(_Echo())
        # BOM first so Excel opens the UTF-8 file with the Chinese intact.
        body = (["\ufeff"], (writer.writerow(row) for row in _rows(objects, columns)))
        response = StreamingHttpResponse(
            (chunk for part in body for chunk in part), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    for row in _rows(objects, columns):
        sheet.append([str(v) if not isinstance(v, (int, float, str)) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
