"""What is wrong with an uploaded spreadsheet: a problem per cell, or one for the file as a whole.

Shared by every bulk import (institutions in registry, inspectors in staff). No Django import.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    row: int | None  # as the spreadsheet shows it (header = 1); None for the file as a whole
    column: str
    value: str
    message: str
    position: int = 0  # of the column in the file, to list a row's problems left to right

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


class ImportFileError(Exception):
    """The file as a whole cannot be used: wrong type, unreadable encoding, missing columns."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def file_error(message: str) -> ImportFileError:
    return ImportFileError([Problem(None, "", "", message)])


class CellError(ValueError):
    """A cell's value cannot be used; the message says why."""

