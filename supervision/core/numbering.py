"""Document numbers (文号): gapless per department, document type and year, e.g. 示民整改〔2026〕17号.

Call `next_document_number` inside the same `transaction.atomic()` block that saves the
document it numbers. The counter row stays locked (SELECT … FOR UPDATE) until that transaction
ends, so two notices issued at the same moment queue for it and never share a number; and if
the transaction rolls back, the counter rolls back with it and the number is issued again to
the next document — no gaps. Called outside a transaction it would commit the number on its
own and a later failure would leave a gap, so that is refused.

On SQLite `select_for_update` does nothing and concurrent writers get "database is locked";
production runs PostgreSQL.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

from supervision.core import clock
from supervision.core.models import Department, DocumentCounter, DocumentType


@dataclass(frozen=True)
class IssuedNumber:
    text: str  # 示民整改〔2026〕17号
    n: int  # 17
    year: int  # 2026


def next_document_number(department: Department, doc_type_code: str, year: int | None = None) -> IssuedNumber:
    """Take the next number of the department's series for this document type and year."""
    if not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        raise RuntimeError(
            "next_document_number must run inside transaction.atomic() with the document it numbers, "
            "or a failure after it would leave a gap."
        )
    year = year or clock.today().year
    doc_type = DocumentType.objects.get(code=doc_type_code)
    # get_or_create creates the year's row in a savepoint; if another transaction creates it at
    # the same moment, the unique constraint makes ours wait for theirs and fail, and
    # get_or_create then reads (and locks) the row they made.
    counter, _ = DocumentCounter.objects.select_for_update().get_or_create(
        department=department, doc_type=doc_type, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    n = counter.last_number
    return IssuedNumber(text=doc_type.format_number(department, year, n), n=n, year=year)
