"""Server-rendered SVG bar charts, drawn from the same rows as the table beside them."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template

register = template.Library()

ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 180
BAR_WIDTH = 250
VALUE_WIDTH = 60
LABEL_CHARS = 24


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
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


@register.inclusion_tag("recruiting/_bar_chart.html")
def bar_chart(
    rows: Iterable[Any], *, label: str, value: str, title: str, unit: str = "", maximum: float | None = None
) -> dict[str, Any]:
    """A horizontal bar chart of `value` per `label` (attribute or key names of each row).

    `maximum` fixes the scale (100 for percentages); by default the longest bar is the largest value.
    Missing values (None) draw no bar and show a dash.
    """
    rows = list(rows)
    values = [_read(row, value) for row in rows]
    top = maximum or max((v for v in values if v is not None), default=0) or 1
    bars = []
    for index, (row, number) in enumerate(zip(rows, values, strict=True)):
        text = str(_read(row, label))
        bars.append(
            Bar(
                label=text,
                short_label=text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…",
                value=number,
                shown=_shown(number, unit),
                y=index * ROW_HEIGHT,
                width=f"{BAR_WIDTH * (number or 0) / top:.1f}",
            )
        )
    return {
        "bars": bars,
        "title": title,
        "height": max(len(bars), 1) * ROW_HEIGHT,
        "width": LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "bar_height": BAR_HEIGHT,
        "bar_y": (ROW_HEIGHT - BAR_HEIGHT) // 2,
        "text_y": ROW_HEIGHT // 2,
        "value_x": LABEL_WIDTH + BAR_WIDTH + 6,
    }
