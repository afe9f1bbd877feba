"""Weeks × departments (周報提交情況): every ISO week from the first report to as_of's
week (and any later week someone already reported), every department, so that a week
nobody reported is a row of missing reports instead of a gap.

A cell is ``reported`` (the department sent its report), ``missing`` (it owed tasks in a
week ended by as_of and sent none), ``pending`` (it owes tasks in a week not over yet) or
``idle`` (it owed nothing). What a department owes is the model's reading
(:func:`plancode.model.tracking.tasks_due`), as PC602 and the week pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Plan, Report, Task
from ..model import figures
from ..model.tracking import tasks_due

STATES = ("reported", "missing", "pending", "idle")


@dataclass(frozen=True)
class GridCell:
    department: str
    state: str  # one of STATES
    report: Report | None
    owed: tuple[Task, ...]


@dataclass(frozen=True)
class GridWeek:
    week: str
    start: dt.date
    end: dt.date
    counted: bool  # ended by as_of
    cells: tuple[GridCell, ...]  # one per department, in the grid's column order

    @property
    def reported(self) -> bool:
        return any(c.report is not None for c in self.cells)

    @property
    def missing(self) -> int:
        return sum(c.state == "missing" for c in self.cells)


def week_grid(plan: Plan) -> tuple[list[str], list[GridWeek]]:
    """(departments, weeks): the team's departments in order (then any a report names),
    and every week from the first report's to as_of's (or the last report's), in order.
    No report at all: no weeks."""
    sent: dict[str, dict[str, Report]] = {}
    for report in plan.reports:
        sent.setdefault(report.week, {})[report.department] = report
    if not sent:
        return list(plan.departments), []
    first = figures.week_range(min(sent))[0]
    last = max(figures.week_range(max(sent))[0], plan.as_of - dt.timedelta(days=plan.as_of.weekday()))
    weeks = []
    monday = first
    while monday <= last:
        weeks.append(figures.week_of(monday))
        monday += dt.timedelta(days=7)
    departments = list(plan.departments) + sorted({d for by in sent.values() for d in by} - set(plan.departments))
    due = tasks_due(plan, weeks)
    found = []
    for week in weeks:
        start, end = figures.week_range(week)
        counted = end <= plan.as_of
        cells = []
        for department in departments:
            report = sent.get(week, {}).get(department)
            owed = tuple(due.get(week, {}).get(department, ()))
            if report is not None:
                state = "reported"
            elif owed:
                state = "missing" if counted else "pending"
            else:
                state = "idle"
            cells.append(GridCell(department, state, report, owed))
        found.append(GridWeek(week, start, end, counted, tuple(cells)))
    return departments, found
