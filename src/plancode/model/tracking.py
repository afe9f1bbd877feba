"""What the weekly reports say about each task, read once for every rule and page.

Step 3 of the practice (跟蹤): each department reports, each week, the tasks it owes.
Which tasks a department owes in a week, and what a report entry says about progress,
are facts of the plan — PC602, PC605, the site's week pages, the Markdown week pages and
the dashboard's alerts all read them from here, so they cannot disagree.

- :func:`entry_progress` — the progress a report entry gives (``done: yes`` alone is 100).
- :func:`report_history` — per task, the progress each report gave, week by week.
- :func:`finished_before` — whether a task had reached 100 % before a week began.
- :func:`tasks_due` — per ISO week and department, the tasks owed in that week's report,
  for any weeks asked about (with or without a report).
- :func:`latest_entries` — per task, its entry in the latest report counted at as_of.
- :func:`judged` — whether a period (a review's) has begun at as_of, so that its
  figures are judged; the model already leaves a review row unalerted when it is not.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from operator import itemgetter
from typing import Iterable

from . import figures
from .entities import Plan, Report, ReportEntry, Task
from .periods import runs_in

#: per task full id, (week end, progress) of each report entry that gives a progress,
#: in week order
History = dict[str, list[tuple[dt.date, float]]]


def entry_progress(entry: ReportEntry) -> float | None:
    """An entry's progress: its `progress:`, or 100 for `done: yes` without one."""
    if entry.progress is not None:
        return entry.progress
    return 100.0 if entry.done == "yes" else None


def report_history(plan: Plan) -> History:
    """Per task, (week end, progress) of each report entry that gives a progress, in week
    order (reports of weeks begun by as_of).

    The same reading the model uses for current progress, here at every week, not at as_of.
    """
    history: History = defaultdict(list)
    for report in plan.reports:
        if report.start > plan.as_of:
            continue
        for entry in report.entries:
            value = entry_progress(entry)
            if entry.task is not None and value is not None:
                history[entry.task].append((report.end, value))
    return history


def finished_before(task: Task, history: list[tuple[dt.date, float]], monday: dt.date) -> bool:
    """Whether the task had reached 100 % before the week starting ``monday``;
    ``history`` is the task's list from :func:`report_history`."""
    if not history:
        # No report gives it a progress: its own `progress:` is all there is to go by.
        return (task.written_progress or 0) >= 100
    # the history is in week order: its entries before the week are a prefix
    earlier = bisect.bisect_left(history, monday, key=itemgetter(0))
    return earlier > 0 and history[earlier - 1][1] >= 100


def tasks_due(plan: Plan, weeks: Iterable[str], history: History | None = None
              ) -> dict[str, dict[str, list[Task]]]:
    """``{ISO week: {department: tasks}}``: the tasks each department owes in its report
    of each of ``weeks`` — tasks of its people (a task belongs to its owner's department),
    neither cancelled nor undated, whose `start`–`end` overlaps the week (Monday to
    Sunday), and not finished before the week began; a recurring task every week it runs
    (monthly: the week of a month's end), none of an archived strategy. Tasks in the
    plan's order; weeks and departments that owe nothing are absent.

    Each task walks the weeks it spans, so the work is the tasks' weeks, not weeks × tasks.
    """
    wanted = set(weeks)
    if history is None:
        history = report_history(plan)
    due: dict[str, dict[str, list[Task]]] = {}
    if not wanted:
        return due
    by_monday = {figures.week_range(week)[0]: week for week in wanted}
    first, last = min(by_monday), max(by_monday)
    week_step = figures.DAY * 7
    owed: dict[tuple[str, str], list[Task]] = {}  # (week, department): one lookup a week, not two
    for task in plan.tasks.values():
        if not (task.department and task.status != "cancelled" and task.start and task.end
                and not task.archived):
            continue
        reported = history.get(task.full_id)
        if not task.repeat and not reported and (task.written_progress or 0) >= 100:
            continue  # finished before any week, by its own `progress:`
        monday = max(task.start - dt.timedelta(days=task.start.weekday()), first)
        stop = min(task.end, last)
        department, repeat = task.department, task.repeat
        while monday <= stop:
            week = by_monday.get(monday)
            # a recurring task is owed every week it runs, however many were done before
            # (monthly: the week of a month's end) (SPEC §5.2)
            if week is not None and (
                    runs_in(repeat, task.end, monday, monday + 6 * figures.DAY) if repeat
                    else not (reported and finished_before(task, reported, monday))):
                tasks = owed.get((week, department))
                if tasks is None:
                    owed[week, department] = [task]
                else:
                    tasks.append(task)
            monday += week_step
    for (week, department), tasks in owed.items():  # in the order first owed, as before
        due.setdefault(week, {})[department] = tasks
    return due


def judged(start: dt.date, as_of: dt.date) -> bool:
    """Whether a period starting on ``start`` is judged at ``as_of``: it has begun. A
    period still to come has no actuals yet, whatever its file says."""
    return start <= as_of


def latest_entries(plan: Plan) -> dict[str, tuple[Report, ReportEntry]]:
    """Per task, its entry in the latest counted report (a week ended by as_of) that
    names it, with that report: where the task's current progress and its adjustment
    are read. Reports are in week order, so the last one seen is the latest."""
    latest: dict[str, tuple[Report, ReportEntry]] = {}
    for report in plan.reports:
        if report.counted:
            for entry in report.entries:
                if entry.task is not None:
                    latest[entry.task] = (report, entry)
    return latest
