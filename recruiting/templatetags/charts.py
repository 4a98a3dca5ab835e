"""Server-rendered SVG bar charts, drawn from the same rows as the table beside them."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template

register = template.Library()

ROW_HEIGHT = 28
TWO_LINE_ROW_HEIGHT = 40  # every row, when any label needs a second line
LINE_HEIGHT = 14
BAR_HEIGHT = 18
LABEL_WIDTH = 210
BAR_WIDTH = 230
VALUE_WIDTH = 60
COUNT_WIDTH = 60  # more room for the value when it carries its count ("50.0% · 1/2")
LABEL_CHARS = 26  # per line: what fits LABEL_WIDTH at the chart's 13px, with room to spare


@dataclass(frozen=True)
class Bar:
    label: str
    lines: list[str]
    value: float | None
    shown: str
    y: int
    width: str  # the bar's length in SVG units, formatted here so that no locale changes the decimal point


def _read(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    number = f"{value:.1f}" if isinstance(value, float) else str(value)  # as the tables show it
    return f"{number}{unit}"


def wrap(text: str, chars: int = LABEL_CHARS) -> list[str]:
    """A label on one or two lines of at most `chars` characters, broken between words. A label longer
    still keeps its end (what tells "… · step 1" from "… · step 2"): the first line is cut short instead."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = [line if len(line) <= chars else line[: chars - 1] + "…" for line in lines] or [""]
    if len(lines) <= 2:
        return lines
    head = " ".join(lines[:-1])
    return [head[: chars - 1] + "…", lines[-1]]


@register.inclusion_tag("recruiting/_bar_chart.html")
def bar_chart(
    rows: Iterable[Any],
    *,
    label: str,
    value: str,
    title: str,
    unit: str = "",
    maximum: float | None = None,
    count: str = "",
    total: str = "",
) -> dict[str, Any]:
    """A horizontal bar chart of `value` per `label` (attribute or key names of each row).

    `maximum` fixes the scale (100 for percentages); by default the longest bar is the largest value.
    Missing values (None) draw no bar and show a dash. A rate names its `count` and `total` fields, shown
    beside it ("50.0% · 1/2"): a rate from two sends is not one from two hundred. Labels wrap onto two lines.
    """
    rows = list(rows)
    values = [_read(row, value) for row in rows]
    top = maximum or max((v for v in values if v is not None), default=0) or 1
    labels = [str(_read(row, label)) for row in rows]
    wrapped = [wrap(text) for text in labels]
    row_height = TWO_LINE_ROW_HEIGHT if any(len(lines) > 1 for lines in wrapped) else ROW_HEIGHT
    value_width = VALUE_WIDTH + (COUNT_WIDTH if count and total else 0)
    bars = []
    for index, (row, number) in enumerate(zip(rows, values, strict=True)):
        shown = _shown(number, unit)
        if count and total and number is not None:
            shown += f" · {_read(row, count)}/{_read(row, total)}"
        bars.append(
            Bar(
                label=labels[index],
                lines=wrapped[index],
                value=number,
                shown=shown,
                y=index * row_height,
                width=f"{BAR_WIDTH * (number or 0) / top:.1f}",
            )
        )
    return {
        "bars": bars,
        "title": title,
        "height": max(len(bars), 1) * row_height,
        "width": LABEL_WIDTH + BAR_WIDTH + value_width,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "bar_height": BAR_HEIGHT,
        "bar_y": (row_height - BAR_HEIGHT) // 2,
        "text_y": row_height // 2,
        "first_line_y": row_height // 2 - LINE_HEIGHT // 2,
        "line_height": LINE_HEIGHT,
        "value_x": LABEL_WIDTH + BAR_WIDTH + 6,
    }
