"""The landing page's chart of several series: its scale, and what it says without colour."""

from __future__ import annotations

from datetime import date

import pytest

from staff.admin_base.charts import (
    Series,
    SeriesChart,
    days_from_today_text,
    percent,
    share_text,
    week_long_label,
)


def _chart(*series: Series, maximum: int | None = None) -> SeriesChart:
    return SeriesChart(
        key="k",
        caption="c",
        summary="s",
        labels=["a", "b", "c"],
        long_labels=["A", "B", "C"],
        series=list(series),
        table_headers=["Java"],
        table_rows=[],
        unit="%" if maximum == 100 else "",
        maximum=maximum,
    )


def test_a_rate_is_drawn_on_a_fixed_scale_and_an_unmeasured_week_is_no_bar():
    chart = _chart(Series(name="Lejuan", values=[50, None, 1]), maximum=100)
    heights = [group.bars[0].height for group in chart.groups]
    assert heights == [50, 0, 1]
    assert [group.bars[0].title for group in chart.groups] == [
        "A: Lejuan 50%",
        "B: Lejuan —",
        "C: Lejuan 1%",
    ]
    assert [line.label for line in chart.grid] == ["0%", "50%", "100%"]


def test_series_are_told_apart_by_fill_and_share_the_baseline():
    chart = _chart(Series(name="Po", values=[3, 0, 6]), Series(name="Jo", values=[1, 2, 0]))
    first = chart.groups[0].bars
    assert [bar.style for bar in first] == ["solid", "hatched"]
    assert first[1].x == first[0].x + chart.bar_width
    assert all(bar.y + bar.height == chart.baseline for group in chart.groups for bar in group.bars)
    assert chart.top == 6 and chart.groups[2].bars[0].height == 100


def test_a_chart_refuses_series_that_do_not_fit_its_weeks():
    with pytest.raises(ValueError):
        _chart(Series(name="Po", values=[1, 2]))
    with pytest.raises(ValueError):
        _chart(*[Series(name=str(n), values=[1, 2, 3]) for n in range(4)])


def test_the_texts_under_and_beside_the_chart():
    assert percent(1, 3) == 33 and percent(0, 0) is None
    assert share_text(3, 4) == "3 (75%)" and share_text(0, 0) == "0"
    assert week_long_label(date(2026, 5, 11)) == "11.05.2026–17.05.2026"
    today = date(2026, 5, 13)
    assert days_from_today_text(today, today=today) == "sot"
    assert days_from_today_text(date(2026, 5, 14), today=today) == "pas 1 dite"
    assert days_from_today_text(date(2026, 5, 10), today=today) == "3 ditë më parë"
