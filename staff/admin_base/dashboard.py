"""The registration point for the panels on the back office's landing page.

Each app registers its own panels from its admin.py with `dashboard_panel_add`, naming
the permission that shows them; the landing page shows a staff member, in order, the
panels their permissions allow, and staff imports none of those apps. A panel reads
through its app's selectors with a constant number of queries, and shows counts,
money, dates and record numbers: never a customer's personal data.

What a panel shows is built from a few parts the landing page knows how to draw:
figures, a table, a bar chart and a chart of several series (`charts`): inline SVG
drawn on the server, with its data as a table for screen readers and for anyone
without images.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from staff.admin_base.charts import SeriesChart

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Figure:
    """One number with what it counts, and where to see the records behind it."""

    label: StrOrPromise
    value: str
    url: str = ""
    # Something to act on now (an overdue request, orders waiting): drawn to stand out.
    urgent: bool = False


@dataclass(frozen=True)
class Figures:
    template: ClassVar[str] = "admin/dashboard/figures.html"

    items: Sequence[Figure]


@dataclass(frozen=True)
class TableRow:
    cells: Sequence[str]
    # The first cell links here when given.
    url: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class Table:
    template: ClassVar[str] = "admin/dashboard/table.html"

    caption: StrOrPromise
    headers: Sequence[StrOrPromise]
    rows: Sequence[TableRow]
    empty: StrOrPromise = ""


@dataclass(frozen=True)
class Bar:
    """One bar: its short label under the axis, its value, and the full label in the table."""

    label: str
    value: int
    long_label: str = ""


@dataclass(frozen=True)
class BarColumn:
    """Where a bar is drawn on the chart's fixed grid."""

    bar: Bar
    x: int
    y: int
    height: int
    centre: int


CHART_WIDTH_PER_BAR = 40
CHART_BAR_WIDTH = 28
CHART_PLOT_HEIGHT = 120
# Room above the tallest bar for its value, and below the axis for the labels.
CHART_TOP = 16
CHART_BOTTOM = 20


@dataclass(frozen=True)
class BarChart:
    """A bar chart drawn on the server as SVG: no script, no file from anyone else."""

    template: ClassVar[str] = "admin/dashboard/bar_chart.html"

    key: str
    caption: StrOrPromise
    label_header: StrOrPromise
    value_header: StrOrPromise
    bars: Sequence[Bar]

    @property
    def width(self) -> int:
        return max(len(self.bars), 1) * CHART_WIDTH_PER_BAR

    @property
    def bar_width(self) -> int:
        return CHART_BAR_WIDTH

    @property
    def height(self) -> int:
        return CHART_TOP + CHART_PLOT_HEIGHT + CHART_BOTTOM

    @property
    def baseline(self) -> int:
        return CHART_TOP + CHART_PLOT_HEIGHT

    @property
    def label_y(self) -> int:
        return self.height - 6

    @property
    def columns(self) -> list[BarColumn]:
        top = max((bar.value for bar in self.bars), default=0)
        columns = []
        for index, bar in enumerate(self.bars):
            height = round(bar.value / top * CHART_PLOT_HEIGHT) if top else 0
            # A day with orders never looks like a day without.
            if bar.value and not height:
                height = 1
            x = index * CHART_WIDTH_PER_BAR + (CHART_WIDTH_PER_BAR - CHART_BAR_WIDTH) // 2
            columns.append(
                BarColumn(
                    bar=bar,
                    x=x,
                    y=self.baseline - height,
                    height=height,
                    centre=index * CHART_WIDTH_PER_BAR + CHART_WIDTH_PER_BAR // 2,
                )
            )
        return columns

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


PanelPart = Figures | Table | BarChart | SeriesChart


@dataclass(frozen=True)
class DashboardPanel:
    """A panel of the landing page, shown to staff holding `permission`."""

    key: str
    title: StrOrPromise
    permission: str
    parts: Callable[[HttpRequest], Sequence[PanelPart]]
    # Lower first; panels of one app keep their registration order among equals.
    position: int = 100
    more_url: Callable[[], str] | None = None
    more_label: StrOrPromise = ""


@dataclass(frozen=True)
class ShownPanel:
    panel: DashboardPanel
    parts: Sequence[PanelPart] = field(default_factory=tuple)
    more_url: str = ""

    @property
    def key(self) -> str:
        return self.panel.key

    @property
    def title(self) -> StrOrPromise:
        return self.panel.title


_panels: list[DashboardPanel] = []


def dashboard_panel_add(panel: DashboardPanel) -> DashboardPanel:
    """Show `panel` on the landing page to staff with its permission; call it from admin.py."""
    if not panel.permission:
        raise ImproperlyConfigured(f"Dashboard panel {panel.key!r} names no permission.")
    # One panel per key: registering a key again replaces the panel it named.
    _panels[:] = [added for added in _panels if added.key != panel.key]
    _panels.append(panel)
    return panel


def dashboard_panels() -> list[DashboardPanel]:
    """Return every registered panel, in the order the landing page shows them."""
    return sorted(_panels, key=lambda panel: panel.position)


def dashboard_panels_for(request: HttpRequest) -> list[ShownPanel]:
    """Return the panels this staff member may see, each with what it shows now."""
    user: Any = request.user
    return [
        ShownPanel(
            panel=panel,
            parts=panel.parts(request),
            more_url=panel.more_url() if panel.more_url else "",
        )
        for panel in dashboard_panels()
        if user.has_perm(panel.permission)
    ]
