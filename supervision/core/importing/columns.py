"""Which file column holds which field (headers and their synonyms), and checking one row cell by cell."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from supervision.core.importing.problems import CellError, Problem, file_error
from supervision.core.importing.reading import ENCODINGS

BATCH_SIZE = 1000  # rows per INSERT
PROGRESS_EVERY = 500  # rows between progress reports while checking


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]  # the first is the one in the blank template; the rest are synonyms
    required: bool = False
    values: tuple[str, ...] = ()  # accepted values, for the template's notes


def header_key(header: str) -> str:
    """Headers compare without spaces (also full-width), case, underscores, '*' or a unit note."""
    text = re.sub(r"[（(][^（()）]*[）)]$", "", "".join(str(header).split()))
    return text.replace("*", "").replace("_", "").lower()


@dataclass
class ColumnUse:
    """What the import does with one column of the file: shown to the clerk in the dry run."""

    position: int
    header: str
    key: str | None  # the field it goes to; None: ignored
    how: str  # "recognised" (a known header), "mapped" (by the clerk), "ignored" (by the clerk), "unknown"

    def as_dict(self) -> dict:
        return {"position": self.position, "header": self.header, "key": self.key, "how": self.how}


@dataclass
class Layout:
    columns: tuple[Column, ...]
    index: dict[str, int]  # column key → position in the file
    headers: dict[str, str]  # column key → header as written in the file
    uses: list[ColumnUse] = field(default_factory=list)  # every column of the file, in order
    problems: list[Problem] = field(default_factory=list)  # about the columns: missing, repeated

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.headers[0] for c in self.columns if c.key == key)

    def has(self, key: str) -> bool:
        return key in self.index

    @property
    def ignored(self) -> list[ColumnUse]:
        return [use for use in self.uses if use.key is None]


def headers_signature(headers: list[str]) -> str:
    """The shape of a file: its set of headers, compared as header_key compares them."""
    import hashlib

    keys = sorted({header_key(h) for h in headers if h})
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def map_columns(headers: list[str], columns: tuple[Column, ...], chosen: dict[str, str] | None = None) -> Layout:
    """Which file column holds which field. ``chosen`` is the clerk's mapping (header → field key,
    or "" to ignore it), which wins over the recognised synonyms. Missing required columns and
    repeated fields are listed in layout.problems; ImportFileError only when nothing is recognised."""
    by_synonym = {header_key(h): column for column in columns for h in column.headers}
    by_key = {column.key: column for column in columns}
    chosen = {header_key(h): key for h, key in (chosen or {}).items()}
    layout = Layout(columns, {}, {})
    for position, header in enumerate(headers):
        if not header:
            continue
        if header_key(header) in chosen:
            column = by_key.get(chosen[header_key(header)])
            how = "mapped" if column else "ignored"
        else:
            column = by_synonym.get(header_key(header))
            how = "recognised" if column else "unknown"
        if column is not None and column.key in layout.index:
            layout.problems.append(Problem(1, header, header, _(
                "Columns “%(first)s” and “%(second)s” mean the same thing; keep only one."
            ) % {"first": layout.headers[column.key], "second": header}, position))
            column = None
        layout.uses.append(ColumnUse(position, header, column.key if column else None, how))
        if column is not None:
            layout.index[column.key], layout.headers[column.key] = position, header
    if not layout.index:
        raise file_error(_(
            "The first row holds none of the expected column headers (%(expected)s). If this is a CSV file, "
            "it may be saved in an encoding other than those tried (%(encodings)s)."
        ) % {"expected": "、".join(c.headers[0] for c in columns if c.required), "encodings": ", ".join(ENCODINGS)})
    for column in columns:
        if column.required and column.key not in layout.index:
            layout.problems.append(Problem(1, column.headers[0], "", _(
                "The required column “%(column)s” is missing (also accepted: %(synonyms)s)."
            ) % {"column": column.headers[0], "synonyms": ", ".join(column.headers[1:])}, len(headers)))
    return layout


MAX_CELL_CHARS = 32767  # Excel's own limit for a cell
_SHOWN_CHARS = 200  # of a value in the report


class RowCheck:
    """One data row being checked: reads cells by column key and collects what is wrong.

    Every cell is checked even when an earlier one failed, so the dry run lists every problem
    of the row at once; ``failed`` keeps the keys already reported, so none is reported twice.
    """

    def __init__(self, number: int, cells: list[str], layout: Layout, problems: list[Problem]):
        self.number, self.cells, self.layout, self.problems = number, cells, layout, problems
        self.ok = True
        self.failed: set[str] = set()

    def text(self, key: str) -> str:
        position = self.layout.index.get(key)
        return self.cells[position] if position is not None and position < len(self.cells) else ""

    def fail(self, key: str, message: str) -> None:
        if key in self.failed:
            return
        position = self.layout.index.get(key, len(self.cells))
        value = self.text(key)
        if len(value) > _SHOWN_CHARS:
            value = value[:_SHOWN_CHARS] + "…"
        self.problems.append(Problem(self.number, self.layout.header(key), value, str(message), position))
        self.failed.add(key)
        self.ok = False

    def get(self, key: str, parse: Callable | None = None, *, required: bool = False):
        """The cell parsed, or None when it is empty or wrong (and then the problem is recorded).

        A required column missing from the file is reported once for the file (map_columns), not per row.
        """
        text = self.text(key)
        if not text:
            if required and self.layout.has(key):
                self.fail(key, _("This cell is empty, but the column is required."))
            return None
        if len(text) > MAX_CELL_CHARS:
            self.fail(key, _("This cell holds %(length)d characters; a spreadsheet cell holds at most %(limit)d. "
                             "Were several cells pasted into one?") % {"length": len(text), "limit": MAX_CELL_CHARS})
            return None
        if parse is None:
            return text
        try:
            return parse(text)
        except CellError as error:
            self.fail(key, str(error))
            return None


# --- across rows ------------------------------------------------------------------------


def firsts(names: dict) -> tuple[str, ...]:
    return tuple(aliases[0] for aliases in names.values())


def flag_repeats(checks: list[RowCheck], key: str, identity: Callable[[RowCheck], object], message: str) -> None:
    """Report each row that repeats an earlier row of the file, naming the earlier row."""
    first_seen: dict[object, int] = {}
    for check in checks:
        value = identity(check)
        if not value:
            continue
        if value in first_seen:
            check.fail(key, message % {"row": first_seen[value]})
        else:
            first_seen[value] = check.number


def chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]
