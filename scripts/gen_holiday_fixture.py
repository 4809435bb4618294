"""Generate fixtures/holidays/cn-2004-2026.json from the `chinesecalendar` package (run once).

    .venv/bin/python scripts/gen_holiday_fixture.py [OUTPUT]

For each year 2004–2026 the file lists the days that break the Monday–Friday rule: public
holidays on weekdays (is_working_day false) and make-up working days on weekends (调休上班,
is_working_day true), each with its Chinese name. It is the shape `manage.py import_holidays`
reads, and migration core/0004 loads it, so the running system never needs chinesecalendar.
tests/test_holiday_calendar.py checks the file against chinesecalendar day by day.
"""

import datetime as dt
import json
import sys
from importlib.metadata import version
from pathlib import Path

import chinese_calendar
from chinese_calendar.constants import Holiday

FIRST_YEAR, LAST_YEAR = 2004, 2026
DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "fixtures" / "holidays" / f"cn-{FIRST_YEAR}-{LAST_YEAR}.json"


def chinese_name(english: str | None) -> str:
    return Holiday(english).chinese if english else "休息日"


def year_entry(year: int, source: str) -> dict:
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        working = chinese_calendar.is_workday(day)
        if working != (day.weekday() < 5):
            _, english = chinese_calendar.get_holiday_detail(day)
            name = chinese_name(english)
            days.append({
                "date": day.isoformat(),
                "is_working_day": working,
                "name": f"{name}调休上班" if working else name,
            })
        day += dt.timedelta(days=1)
    return {"year": year, "published_on": None, "source": source, "days": days}


def dumps(years: list[dict]) -> str:
    """JSON with one line per day, so a year reads (and diffs) like the State Council notice."""
    def line(value):
        return json.dumps(value, ensure_ascii=False)

    blocks = []
    for entry in years:
        head = ", ".join(f"{line(k)}: {line(v)}" for k, v in entry.items() if k != "days")
        days = ",\n".join(f"   {line(day)}" for day in entry["days"])
        blocks.append(f" {{{head}, \"days\": [\n{days}\n ]}}")
    return "[\n" + ",\n".join(blocks) + "\n]\n"


def main(output: Path) -> None:
    source = f"chinesecalendar {version('chinesecalendar')}（国务院办公厅各年部分节假日安排的通知）"
    years = [year_entry(year, source) for year in range(FIRST_YEAR, LAST_YEAR + 1)]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(dumps(years), encoding="utf-8")
    print(f"{output}: {sum(len(y['days']) for y in years)} days in {len(years)} years")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
