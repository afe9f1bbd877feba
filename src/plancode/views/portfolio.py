"""The portfolio (全部執行計劃): every workstream in one Gantt, grouped by goal, and a
red/amber/green status per workstream with its trend over the last weeks.

A workstream's status at a date, from its tasks (cancelled ones left out):

- **red** — a task is overdue (its end has passed short of 100 %), or blocked, or behind
  plan by more than twice ``schedule_lag``;
- **amber** — a task is behind plan by more than ``schedule_lag``;
- **green** — otherwise; **none** — no dated task.

At as_of the tasks' figures are the model's (status, lag). At the end of each earlier week
a task's progress is the last one a report gave by then (:func:`plancode.model.tracking.
report_history`), else its own written progress — the same reading the model makes at
as_of, moved back in time.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from operator import itemgetter
from typing import Callable, Mapping

from ..config import Config
from ..model import Plan, Task, Workstream
from ..model import figures
from ..model.tracking import History, report_history
from .gantt import Gantt, GanttRow, gantt, heading, task_row
from .goals import goals_in_order
from .names import Names

RAGS = ("red", "amber", "green", "none")
TREND_WEEKS = 6  # the weeks a trend shows, as_of's included
#: beyond this many tasks the portfolio draws workstream bars only (each page has its tasks)
MAX_TASK_ROWS = 2000


@dataclass(frozen=True)
class WorkstreamStatus:
    workstream: Workstream
    status: str  # red | amber | green | none, at as_of
    trend: tuple[tuple[dt.date, str], ...]  # (week end, status), oldest first, as_of last
    reasons: tuple[str, ...]  # in words: why it is red or amber
    counts: dict[str, int]  # overdue, blocked, lagging tasks at as_of


@dataclass(frozen=True)
class Portfolio:
    gantt: Gantt
    statuses: tuple[WorkstreamStatus, ...]  # in the Gantt's order
    tasks_drawn: bool  # False beyond MAX_TASK_ROWS: one bar per workstream


def _status(tasks: list[Task], day: dt.date, as_of: dt.date, lag_limit: float,
            history: History) -> tuple[str, dict[str, int]]:
    counts = {"overdue": 0, "blocked": 0, "lagging": 0, "far_behind": 0}
    dated = [t for t in tasks if t.status != "cancelled" and t.start and t.end]
    if not dated:
        return "none", counts
    for task in dated:
        if day >= as_of:
            progress, lag = task.progress, task.lag
            overdue, blocked = task.status == "overdue", task.status == "blocked"
        else:
            past = history.get(task.full_id, [])
            known = bisect.bisect_right(past, day, key=itemgetter(0))
            progress = past[known - 1][1] if known else (0.0 if past else (task.written_progress or 0.0))
            if progress >= 100:  # neither overdue nor behind then: nothing to count (most tasks of a trend)
                continue
            planned = figures.planned_progress(task.start, task.end, day)
            lag = planned - progress if task.start <= day else None
            overdue, blocked = task.end < day and progress < 100, False
        counts["overdue"] += overdue
        counts["blocked"] += blocked
        if lag is not None and progress < 100 and not overdue:
            counts["lagging"] += lag > lag_limit
            counts["far_behind"] += lag > 2 * lag_limit
    if counts["overdue"] or counts["blocked"] or counts["far_behind"]:
        return "red", counts
    return ("amber" if counts["lagging"] else "green"), counts


def statuses(plan: Plan, config: Config, labels: Callable[[str], str],
             history: History | None = None) -> dict[str, WorkstreamStatus]:
    """Each workstream's status at as_of and at the end of the weeks before it."""
    history = report_history(plan) if history is None else history
    lag_limit = config.thresholds.schedule_lag
    as_of = plan.as_of
    sunday = as_of + dt.timedelta(days=6 - as_of.weekday())
    days = [sunday - dt.timedelta(weeks=n) for n in range(TREND_WEEKS - 1, 0, -1)] + [as_of]
    days = [d for d in days if d <= as_of]
    found = {}
    for workstream in plan.workstreams.values():
        tasks = [plan.tasks[t] for t in workstream.tasks if t in plan.tasks and not plan.tasks[t].archived]
        trend = tuple((day, _status(tasks, day, as_of, lag_limit, history)[0]) for day in days)
        status, counts = _status(tasks, as_of, as_of, lag_limit, history)
        reasons = tuple(f"{labels('rag.reason.' + key)} {n}" for key, n in counts.items() if n)
        found[workstream.id] = WorkstreamStatus(workstream, status, trend, reasons, counts)
    return found


def portfolio(plan: Plan, config: Config, labels: Callable[[str], str],
              baseline: Mapping[str, tuple[dt.date, dt.date]] | None = None) -> Portfolio:
    """Goals in the goal tree's order, each with its workstreams and their tasks in file
    order; workstreams of no known goal last; workstreams of an archived strategy left out."""
    names = Names(plan, labels)
    rag = statuses(plan, config, labels)
    by_goal: dict[str | None, list[Workstream]] = {}
    for workstream in plan.workstreams.values():
        if workstream.tasks and all(plan.tasks[t].archived for t in workstream.tasks if t in plan.tasks):
            continue  # a finished year's (SPEC §5.5): its own pages keep it
        goal = workstream.goal if workstream.goal in plan.goals else None
        by_goal.setdefault(goal, []).append(workstream)
    draw_tasks = len(plan.tasks) <= MAX_TASK_ROWS
    rows: list[GanttRow] = []
    order: list[WorkstreamStatus] = []
    groups = [(goal, by_goal[goal.id]) for goal in goals_in_order(plan) if goal.id in by_goal]
    if None in by_goal:
        groups.append((None, by_goal[None]))
    for goal, workstreams in groups:
        tasks_of = {w.id: [plan.tasks[t] for t in w.tasks if t in plan.tasks] for w in workstreams}
        every = [t for w in workstreams for t in tasks_of[w.id]]
        rows.append(heading("goal", goal.title if goal else labels("portfolio.no_goal"), every, goal=goal))
        for workstream in workstreams:
            status = rag[workstream.id]
            order.append(status)
            rows.append(heading("workstream", workstream.title, tasks_of[workstream.id], depth=1,
                                workstream=workstream, status=status.status,
                                status_text=labels("rag." + status.status)))
            if draw_tasks:
                rows.extend(task_row(t, names, 2, baseline) for t in tasks_of[workstream.id])
    return Portfolio(gantt(plan, rows), tuple(order), draw_tasks)
