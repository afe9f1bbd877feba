"""Links with lag, the forecast from as_of, slip and the critical path (SPEC §5.4).

Everything here walks the tasks once in dependency order (forward) or its reverse
(backward), so it is linear in tasks + links. Dates move in calendar days without a
working-day calendar, in working days with one (SPEC §5.3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .entities import TaskDraft
from .figures import DAY
from .periods import ceil_days


def link_start(pred_start: dt.date, pred_end: dt.date, lag: int, kind: str, calendar: Any) -> dt.date:
    """The earliest start a link allows: finish-to-start the day after the predecessor
    ends, start-to-start the day it starts; then ``lag`` days (working days with a
    calendar) later, or earlier for a negative lag."""
    if calendar is None:
        return (pred_end + (1 + lag) * DAY) if kind == "fs" else (pred_start + lag * DAY)
    if kind == "fs":
        return calendar.shift(pred_end + DAY, lag)
    return calendar.shift(pred_start, lag)


def finish(start: dt.date, days: int, calendar: Any) -> dt.date:
    """The last day of ``days`` days (working days with a calendar) from ``start``."""
    if calendar is None:
        return start + (max(days, 1) - 1) * DAY
    return calendar.add(start, days)


def forecast(tasks: dict[str, TaskDraft], order: list[str], as_of: dt.date, calendar: Any) -> None:
    """Forecast start and end, slip and the pushing predecessor of every task with dates,
    in dependency order (SPEC §5.4).

    A done task ends at its `end`; a started one at max(end, as_of + remaining − 1); one
    not started starts at the latest of its start, as_of and what each link allows after
    its predecessors' forecasts, and lasts its duration. Recurring tasks keep their plan
    (their occurrences are judged one by one); cancelled tasks and those of an archived
    strategy have no forecast, and their successors do not wait for them.
    """
    for full in order:
        task = tasks[full]
        if task.start is None or task.end is None or task.status == "cancelled" or task.archived:
            continue
        start, end, pushed_by = task.start, task.end, None
        if task.status == "done" or task.repeat:
            pass
        elif task.progress > 0:
            remaining = ceil_days(task.days or 1, task.progress)
            if remaining > 0:
                end = max(task.end, finish(as_of, remaining, calendar))
        else:
            start = max(task.start, as_of)
            if calendar is not None:
                start = calendar.next_working(start)
            for pred, lag, kind in task.links:
                before = tasks[pred]
                if before.forecast_end is None:
                    continue
                allowed = link_start(before.forecast_start, before.forecast_end, lag, kind, calendar)
                if allowed > start:
                    start, pushed_by = allowed, pred
            if start != task.start:
                end = finish(start, task.days or 1, calendar)
        task.forecast_start, task.forecast_end, task.pushed_by = start, end, pushed_by
        task.slip = (end - task.end).days


def critical_path(tasks: dict[str, TaskDraft], order: list[str], calendar: Any) -> None:
    """Total float on the forecast schedule of unfinished work, across workstreams.

    Backwards in dependency order: a task's latest allowed end is what its unfinished
    successors' latest starts allow through their links, or the last forecast end of
    its workstream's unfinished work for a task without such successors; float = latest
    allowed end − forecast end, critical at ≤ 0. Done and cancelled tasks are never
    critical and do not constrain anything; nor are recurring tasks, which are running
    work rather than steps towards a date.
    """
    def open_(task: TaskDraft) -> bool:
        return (task.forecast_end is not None and task.status not in ("done", "cancelled")
                and not task.repeat)

    last_end: dict[str, dt.date] = {}
    for task in tasks.values():
        task.total_float, task.critical = None, False
        if open_(task):
            last_end[task.workstream] = max(task.forecast_end, last_end.get(task.workstream, task.forecast_end))
    latest_start: dict[str, dt.date] = {}
    incoming: dict[str, list[tuple[str, int, str]]] = {}
    for full in order:
        for pred, lag, kind in tasks[full].links:
            incoming.setdefault(pred, []).append((full, lag, kind))
    for full in reversed(order):
        task = tasks[full]
        if not open_(task):
            continue
        length = task.forecast_end - task.forecast_start
        bounds = []
        for succ, lag, kind in incoming.get(full, ()):
            if succ not in latest_start:
                continue
            ls = latest_start[succ]
            if kind == "fs":
                bounds.append(ls - (1 + lag) * DAY if calendar is None else calendar.shift(ls, -(1 + lag)))
            else:
                allowed_start = ls - lag * DAY if calendar is None else calendar.shift(ls, -lag)
                bounds.append(allowed_start + length)
        latest_end = min(bounds) if bounds else last_end[task.workstream]
        latest_start[full] = latest_end - length
        task.total_float = (latest_end - task.forecast_end).days
        task.critical = task.total_float <= 0


def chain(tasks: dict[str, Any], full: str) -> list[str]:
    """The tasks that push ``full``'s forecast, earliest first, ending with ``full``."""
    path = [full]
    seen = {full}
    while True:
        pushed_by = tasks[path[-1]].pushed_by
        if pushed_by is None or pushed_by in seen:
            return path[::-1]
        path.append(pushed_by)
        seen.add(pushed_by)


def slipping(plan: Any) -> list[tuple[Any, str, Any, dt.date, list[str]]]:
    """The milestones, and the last task of each goal, forecast to end after their date
    (SPEC §5.4): (task, "milestone" | "goal", the goal or None, the date it should keep,
    the chain that pushes it). Archived, finished and cancelled tasks are left out. PC408
    and the dashboard's alerts read this one list."""
    judged: dict[str, tuple[str, Any]] = {}
    for task in plan.tasks.values():
        if task.milestone:
            judged[task.full_id] = ("milestone", None)
    for goal in plan.goals.values():
        dated = [plan.tasks[t] for t in goal.tasks
                 if plan.tasks[t].end is not None and plan.tasks[t].status != "cancelled"]
        if dated:
            last = max(dated, key=lambda t: (t.end, t.full_id))
            judged.setdefault(last.full_id, ("goal", goal))
    found = []
    for full, (kind, goal) in judged.items():
        task = plan.tasks[full]
        if task.archived or task.forecast_end is None or task.status in ("done", "cancelled"):
            continue
        limit = task.end if goal is None else (goal.due or task.end)
        if task.forecast_end > limit:
            found.append((task, kind, goal, limit, chain(plan.tasks, full)))
    return found
