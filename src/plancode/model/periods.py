"""Targets by period and pace (SPEC §5.1); occurrences of recurring tasks (SPEC §5.2).

Pure functions of plain values, called once while the model is built.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Iterable

from .entities import Metric
from .figures import DAY, achievement, week_range

Target = tuple[str, dt.date, dt.date, float]


def expected_to_date(metric: Metric, span: tuple[dt.date, dt.date], day: dt.date) -> float | None:
    """What the metric should read at ``day`` (SPEC §5.1).

    ``sum``: the targets of the periods ended by ``day`` plus the current period's target
    pro rata by its days (``day`` counted); without period targets, ``target`` × the
    elapsed share of ``span`` (the goal's start → due). ``last``/``mean``: the target of
    the period holding ``day``, else ``target``.
    """
    if metric.aggregate == "sum":
        if metric.targets:
            total = 0.0
            for _, first, last, value in metric.targets:
                if last <= day:
                    total += value
                elif first <= day:
                    total += value * ((day - first).days + 1) / ((last - first).days + 1)
            return total
        if metric.target is None:
            return None
        first, last = span
        days = (last - first).days + 1
        if days <= 0:
            return None
        share = min(max(((day - first).days + 1) / days, 0.0), 1.0)
        return metric.target * share
    for _, first, last, value in metric.targets:
        if first <= day <= last:
            return value
    return metric.target


def pace(metric: Metric, value: float, expected: float | None) -> float | None:
    """value / expected × 100 (``down``: expected / value); None when undefined."""
    if expected is None:
        return None
    return achievement(expected, value, metric.direction)


def target_problems(metric: Metric, period: tuple[dt.date, dt.date] | None) -> Iterable[tuple[str, str]]:
    """What PC306 reports about a metric's period targets: (kind, period label) pairs.

    kinds: ``sum`` the targets add up to more than 0.5 % away from ``target``; ``last``
    the last period's target is not ``target``; ``overlap`` a period overlaps an earlier
    one; ``outside`` a period falls outside the strategy's ``period``.
    """
    targets = sorted(metric.targets, key=lambda t: (t[1], t[2]))
    for i, (label, first, last, _) in enumerate(targets):
        if period is not None and (first < period[0] or last > period[1]):
            yield "outside", label
        if i and first <= max(t[2] for t in targets[:i]):
            yield "overlap", label
    if not targets or metric.target is None:
        return
    if metric.aggregate == "sum":
        total = sum(t[3] for t in targets)
        if abs(total - metric.target) > abs(metric.target) * 0.005:
            yield "sum", _number(total)
    elif metric.aggregate == "last" and targets[-1][3] != metric.target:
        yield "last", targets[-1][0]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- recurring tasks ------------------------------------------------------------------------

def occurrences(repeat: str, start: dt.date, end: dt.date) -> list[tuple[str, dt.date]]:
    """Each occurrence of a recurring task as (key, the day it is due): ISO weeks
    (`2025-W02`, its Sunday) or months (`2025-01`, its last day) that the task's dates
    touch; the last one is due on the task's end at the latest."""
    found: list[tuple[str, dt.date]] = []
    if end < start:
        return found
    if repeat == "weekly":
        monday = start - start.weekday() * DAY
        while monday <= end:
            year, week, _ = monday.isocalendar()
            found.append((f"{year}-W{week:02d}", min(monday + 6 * DAY, end)))
            monday += 7 * DAY
    else:
        year, month = start.year, start.month
        while dt.date(year, month, 1) <= end:
            following = dt.date(year + (month == 12), month % 12 + 1, 1)
            found.append((f"{year}-{month:02d}", min(following - DAY, end)))
            year, month = following.year, following.month
    return found


def occurrence_of_week(repeat: str, week: str) -> str:
    """The occurrence a weekly report speaks for: its own week; for a monthly task, the
    month of its Monday (a week that holds a month's last day speaks for that month)."""
    if repeat == "weekly":
        return week
    # a week that crosses into the next month holds the last day of its Monday's month
    monday, _ = week_range(week)
    return f"{monday.year}-{monday.month:02d}"


def runs_in(repeat: str | None, end: dt.date | None, monday: dt.date, sunday: dt.date) -> bool:
    """Whether a task's report entry is due in the week ``monday``..``sunday`` (its dates
    overlapping it): every week, but a monthly task only in the week holding a month's last
    day, or its own end (SPEC §5.2)."""
    if repeat != "monthly" or end is None:
        return True
    if monday <= end <= sunday:
        return True
    return sunday.month != monday.month or (sunday + DAY).month != sunday.month


def ceil_days(duration: int, progress: float) -> int:
    """⌈duration × (100 − progress) / 100⌉, in whole days."""
    return math.ceil(duration * (100 - progress) / 100 - 1e-9)
