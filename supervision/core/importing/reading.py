"""Reading an upload (bytes) into a Table of text cells: CSV in UTF-8 or GB18030, or the first sheet of an XLSX.

The file is recognised by its content, not its name.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from supervision.core.importing.problems import file_error

ENCODINGS = ("UTF-8", "GB18030")  # tried in this order; GB18030 is a superset of the GBK Excel saves
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls workbooks

@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as shown in the spreadsheet, cells as text)


def read_table(data: bytes) -> Table:
    """The first sheet of an XLSX workbook or a CSV file, recognised by content, not by name."""
    if not data:
        raise file_error(_("The file is empty."))
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_OLE_MAGIC):
        raise file_error(
            _("This is an old-style Excel workbook (.xls). Save it as .xlsx or as CSV and upload it again.")
        )
    return _read_csv(_decode(data))


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            text = data.decode("utf-8-sig" if encoding == "UTF-8" else encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # UTF-16 or a binary file: it "decodes" but is not text in any encoding tried
        return text
    raise file_error(
        _("The file is neither an XLSX workbook nor a CSV text in one of the encodings tried (%(encodings)s). "
          "In Excel, save it as “CSV UTF-8” or as an .xlsx workbook.") % {"encodings": ", ".join(ENCODINGS)}
    )


def _read_csv(text: str) -> Table:
    try:
        dialect = csv.Sniffer().sniff(text[:4096].partition("\n")[0], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # The csv module refuses fields over 128 KiB by default and the whole check would stop; read
    # them, so that RowCheck reports the over-long cell with its row and column.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    records = csv.reader(io.StringIO(text, newline=""), dialect)
    return _table(list(records))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise file_error(_("This file is a ZIP archive but not an Excel .xlsx workbook.")) from None
    try:
        if not workbook.worksheets:
            raise file_error(_("The workbook has no worksheet."))
        records = [[_cell_text(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(records)


def _table(records: list[list]) -> Table:
    if not records or not any(str(c).strip() for c in records[0]):
        raise file_error(_("The first row is empty; it must hold the column headers."))
    headers = [str(c).strip() for c in records[0]]
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [str(c).strip() for c in record]
        if any(cells):  # Excel often leaves formatted but empty rows at the end
            rows.append((number, cells))
    return Table(headers, rows)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and abs(value) >= 1e15:
        # Excel keeps 15 significant digits: an 18-digit code typed as a number has lost its last
        # digits. Show it as Excel does (9.13101E+17), so a code parser can say so (cells.lost_digits).
        return format(value, ".15G")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 120 and 13800000000 as floats
    return str(value).strip()

