"""The Gantt rows (views/gantt.py) and their inline drawing (render/gantt.py) on the
example plans: the year plan has a working-day calendar and forecasts (SPEC §5.3–5.4)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from plancode.render.gantt import gantt_html
from plancode.render.labels import Labels
from plancode.views.gantt import workstream_gantt
from plancode.workspace import load_config, load_workspace

REPO = Path(__file__).resolve().parents[2]


def plan_of(folder: Path):
    config = load_config(None, folder)
    return load_workspace(config, cwd=folder).plan


@pytest.fixture(scope="module")
def year():
    return plan_of(REPO / "examples" / "year")


def test_non_working_days_are_shaded_with_a_calendar(year):
    gantt = workstream_gantt(year, "douyin-2026", Labels("zh-CN"))
    off = {day for first, last in gantt.shaded for day in _days(first, last)}
    assert {dt.date(2026, 5, 16), dt.date(2026, 5, 17)} <= off  # a plain weekend
    assert dt.date(2026, 6, 18) in off  # extra_holidays: 618, a Thursday
    assert dt.date(2026, 5, 20) not in off  # as_of, a Wednesday
    html = gantt_html(gantt, Labels("zh-CN"), lambda row: "", "x")
    assert html.count('class="g-off"') == len(gantt.shaded) > 0


def test_without_a_calendar_nothing_is_shaded():
    plan = plan_of(REPO)
    gantt = workstream_gantt(plan, "douyin-live", Labels("zh-CN"))
    assert gantt.shaded == ()
    assert 'class="g-off"' not in gantt_html(gantt, Labels("zh-CN"), lambda row: "", "x")


def test_a_plan_without_section_5_keys_draws_no_forecast():
    """SPEC §5: its keys change no output of a plan that does not use them. The examples'
    forecast differs from the plan for some tasks (the model computes it for every plan),
    but, as in their task tables and export, the Gantt draws only the plan."""
    plan = plan_of(REPO)
    assert not plan.year
    moved = [t for t in plan.tasks.values()
             if t.forecast_end and (t.forecast_start, t.forecast_end) != (t.start, t.end)]
    assert moved  # there would be something to draw
    for workstream in {t.workstream for t in moved}:
        gantt = workstream_gantt(plan, workstream, Labels("zh-CN"))
        assert not [row for row in gantt.rows if row.forecast]
        assert 'class="g-forecast"' not in gantt_html(gantt, Labels("zh-CN"), lambda row: "", "x")


def test_forecasts_that_differ_from_the_plan_are_drawn_and_titled(year):
    gantt = workstream_gantt(year, "douyin-2026", Labels("zh-CN"))
    moved = [row.task.full_id for row in gantt.rows
             if row.task.forecast_end and (row.task.forecast_start, row.task.forecast_end) != (row.task.start, row.task.end)]
    assert moved and [row.task.full_id for row in gantt.rows if row.forecast] == moved
    html = gantt_html(gantt, Labels("zh-CN"), lambda row: "#" + row.task.id, "x")
    assert html.count('class="g-forecast"') == len(moved)
    titles = dict(re.findall(r'<g class="g-bar" data-task="([^"]+)"><title>([^<]*)</title>', html))
    for full_id in moved:
        task = year.tasks[full_id]
        label = Labels("zh-CN")("gantt.forecast")
        assert f"{label}: {task.forecast_start.isoformat()} – {task.forecast_end.isoformat()}" in titles[full_id]


def _days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def test_the_portfolio_leaves_an_archived_year_out(year):
    from plancode.views.portfolio import portfolio
    from plancode.workspace import load_config

    config = load_config(None, REPO / "examples" / "year")
    found = portfolio(year, config, Labels("zh-CN"))
    shown = {s.workstream.id for s in found.statuses}
    archived = {w.id for w in year.workstreams.values() if all(year.tasks[t].archived for t in w.tasks)}
    assert archived and not archived & shown
    assert shown == set(year.workstreams) - archived
    assert all(row.task is None or not row.task.archived for row in found.gantt.rows)
