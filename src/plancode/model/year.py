"""The model's hooks for SPEC §5.1–§5.3: period targets and pace, recurring tasks, task
metrics with an `actual`, and working-day planned progress.

:mod:`.build` calls these on the task drafts and goals; none of them runs for a plan
that writes no §5 key, whose figures stay those of SPEC §2.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from . import figures, periods
from .entities import Goal, Report, Strategy, TaskDraft


def uses_periods(metric: Any) -> bool:
    return isinstance(metric, dict) and ("aggregate" in metric or "targets" in metric)


def links_written(items: Iterable[Any]) -> tuple[tuple[str, ...], tuple[tuple[str, int, str], ...]]:
    """`after:` as written: the task references, and each one's (reference, lag, type)."""
    refs, links = [], []
    for item in items:
        if isinstance(item, dict):
            refs.append(item["task"])
            links.append((item["task"], int(item.get("lag", 0)), item.get("type", "fs")))
        else:
            refs.append(item)
            links.append((item, 0, "fs"))
    return tuple(refs), tuple(links)


def recurring_and_calendar(reports: list[Report], tasks: dict[str, TaskDraft],
                           as_of: dt.date, calendar: Any) -> None:
    """Planned progress in working days (with a calendar), and the progress, planned
    progress and status of recurring tasks by occurrences (SPEC §5.2, §5.3)."""
    done: dict[str, set[str]] = {}
    for report in reports:
        if report.counted:
            for entry in report.entries:
                if entry.task is not None and entry.done == "yes":
                    task = tasks.get(entry.task)
                    if task is not None and task.repeat:
                        done.setdefault(entry.task, set()).add(
                            periods.occurrence_of_week(task.repeat, report.week))
    for full, task in tasks.items():
        if task.start is None or task.end is None:
            continue
        if task.repeat:
            occurrences = periods.occurrences(task.repeat, task.start, task.end)
            keys = {key for key, _ in occurrences}
            reached = len(keys & done.get(full, set()))
            ended = sum(1 for _, due in occurrences if _period_end(task.repeat, due) <= as_of)
            total = len(occurrences) or 1
            task.occurrences, task.occurrences_done = len(occurrences), reached
            task.progress = reached / total * 100
            task.progress_source = ""
            task.planned_progress = ended / total * 100
            task.lag = task.planned_progress - task.progress
            status = figures.status(task.written_status, task.progress, task.start, task.end, as_of)
            if status == "done" and as_of < task.end:
                status = "in_progress"  # never done before its end
            task.status = status
        elif calendar is not None:
            total = calendar.count(task.start, task.end)
            if total <= 0:
                planned = 100.0 if as_of >= task.start else 0.0
            else:
                elapsed = calendar.count(task.start, min(as_of, task.end))
                planned = min(elapsed / total * 100, 100.0)
            task.planned_progress = planned
            task.lag = planned - task.progress


def _period_end(repeat: str, due: dt.date) -> dt.date:
    """The last day of the week or month of an occurrence due on ``due``."""
    if repeat == "weekly":
        return due + (6 - due.weekday()) * figures.DAY
    following = dt.date(due.year + (due.month == 12), due.month % 12 + 1, 1)
    return following - figures.DAY


def task_metrics(reports: list[Report], tasks: dict[str, TaskDraft], deviation: float) -> None:
    """The latest `actual:` reported for each task's metric, judged against its target
    (per occurrence for a recurring task) like a KPI (SPEC §5.2)."""
    for report in sorted(reports, key=lambda r: (r.end, r.source.path)):
        if not report.counted:
            continue
        for entry in report.entries:
            if entry.task is None or entry.actual is None:
                continue
            task = tasks.get(entry.task)
            if task is None:
                continue
            task.metric_actual, task.metric_source = entry.actual, report.week
    for task in tasks.values():
        if task.metric_actual is None or task.metric is None or task.metric.target is None:
            continue
        achieved = figures.achievement(task.metric.target, task.metric_actual, task.metric.direction)
        task.metric_achievement_pct = None if achieved is None else figures.round_half_up(achieved)
        task.metric_alert = figures.kpi_alert(achieved, deviation)


def goal_pace(goal: Goal, strategy: Strategy | None, value: float, day: dt.date,
              deviation: float) -> dict[str, Any]:
    """The §5.1 fields of a goal whose metric has `aggregate` or `targets`: expected to
    date at ``day``, pace, and the alert judged by the pace."""
    metric = goal.metric
    assert metric is not None
    first = goal.start or (strategy.start if strategy else None)
    last = goal.due or goal.end or (strategy.end if strategy else None)
    span = (first, last) if first is not None and last is not None else (day, day)
    expected = periods.expected_to_date(metric, span, day)
    paced = periods.pace(metric, value, expected)
    return dict(
        judged_on=day, expected=expected, pace=paced,
        pace_pct=None if paced is None else figures.round_half_up(paced),
        alert=figures.kpi_alert(paced, deviation),
    )
