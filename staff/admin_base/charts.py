"""A chart of a few series side by side per period (weeks), for the landing page's panels.

Drawn on the server as inline SVG: no script, no file from anyone else. Its series
differ by fill (solid, hatched, outlined), not by colour alone, each bar names its
period, series and value in a <title>, and the numbers are also a table beneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.utils.translation import gettext, ngettext

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Solid, hatched, outlined: the series a chart may hold, told apart without colour.
SERIES_STYLES = ("solid", "hatched", "outlined")

SERIES_BAR_WIDTH = 10
SERIES_GROUP_GAP = 12
SERIES_AXIS_WIDTH = 34
SERIES_LEGEND_HEIGHT = 18
SERIES_PLOT_TOP = SERIES_LEGEND_HEIGHT + 10
SERIES_PLOT_HEIGHT = 100
SERIES_BOTTOM = 18
SERIES_LEGEND_ENTRY_WIDTH = 150


@dataclass(frozen=True)
class Series:
    """One series: its name in the legend, and a value per period (None: nothing to measure)."""

    name: StrOrPromise
    values: Sequence[int | None]


@dataclass(frozen=True)
class SeriesBar:
    series: int
    style: str
    x: int
    y: int
    height: int
    title: str


@dataclass(frozen=True)
class SeriesGroup:
    label: str
    centre: int
    bars: Sequence[SeriesBar]


@dataclass(frozen=True)
class GridLine:
    y: int
    label: str


@dataclass(frozen=True)
class LegendEntry:
    name: StrOrPromise
    style: str
    x: int


@dataclass(frozen=True)
class SeriesChart:
    """Bars of up to three series per period, on a scale from 0 to `maximum`.

    `unit` follows each value ("%" for a rate, whose scale is 0–100). The table holds
    the chart's numbers as text, the period first: the caller writes its columns,
    which may say more than the bars (the count a rate was taken of).
    """

    template: ClassVar[str] = "admin/dashboard/series_chart.html"

    key: str
    caption: StrOrPromise
    summary: StrOrPromise
    # The short label under each group, and the full one the bar titles use.
    labels: Sequence[str]
    long_labels: Sequence[str]
    series: Sequence[Series]
    table_headers: Sequence[StrOrPromise]
    table_rows: Sequence[Sequence[str]]
    unit: str = ""
    # The top of the scale; None: the tallest value.
    maximum: int | None = None

    def __post_init__(self) -> None:
        if not 0 < len(self.series) <= len(SERIES_STYLES):
            raise ValueError(f"A series chart holds 1 to {len(SERIES_STYLES)} series.")
        if any(len(series.values) != len(self.labels) for series in self.series):
            raise ValueError("Every series needs one value per period.")

    @property
    def group_width(self) -> int:
        return len(self.series) * SERIES_BAR_WIDTH + SERIES_GROUP_GAP

    @property
    def bar_width(self) -> int:
        return SERIES_BAR_WIDTH

    @property
    def width(self) -> int:
        plot = SERIES_AXIS_WIDTH + max(len(self.labels), 1) * self.group_width
        return max(plot, SERIES_AXIS_WIDTH + len(self.series) * SERIES_LEGEND_ENTRY_WIDTH)

    @property
    def height(self) -> int:
        return SERIES_PLOT_TOP + SERIES_PLOT_HEIGHT + SERIES_BOTTOM

    @property
    def baseline(self) -> int:
        return SERIES_PLOT_TOP + SERIES_PLOT_HEIGHT

    @property
    def axis_x(self) -> int:
        return SERIES_AXIS_WIDTH

    @property
    def label_y(self) -> int:
        return self.height - 5

    @property
    def legend_y(self) -> int:
        return SERIES_LEGEND_HEIGHT - 6

    @property
    def top(self) -> int:
        if self.maximum is not None:
            return self.maximum
        return max((value or 0 for series in self.series for value in series.values), default=0)

    def _height_of(self, value: int) -> int:
        top = self.top
        if not top:
            return 0
        height = round(min(value, top) / top * SERIES_PLOT_HEIGHT)
        # A small count never looks like none.
        return max(height, 1) if value else 0

    @property
    def grid(self) -> list[GridLine]:
        top = self.top
        if not top:
            return [GridLine(y=self.baseline, label=f"0{self.unit}")]
        lines = [GridLine(y=self.baseline, label=f"0{self.unit}")]
        # Half way is labelled only where it is a whole number.
        if top % 2 == 0:
            half = self.baseline - SERIES_PLOT_HEIGHT // 2
            lines.append(GridLine(y=half, label=f"{top // 2}{self.unit}"))
        lines.append(GridLine(y=self.baseline - SERIES_PLOT_HEIGHT, label=f"{top}{self.unit}"))
        return lines

    @property
    def legend(self) -> list[LegendEntry]:
        return [
            LegendEntry(
                name=series.name,
                style=SERIES_STYLES[index],
                x=SERIES_AXIS_WIDTH + index * SERIES_LEGEND_ENTRY_WIDTH,
            )
            for index, series in enumerate(self.series)
        ]

    @property
    def groups(self) -> list[SeriesGroup]:
        groups = []
        for period, label in enumerate(self.labels):
            left = SERIES_AXIS_WIDTH + period * self.group_width + SERIES_GROUP_GAP // 2
            bars = []
            for index, series in enumerate(self.series):
                value = series.values[period]
                height = self._height_of(value or 0)
                shown = "—" if value is None else f"{value}{self.unit}"
                bars.append(
                    SeriesBar(
                        series=index,
                        style=SERIES_STYLES[index],
                        x=left + index * SERIES_BAR_WIDTH,
                        y=self.baseline - height,
                        height=height,
                        title=f"{self.long_labels[period]}: {series.name} {shown}",
                    )
                )
            groups.append(
                SeriesGroup(
                    label=label,
                    centre=left + len(self.series) * SERIES_BAR_WIDTH // 2,
                    bars=bars,
                )
            )
        return groups


def percent(part: int, whole: int) -> int | None:
    """Return `part` as a whole percentage of `whole`; None when there is no whole."""
    return round(part * 100 / whole) if whole else None


# How far back the landing page's weekly charts look.
CHART_WEEKS = 12


def week_label(monday: date) -> str:
    """Return a week's short label under the axis: its Monday, 12.05."""
    return monday.strftime("%d.%m")


def week_long_label(monday: date) -> str:
    """Return a week's full label: 12.05.2026–18.05.2026."""
    return f"{monday:%d.%m.%Y}–{monday + timedelta(days=6):%d.%m.%Y}"


def share_text(part: int, whole: int) -> str:
    """Return a count with its share of the whole, as a table shows it: 12 (60%)."""
    share = percent(part, whole)
    return str(part) if share is None else f"{part} ({share}%)"


def days_from_today_text(day: date, *, today: date) -> str:
    """Return how far a day is from today as a panel says it: sot, pas 3 ditësh, 2 ditë më parë."""
    days = (day - today).days
    if days == 0:
        return gettext("sot")
    if days > 0:
        return ngettext("pas %(days)d dite", "pas %(days)d ditësh", days) % {"days": days}
    return ngettext("%(days)d ditë më parë", "%(days)d ditë më parë", -days) % {"days": -days}
