"""The flat tables of ``plancode export`` (JSON, CSV) and the xlsx workbook's §5 columns:
which columns each table has, in which order, and which rows.

A table is its columns (a key and the kind of value, so that a renderer knows how to
format it) and its rows, made one at a time (a 100,000-task plan has 250,000 report
rows). The values are the model's own (dates, floats, lists, booleans); a renderer
formats them: :mod:`plancode.export` as ISO dates and rounded numbers.

The second-release (SPEC §5) columns are there only for a plan that uses a §5 key, so a
plan without one exports exactly what it did before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

#: the kinds of a column's values: ``value`` as it is, ``date`` a date or None,
#: ``pct`` a figure shown with one decimal, ``amount`` a figure with two, ``list`` a tuple
KINDS = ("value", "date", "pct", "amount", "list")


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = "value"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: Iterator[tuple[Any, ...]]  # one value per column, in the columns' order


def _columns(*spec: str) -> tuple[Column, ...]:
    """``"start:date"`` → Column("start", "date"); a bare key is a plain value."""
    return tuple(Column(*item.split(":")) for item in spec)


TASK_COLUMNS = _columns(
    "id", "workstream", "name", "owner", "department", "goal", "start:date", "end:date", "days",
    "milestone", "predecessors:list", "progress:pct", "planned_progress:pct", "lag:pct", "status",
    "critical", "float", "budget:amount", "deliverable")
#: SPEC §5: the forecast and the recurring and archived facts, after §3's columns
TASK_YEAR_COLUMNS = _columns("forecast_end:date", "slip", "repeat", "archived")
GOAL_COLUMNS = _columns(
    "id", "title", "strategy", "parent", "level", "owner", "due:date", "metric", "unit", "baseline",
    "target", "direction", "actual", "progress:pct", "achievement", "alert", "budget:amount")
#: SPEC §5.1: expected to date and pace (None for a metric without aggregate/targets)
GOAL_YEAR_COLUMNS = _columns("aggregate", "expected:amount", "pace")
REVIEW_COLUMNS = _columns(
    "period", "dimension", "metric", "unit", "goal", "target", "actual", "direction", "achievement",
    "alert", "analysis", "actions", "owner")
REPORT_COLUMNS = _columns(
    "week", "department", "author", "task", "planned", "done", "progress:pct", "reason", "adjustment",
    "results", "spent", "support", "next")
MODULE_COLUMNS = _columns(
    "strategy", "module", "share:pct", "allocated:amount", "planned:amount", "spent:amount",
    "remaining:amount", "workstreams:list")


def task_values(t: Any, year: bool) -> tuple[Any, ...]:
    """A task's row (with the §5 columns when ``year``)."""
    row = (t.full_id, t.workstream, t.name, t.owner, t.department, t.goal, t.start, t.end, t.days,
           t.milestone, t.predecessors, t.progress, t.planned_progress, t.lag, t.status, t.critical,
           t.total_float, t.budget, t.deliverable)
    return row + (t.forecast_end, t.slip, t.repeat, t.archived) if year else row


def goal_values(g: Any, year: bool) -> tuple[Any, ...]:
    m = g.metric
    row = (g.id, g.title, g.strategy, g.parent, g.level, g.owner, g.due,
           m.name if m else None, m.unit if m else None, m.baseline if m else None,
           m.target if m else None, m.direction if m else None,
           g.actual, g.progress, g.achievement_pct, g.alert, g.budget)
    return row + (m.aggregate if m else None, g.expected, g.pace_pct) if year else row


def tasks(plan: Any) -> Table:
    year = bool(plan.year)
    return Table("tasks", TASK_COLUMNS + (TASK_YEAR_COLUMNS if year else ()),
                 (task_values(t, year) for t in plan.tasks.values()))


def goals(plan: Any) -> Table:
    year = bool(plan.year)
    return Table("goals", GOAL_COLUMNS + (GOAL_YEAR_COLUMNS if year else ()),
                 (goal_values(g, year) for g in plan.goals.values()))


def reviews(plan: Any) -> Table:
    return Table("reviews", REVIEW_COLUMNS, (
        (review.label, row.dimension, row.metric, row.unit, row.goal, row.target, row.actual,
         row.direction, row.achievement_pct, row.alert, row.analysis, row.actions, row.owner)
        for review in plan.reviews for row in review.rows))


def reports(plan: Any) -> Table:
    return Table("reports", REPORT_COLUMNS, (
        (report.week, report.department, report.author, entry.task or entry.task_ref, entry.planned,
         entry.done, entry.progress, entry.reason, entry.adjustment, entry.results, entry.spent,
         entry.support, entry.next)
        for report in plan.reports for entry in report.entries))


def modules(plan: Any) -> Table:
    """SPEC §5.5: each strategy's budget by module."""
    return Table("modules", MODULE_COLUMNS, (
        (m.strategy, m.module, m.share, m.allocated, m.planned, m.spent, m.remaining, m.workstreams)
        for m in plan.modules))


TABLES: dict[str, Callable[[Any], Table]] = {
    "tasks": tasks, "goals": goals, "reviews": reviews, "reports": reports, "modules": modules,
}
