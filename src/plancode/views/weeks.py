"""Weeks × departments: the weekly tracking of template 3 (營銷執行跟蹤表).

:func:`weeks` gives one :class:`Week` per ISO week that has a report, each with every
department that reported or owed a report: its entries (with where each task should
have been at the end of the week), and what it left out — PC602's reading, from
:func:`plancode.model.tracking.tasks_due`, so that `check`, the site and the Markdown
reports name the same missing entries and missing reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ..config import Config
from ..model import Plan, Report, ReportEntry, Task
from ..model import figures
from ..model.tracking import entry_progress, latest_entries, tasks_due


@dataclass(frozen=True)
class EntryRow:
    """A report entry with the task it names and where the task should have been by the
    end of the report's week (the model's planned-progress formula at that date)."""

    entry: ReportEntry
    task: Task | None
    reported: float | None  # the entry's progress; 100 for `done: yes` without one
    planned: float | None
    lag: float | None
    lagging: bool  # behind plan at the week's end by more than schedule_lag


@dataclass(frozen=True)
class DepartmentWeek:
    department: str
    report: Report | None  # None: the department sent no report this week
    rows: tuple[EntryRow, ...]
    #: its tasks due that the report does not mention (all of them without a report)
    missing: tuple[Task, ...]


@dataclass(frozen=True)
class Week:
    week: str
    start: dt.date
    end: dt.date
    counted: bool  # ended by as_of: its figures count
    departments: tuple[DepartmentWeek, ...]

    @property
    def missing_reports(self) -> list[DepartmentWeek]:
        """Departments that owed tasks and sent no report (only in weeks ended by as_of)."""
        return [d for d in self.departments if d.report is None]

    @property
    def missing_entries(self) -> list[tuple[DepartmentWeek, Task]]:
        return [(d, t) for d in self.departments if d.report is not None for t in d.missing]

    @property
    def tasks(self) -> list[Task]:
        """The tasks the week's reports name (for the filters)."""
        return [r.task for d in self.departments for r in d.rows if r.task is not None]

    @property
    def behind(self) -> list[EntryRow]:
        """Entries behind plan at the week's end, most behind first (the 市場任務進度跟蹤表 view)."""
        rows = [r for d in self.departments for r in d.rows if r.lag is not None and r.lag > 0]
        return sorted(rows, key=lambda r: (-(r.lag or 0), r.task.full_id if r.task else r.entry.task_ref))


def weeks(plan: Plan, config: Config) -> list[Week]:
    """Every week with a report, in order, with each department that reported or owed one:
    a department without a report is listed when the week has ended by as_of and it owed
    tasks; a week that begins after as_of owes nothing yet."""
    reports: dict[str, list[Report]] = defaultdict(list)
    for report in plan.reports:
        reports[report.week].append(report)
    due = tasks_due(plan, reports)
    lag_limit = config.thresholds.schedule_lag
    found = []
    for week in sorted(reports):
        start, end = figures.week_range(week)
        counted = end <= plan.as_of
        owed = due.get(week, {})
        sent = {r.department: r for r in reports[week]}
        departments = []
        for department in list(plan.departments) + sorted(set(sent) - set(plan.departments)):
            report = sent.get(department)
            if report is None:
                # a department with tasks due and no report, in a week others reported
                if counted and owed.get(department):
                    departments.append(DepartmentWeek(department, None, (), tuple(owed[department])))
                continue
            rows = tuple(entry_row(plan, entry, end, lag_limit) for entry in report.entries)
            listed = {entry.task for entry in report.entries}
            missing = (tuple(t for t in owed.get(department, ()) if t.full_id not in listed)
                       if start <= plan.as_of else ())
            departments.append(DepartmentWeek(department, report, rows, missing))
        found.append(Week(week, start, end, counted, tuple(departments)))
    return found


def entry_row(plan: Plan, entry: ReportEntry, week_end: dt.date, lag_limit: float) -> EntryRow:
    """One report entry as the tracking table shows it."""
    task = plan.tasks.get(entry.task) if entry.task else None
    reported = entry_progress(entry)
    planned = lag = None
    if task is not None and task.start and task.end:
        planned = figures.planned_progress(task.start, task.end, week_end)
        if reported is not None:
            lag = planned - reported
    return EntryRow(entry, task, reported, planned, lag, lag is not None and lag > lag_limit)


@dataclass(frozen=True)
class BehindRow:
    """A task behind plan at as_of (the 市場任務進度跟蹤表 view), with its latest report."""

    task: Task
    latest: tuple[Report, ReportEntry] | None  # its entry in the latest counted report
    #: overdue, or behind plan by more than schedule_lag: an adjustment is due (PC605)
    needs_adjustment: bool


def behind_plan(plan: Plan, config: Config) -> list[BehindRow]:
    """Tasks behind plan at as_of (lag > 0) or overdue, neither done nor cancelled, most
    behind first."""
    latest = latest_entries(plan)
    threshold = config.thresholds.schedule_lag
    found = [t for t in plan.tasks.values()
             if t.status not in ("done", "cancelled")
             and (t.status == "overdue" or (t.lag is not None and t.lag > 0))]
    return [BehindRow(t, latest.get(t.full_id), t.status == "overdue" or (t.lag or 0) > threshold)
            for t in sorted(found, key=lambda t: (-(t.lag or 0), t.full_id))]


def lagging(task: Task, config: Config) -> bool:
    """Behind plan by more than ``schedule_lag`` and neither overdue nor blocked (those are
    their own alerts): the dashboard's 'behind plan'."""
    return (task.status in ("in_progress", "not_started") and task.lag is not None
            and task.lag > config.thresholds.schedule_lag)
