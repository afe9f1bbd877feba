"""The computed tables for BI tools and spreadsheets (``plancode export``).

A renderer of the view tables (:mod:`plancode.views.tables`, which choose the columns
and rows); this module only formats them. Dates are ISO strings; percentages are numbers
(one decimal where they are not whole).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
from typing import Any, Callable, Iterator, TextIO

from .model import Plan
from .views import tables
from .views.tables import Table

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


def _value(kind: str, value: Any) -> Any:
    """A view value as JSON holds it (see :data:`plancode.views.tables.KINDS`)."""
    if kind == "date":
        return _date(value)
    if kind == "pct":
        return _number(value)
    if kind == "amount":
        return _number(value, 2)
    if kind == "list":
        return list(value)
    return value


def rows(table: Table) -> Iterator[dict[str, Any]]:
    """A view table's rows as the dicts written to JSON and CSV."""
    columns = table.columns
    return ({c.key: _value(c.kind, v) for c, v in zip(columns, row)} for row in table.rows)


def task_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    return rows(tables.tasks(plan))


def goal_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    return rows(tables.goals(plan))


def review_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    return rows(tables.reviews(plan))


def report_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    return rows(tables.reports(plan))


def module_rows(plan: Plan) -> Iterator[dict[str, Any]]:
    """SPEC §5.5: each strategy's budget by module."""
    return rows(tables.modules(plan))


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


#: how a cell that a spreadsheet would run as a formula starts (`=HYPERLINK(…)` as a task's
#: name): such text gets a leading `'`, as OWASP advises for CSV, so it stays text
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        text = ";".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (int, float)):
        return str(value)  # -4.6 is a number, not a formula
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
