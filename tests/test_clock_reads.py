"""Product code asks for today and now only through supervision.core.clock.

A direct read of the wall clock (`timezone.now()`, `timezone.localdate()`, `date.today()`,
`datetime.now()`...) is a date that neither a test nor the demo can move, and a test that passes
today and fails next year. The check reads the sources' syntax trees, so a word in a comment or a
docstring does not count, and `timezone.localdate(value)` (a conversion, not a read) is fine.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("supervision", "workflows")
# The one module that reads the clock; migrations are history and record defaults as they were.
ALLOWED = {Path("supervision/core/clock.py")}

# name of the object → methods that read the clock whatever their arguments
_READS = {
    "timezone": {"now"},
    "datetime": {"now", "utcnow", "today"},
    "date": {"today"},
    "time": {"time", "localtime", "gmtime"},
}
# django.utils.timezone functions that read the clock when called without a value
_READS_WITHOUT_VALUE = {"localdate", "localtime"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, expression) for every read of the wall clock in `source` not made through clock."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            owner = _dotted(node.value).rsplit(".", 1)[-1]
            if node.attr in _READS.get(owner, ()):
                found.append((node.lineno, _dotted(node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = _dotted(node.func.value).rsplit(".", 1)[-1]
            if owner == "timezone" and node.func.attr in _READS_WITHOUT_VALUE and not node.args and not node.keywords:
                found.append((node.lineno, f"{_dotted(node.func)}()"))
        elif isinstance(node, ast.ImportFrom) and node.module in ("django.utils.timezone", "time"):
            for alias in node.names:
                if alias.name in {"now", "localdate", "localtime", "time", "gmtime"}:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
    return sorted(found)


def product_sources():
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative in ALLOWED:
                continue
            yield relative, path.read_text(encoding="utf-8")


def test_product_code_reads_the_date_and_time_only_through_the_clock_module():
    offenders = [
        f"{relative}:{line}: {expression}"
        for relative, source in product_sources()
        for line, expression in clock_reads(source)
    ]
    assert not offenders, "use supervision.core.clock.today() / clock.now() instead:\n" + "\n".join(offenders)


def test_the_check_catches_every_way_of_reading_the_wall_clock():
    source = (
        "import datetime as dt\n"
        "from datetime import date, datetime\n"
        "from django.utils import timezone\n"
        "from django.utils.timezone import now\n"
        "a = timezone.now()\n"
        "b = timezone.localdate()\n"
        "c = timezone.localtime()\n"
        "d = date.today()\n"
        "e = dt.date.today()\n"
        "f = datetime.now()\n"
        "g = dt.datetime.now(dt.timezone.utc)\n"
        "h = models.DateTimeField(default=timezone.now)\n"
    )
    assert [line for line, _ in clock_reads(source)] == [4, 5, 6, 7, 8, 9, 10, 11, 12]


def test_the_check_lets_conversions_and_the_clock_module_through():
    source = (
        '"""Never call timezone.now() here."""\n'
        "from django.utils import timezone\n"
        "from supervision.core import clock\n"
        "a = clock.now()\n"
        "b = clock.today()\n"
        "c = timezone.localdate(a)\n"
        "d = timezone.localtime(value=a).date()\n"
        "e = models.DateTimeField(default=clock.now)\n"
        "# date.today() in a comment\n"
    )
    assert clock_reads(source) == []
