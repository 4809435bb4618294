"""Which file column holds which field (headers and their synonyms), and checking one row cell by cell."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from supervision.core.importing.problems import CellError, ImportFileError, Problem, file_error
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
class Layout:
    columns: tuple[Column, ...]
    index: dict[str, int]  # column key → position in the file
    headers: dict[str, str]  # column key → header as written in the file

    def header(self, key: str) -> str:
        return self.headers.get(key) or next(c.headers[0] for c in self.columns if c.key == key)


def map_columns(headers: list[str], columns: tuple[Column, ...]) -> Layout:
    """Which file column holds which field; raises ImportFileError naming missing columns."""
    by_synonym = {header_key(h): column for column in columns for h in column.headers}
    layout, problems = Layout(columns, {}, {}), []
    for position, header in enumerate(headers):
        column = by_synonym.get(header_key(header)) if header else None
        if column is None:
            continue
        if column.key in layout.index:
            problems.append(Problem(1, header, header, _(
                "Columns “%(first)s” and “%(second)s” mean the same thing; keep only one."
            ) % {"first": layout.headers[column.key], "second": header}))
            continue
        layout.index[column.key], layout.headers[column.key] = position, header
    if not layout.index:
        raise file_error(_(
            "The first row holds none of the expected column headers (%(expected)s). If this is a CSV file, "
            "it may be saved in an encoding other than those tried (%(encodings)s)."
        ) % {"expected": "、".join(c.headers[0] for c in columns if c.required), "encodings": ", ".join(ENCODINGS)})
    for column in columns:
        if column.required and column.key not in layout.index:
            problems.append(Problem(1, column.headers[0], "", _(
                "The required column “%(column)s” is missing (also accepted: %(synonyms)s)."
            ) % {"column": column.headers[0], "synonyms": ", ".join(column.headers[1:])}))
    if problems:
        raise ImportFileError(problems)
    return layout


class RowCheck:
    """One data row being checked: reads cells by column key and collects what is wrong."""

    def __init__(self, number: int, cells: list[str], layout: Layout, problems: list[Problem]):
        self.number, self.cells, self.layout, self.problems = number, cells, layout, problems
        self.ok = True

    def text(self, key: str) -> str:
        position = self.layout.index.get(key)
        return self.cells[position] if position is not None and position < len(self.cells) else ""

    def fail(self, key: str, message: str) -> None:
        position = self.layout.index.get(key, len(self.cells))
        self.problems.append(Problem(self.number, self.layout.header(key), self.text(key), str(message), position))
        self.ok = False

    def get(self, key: str, parse: Callable | None = None, *, required: bool = False):
        """The cell parsed, or None when it is empty or wrong (and then the problem is recorded)."""
        text = self.text(key)
        if not text:
            if required:
                self.fail(key, _("This cell is empty, but the column is required."))
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
