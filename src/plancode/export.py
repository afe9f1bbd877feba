"""The model's computed tables for BI tools and spreadsheets (``plancode export``).

Every value comes from the model; this module only chooses columns and formats them.
Dates are ISO strings; percentages are numbers (one decimal where they are not whole).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from typing import Any, Callable, Iterator, TextIO

from .model import Plan

TABLES = ("tasks", "goals", "reviews", "reports")
#: the tables `--what` offers; `modules` (SPEC §5.5) is in the default set only for a plan
#: that uses a §5 key, so that a plan without one exports exactly what it did before
ALL_TABLES = (*TABLES, "modules")


def default_tables(plan: Plan) -> tuple[str, ...]:
    return ALL_TABLES if plan.year else TABLES


def _number(value: float | None, digits: int = 1) -> float | int | None:
    if value is None or not math.isfinite(value):  # JSON has no NaN or Infinity
        return None
    rounded = round(float(value), digits)
    return int(rounded) if rounded == int(rounded) else rounded


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def task_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    rows = (
        {
            "id": t.full_id, "workstream": t.workstream, "name": t.name, "owner": t.owner,
            "department": t.department, "goal": t.goal, "start": _date(t.start),
            "end": _date(t.end), "days": t.days, "milestone": t.milestone,
            "predecessors": list(t.predecessors), "progress": _number(t.progress),
            "planned_progress": _number(t.planned_progress), "lag": _number(t.lag),
            "status": t.status, "critical": t.critical, "float": t.total_float,
            "budget": _number(t.budget, 2), "deliverable": t.deliverable,
        }
        for t in plan.tasks.values()
    )
    if not plan.year:
        return rows
    # SPEC §5: the forecast and the recurring and archived facts, after §3's columns
    return (
        {**row, "forecast_end": _date(t.forecast_end), "slip": t.slip, "repeat": t.repeat,
         "archived": t.archived}
        for row, t in zip(rows, plan.tasks.values())
    )


def goal_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    rows = (
        {
            "id": g.id, "title": g.title, "strategy": g.strategy, "parent": g.parent,
            "level": g.level, "owner": g.owner, "due": _date(g.due),
            "metric": g.metric.name if g.metric else None,
            "unit": g.metric.unit if g.metric else None,
            "baseline": g.metric.baseline if g.metric else None,
            "target": g.metric.target if g.metric else None,
            "direction": g.metric.direction if g.metric else None,
            "actual": g.actual, "progress": _number(g.progress),
            "achievement": g.achievement_pct, "alert": g.alert, "budget": _number(g.budget, 2),
        }
        for g in plan.goals.values()
    )
    if not plan.year:
        return rows
    # SPEC §5.1: expected to date and pace (None for a metric without aggregate/targets)
    return (
        {**row, "aggregate": g.metric.aggregate if g.metric else None,
         "expected": _number(g.expected, 2), "pace": g.pace_pct}
        for row, g in zip(rows, plan.goals.values())
    )


def review_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    return (
        {
            "period": review.label, "dimension": row.dimension, "metric": row.metric,
            "unit": row.unit, "goal": row.goal, "target": row.target, "actual": row.actual,
            "direction": row.direction, "achievement": row.achievement_pct, "alert": row.alert,
            "analysis": row.analysis, "actions": row.actions, "owner": row.owner,
        }
        for review in plan.reviews
        for row in review.rows
    )


def report_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    return (
        {
            "week": report.week, "department": report.department, "author": report.author,
            "task": entry.task or entry.task_ref, "planned": entry.planned, "done": entry.done,
            "progress": _number(entry.progress), "reason": entry.reason,
            "adjustment": entry.adjustment, "results": entry.results, "spent": entry.spent,
            "support": entry.support, "next": entry.next,
        }
        for report in plan.reports
        for entry in report.entries
    )


def module_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    """SPEC §5.5: each strategy's budget by module."""
    return (
        {
            "strategy": m.strategy, "module": m.module, "share": _number(m.share),
            "allocated": _number(m.allocated, 2), "planned": _number(m.planned, 2),
            "spent": _number(m.spent, 2), "remaining": _number(m.remaining, 2),
            "workstreams": list(m.workstreams),
        }
        for m in plan.modules
    )


#: each table's rows, made one at a time: a 100,000-task plan has 250,000 report rows
ROWS: dict[str, Callable[[Plan], Iterator[dict[str, Any]]]] = {
    "tasks": task_rows, "goals": goal_rows, "reviews": review_rows, "reports": report_rows,
    "modules": module_rows,
}


def write_json(plan: Plan, tables: tuple[str, ...], out: TextIO) -> None:
    """The tables as one JSON object, written to ``out`` row by row.

    The text is byte for byte ``json.dumps({table: rows}, ensure_ascii=False, indent=2)``
    and a newline, but neither the rows nor that text are ever whole in memory (2.5 GB
    at 100,000 tasks). A row is encoded on its own and indented two levels deeper, which
    is safe because an encoded JSON string never holds a raw newline.
    """
    encode = json.JSONEncoder(ensure_ascii=False, indent=2).encode
    names = list(dict.fromkeys(tables))  # as a dict's keys would be
    if not names:
        out.write("{}\n")
        return
    for i, name in enumerate(names):
        out.write(("{" if i == 0 else ",") + "\n  " + encode(name) + ": [")
        empty = True
        for row in ROWS[name](plan):
            out.write(("\n    " if empty else ",\n    ") + encode(row).replace("\n", "\n    "))
            empty = False
        out.write("]" if empty else "\n  ]")
    out.write("\n}\n")


def to_json(plan: Plan, tables: tuple[str, ...] | None = None) -> str:
    tables = default_tables(plan) if tables is None else tables
    out = io.StringIO()
    write_json(plan, tables, out)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_xlsx(plan: Plan, tables: tuple[str, ...], locale: str) -> bytes:
    """The teams' Excel templates (Gantt, weekly tracking, evaluation), one sheet per
    workstream, report and review, readable again by ``plancode import``."""
    from .xlsx import workbook

    return workbook(plan, tables, locale, plan.as_of)


def to_csv(plan: Plan, table: str) -> str:
    rows = ROWS[table](plan)
    out = io.StringIO()
    first = next(rows, None)
    if first is not None:
        writer = csv.DictWriter(out, fieldnames=list(first), lineterminator="\n")
        writer.writeheader()
        for row in itertools.chain((first,), rows):
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()
