"""Gantt rows: what a Gantt chart shows, as plain records (the site draws them as inline
SVG, :mod:`plancode.render.gantt`).

A :class:`Gantt` is a list of rows in reading order — task rows in the order the plans
write them, optionally under group headings (a goal, a workstream: the portfolio) — the
date range the chart spans, the as-of line, and the dependency links between rows.
Nothing here is computed anew: dates, progress, status, critical chain and slip come
from the model (and the baseline the build was given).

``Gantt.shaded`` holds the weekends and holidays when the plan has a working-day calendar
(SPEC §5.3), and ``GanttRow.forecast`` a task's forecast dates where they differ from its
plan (SPEC §5.4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from ..model import Goal, Plan, Task, Workstream
from .names import Names

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class GanttRow:
    """One row: a task (``task`` set), or a group heading (``goal`` or ``workstream``)."""

    kind: str  # task | goal | workstream
    label: str
    depth: int = 0
    task: Task | None = None
    goal: Goal | None = None
    workstream: Workstream | None = None
    owner_name: str = ""
    status_label: str = ""
    start: dt.date | None = None  # a heading spans its tasks
    end: dt.date | None = None  # inclusive, as written
    baseline: tuple[dt.date, dt.date] | None = None
    slip: int | None = None  # end against the baseline's, in days (+ later)
    forecast: tuple[dt.date, dt.date] | None = None  # where it differs from start..end
    status: str = ""  # a heading's red/amber/green, when it has one
    status_text: str = ""  # the heading's status in words


@dataclass(frozen=True)
class Gantt:
    rows: tuple[GanttRow, ...]
    start: dt.date  # first day shown
    end: dt.date  # the day after the last one shown
    as_of: dt.date | None  # None when it falls outside the range
    links: tuple[tuple[int, int, bool], ...]  # (predecessor row, successor row, both critical)
    shaded: tuple[tuple[dt.date, dt.date], ...] = ()  # non-working days, inclusive spans

    @property
    def tasks(self) -> list[Task]:
        return [row.task for row in self.rows if row.task is not None]


def task_row(task: Task, names: Names, depth: int = 0,
             baseline: Mapping[str, tuple[dt.date, dt.date]] | None = None) -> GanttRow:
    base = (baseline or {}).get(task.full_id)
    slip = (task.end - base[1]).days if base and task.end else None
    # SPEC §5.4, for a plan that uses §5 (as the task tables and export do), and only where
    # the forecast differs from the plan
    forecast = None
    if (names.plan.year and task.forecast_start and task.forecast_end
            and (task.forecast_start, task.forecast_end) != (task.start, task.end)):
        forecast = (task.forecast_start, task.forecast_end)
    return GanttRow("task", task.name or task.id, depth, task=task, owner_name=names.person(task.owner),
                    status_label=names.labels("status." + task.status), start=task.start, end=task.end,
                    baseline=base, slip=slip, forecast=forecast)


def heading(kind: str, label: str, tasks: Iterable[Task], depth: int = 0, **about) -> GanttRow:
    """A group heading spanning its tasks' dates."""
    tasks = list(tasks)
    starts = [t.start for t in tasks if t.start]
    ends = [t.end for t in tasks if t.end]
    return GanttRow(kind, label, depth, start=min(starts, default=None), end=max(ends, default=None), **about)


def gantt(plan: Plan, rows: list[GanttRow]) -> Gantt:
    """The chart of ``rows``: its range (every date shown, as_of when near), the links
    between rows whose tasks are both shown."""
    index = {row.task.full_id: i for i, row in enumerate(rows) if row.task is not None}
    links = []
    for i, row in enumerate(rows):
        task = row.task
        if task is None or task.start is None:
            continue
        for pred in task.predecessors:
            j = index.get(pred)
            if j is not None and rows[j].task.end is not None:
                links.append((j, i, bool(task.critical and rows[j].task.critical)))
    days = [d for row in rows for d in (row.start, row.end, *(row.baseline or ()), *(row.forecast or ())) if d]
    as_of = plan.as_of
    if days:
        lo, hi = min(days), max(days) + DAY
        span = max((hi - lo).days, 7)
        # the as-of line when it is near the plan: a stream long over is not squeezed
        if lo - span * DAY <= as_of <= hi + span * DAY:
            lo, hi = min(lo, as_of), max(hi, as_of + DAY)
        pad = max(1, round((hi - lo).days * 0.02))
        lo, hi = lo - pad * DAY, hi + pad * DAY
    else:
        lo, hi = as_of - 7 * DAY, as_of + 8 * DAY
    return Gantt(tuple(rows), lo, hi, as_of if lo <= as_of < hi else None, tuple(links), days_off(plan, lo, hi))


def days_off(plan: Plan, first: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
    """The non-working days in [first, end) as inclusive spans, when the plan has a
    working-day calendar (SPEC §5.3); none without one: every day counts."""
    calendar = getattr(plan, "calendar", None)
    if calendar is None:
        return ()
    spans: list[tuple[dt.date, dt.date]] = []
    day = first
    while day < end:
        if not calendar.is_working(day):
            if spans and spans[-1][1] == day - DAY:
                spans[-1] = (spans[-1][0], day)
            else:
                spans.append((day, day))
        day += DAY
    return tuple(spans)


def workstream_gantt(plan: Plan, workstream_id: str, labels: Callable[[str], str],
                     baseline: Mapping[str, tuple[dt.date, dt.date]] | None = None) -> Gantt:
    """One workstream's tasks, in file order."""
    names = Names(plan, labels)
    workstream = plan.workstreams[workstream_id]
    return gantt(plan, [task_row(plan.tasks[t], names, baseline=baseline)
                        for t in workstream.tasks if t in plan.tasks])
