"""Charts drawn on the server as SVG: horizontal bars, one per figure, each a link to its list.

No script and no library: the markup is built here, every text escaped, sized by a viewBox so it
scales to a tablet's width. The chart is an image with a title and a description (its text
alternative); the page shows the table behind it as well.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

ROW = 44  # per bar: a touch target on a tablet
LABEL_WIDTH = 330
BAR_WIDTH = 340
VALUE_WIDTH = 80
WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH


FONT = 20  # the label's size in the viewBox's units (dashboard.css)


def _em(char: str) -> float:
    return 1.0 if ord(char) > 0x2E7F else 0.58  # CJK full width; Latin about half


def fit(label: str, width: float = LABEL_WIDTH - 12) -> str:
    """The label, cut with an ellipsis where it would run out of the label column (the table has it whole)."""
    budget, used = width / FONT, 0.0
    for i, char in enumerate(label):
        used += _em(char)
        if used > budget:
            return label[: max(i - 1, 1)] + "…"
    return label


def describe(chart) -> str:
    """The text alternative: every figure in words."""
    parts = [f"{f.label}: {f.value}" for f in chart.figures]
    return _("%(title)s. %(figures)s.") % {"title": chart.title, "figures": "; ".join(parts) or _("no data")}


def bar_chart(chart) -> str:
    top = max((f.value for f in chart.figures), default=0) or 1
    height = ROW * max(len(chart.figures), 1) + 8
    title_id, desc_id = f"chart-{chart.key}-title", f"chart-{chart.key}-desc"
    parts = [
        f'<svg class="dashboard-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(chart))}</desc>',
    ]
    for i, figure in enumerate(chart.figures):
        y = 4 + i * ROW
        length = round(BAR_WIDTH * figure.value / top) if figure.value else 0
        row = (
            f'<text class="dashboard-chart__label" x="{LABEL_WIDTH - 8}" y="{y + ROW / 2}"><title>{escape(figure.label)}</title>{escape(fit(figure.label))}</text>'
            f'<rect class="dashboard-chart__bar" x="{LABEL_WIDTH}" y="{y + 8}" width="{length}" height="{ROW - 16}"/>'
            f'<text class="dashboard-chart__value" x="{LABEL_WIDTH + length + 6}" y="{y + ROW / 2}">{figure.value}</text>'
        )
        if figure.url:
            row = f'<a href="{escape(figure.url)}">{row}</a>'
        parts.append(row)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
