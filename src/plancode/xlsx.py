"""The plans written in the teams' Excel templates (``plancode export --format xlsx``):
a sheet per workstream (template 2 營銷執行甘特圖), per review (template 4 營銷效果評估表)
and per weekly report (template 3 營銷執行跟蹤表), in the very layouts
:mod:`plancode.spreadsheet` reads back (``plancode import``): same columns, same header
words, people and departments by name.

openpyxl is imported inside :func:`workbook`: nothing else imports this module.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from typing import Any, Iterable

from .spreadsheet import (
    FORECAST_COLUMNS, LAYOUTS, REPORT_COLUMNS, REVIEW_COLUMNS, WORKSTREAM_COLUMNS, YEAR_REPORT_COLUMNS,
    YEAR_WORKSTREAM_COLUMNS, Directory, header_label,
)
from .views import tables as view_tables


def _plain(value: float) -> int | float:
    """A figure as people write it: 42, not 42.0."""
    return int(value) if float(value).is_integer() else value


def workbook(plan: Any, tables: Iterable[str], locale: str, as_of: dt.date) -> bytes:
    """One .xlsx workbook: a sheet per workstream (template 2), per review (template 4)
    and per weekly report (template 3), in the layouts ``plancode import`` reads back.

    Byte-identical for the same plans: the document dates are as_of, and the zip entries
    carry a fixed timestamp."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    names = Directory(plan)
    used: set[str] = set()
    wanted = set(tables)
    if "tasks" in wanted:
        columns = _gantt_columns(plan)
        for stream in plan.workstreams.values():
            _gantt_sheet(book, _sheet_name(stream.id, used), plan, stream, names, locale, columns)
    if "tasks" in wanted and plan.year:  # SPEC §5.1, §5.5: pace and modules, from the view tables
        _goal_pace_sheet(book, _sheet_name("goals", used), plan, locale)
        _modules_sheet(book, _sheet_name("modules", used), plan, locale)
    if "reviews" in wanted:
        for review in plan.reviews:
            _review_sheet(book, _sheet_name(review.label.replace("..", "_"), used), review, names, locale)
    if "reports" in wanted:
        columns = _report_columns(plan)
        for report in plan.reports:
            _report_sheet(book, _sheet_name(f"{report.week}-{report.department}", used), plan, report,
                          names, locale, columns)
    if not book.worksheets:
        book.create_sheet("plans")
    moment = dt.datetime.combine(as_of, dt.time())
    book.properties.created = book.properties.modified = moment
    book.properties.creator = "plancode"
    return _save(book)


def _save(book: Any) -> bytes:
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return stable.getvalue()


def _sheet_name(text: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ , unique ignoring case
    base = re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "sheet"
    name, counter = base, 2
    while name.lower() in used:
        suffix = f"~{counter}"
        name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
    used.add(name.lower())
    return name


def _write_table(sheet: Any, title: str, headers: list[str], rows: list[list[Any]],
                 formats: dict[int, str] | None = None, footnotes: Iterable[str] = ()) -> None:
    """Title row, header row, the rows; under them, after an empty row, the ``footnotes``
    (the document's own keys, ``負責人: 李偉``), each across the table, where import reads
    them back."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    def cell_value(value: Any) -> Any:
        # a workbook (XML 1.0) cannot hold control characters: openpyxl raises on `\x1b`
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    rows = [[cell_value(value) for value in row] for row in rows]
    sheet.append([cell_value(title)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    sheet.append(headers)
    for column in range(1, len(headers) + 1):
        cell = sheet.cell(2, column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(row)
    footnotes = [text for text in footnotes if text]
    if footnotes:
        sheet.append([None])
    for text in footnotes:
        sheet.append([cell_value(text)])
        last = sheet.max_row
        sheet.merge_cells(start_row=last, start_column=1, end_row=last, end_column=max(len(headers), 1))
        sheet.cell(last, 1).alignment = Alignment(vertical="top", wrap_text=True)
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":  # openpyxl makes text starting with `=` a formula: a
                cell.data_type = "s"  # task named `=HYPERLINK(…)` must stay the text it is
    for number, header in enumerate(headers, 1):
        values = [header] + [row[number - 1] for row in rows]
        width = max(_display_width(v) for v in values)
        sheet.column_dimensions[get_column_letter(number)].width = min(max(width + 2, 8), 48)
        for row_number in range(3, len(rows) + 3):
            cell = sheet.cell(row_number, number)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if formats and number in formats:
                cell.number_format = formats[number]
    sheet.freeze_panes = "A3"


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    longest = max(str(value).splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _gantt_columns(plan: Any) -> tuple[Any, ...]:
    """Template 2's columns; after them, the §5 keys the plans use (recurring tasks, strategy
    modules) and, for a plan that uses §5, the forecast: a plan without them gets the
    workbook it always had."""
    used = {"repeat": any(t.repeat for t in plan.tasks.values()),
            "module": any(w.module for w in plan.workstreams.values())}
    return (WORKSTREAM_COLUMNS + tuple(c for c in YEAR_WORKSTREAM_COLUMNS if used[c.key])
            + (FORECAST_COLUMNS if plan.year else ()))


def _predecessor_text(plan: Any, stream: Any, counts: dict[str, int], link: tuple[str, int, str],
                      locale: str) -> str:
    """A predecessor as the sheet names it: by name in its own workstream (by id when two
    tasks share the name), else WORKSTREAM/TASK; a link with a lag or start-to-start as
    Project writes it, ``直播間升級改造 (FS-3天)``, ``studio (SS)``."""
    full, lag, kind = link
    other = plan.tasks[full]
    text = (other.name if counts.get(other.name) == 1 else other.id) if other.workstream == stream.id else full
    if lag:
        return f"{text} ({kind.upper()}{lag:+d}{header_label('sheet.lag_unit', locale)})"
    return f"{text} (SS)" if kind == "ss" else text


def _gantt_sheet(book: Any, name: str, plan: Any, stream: Any, names: Directory, locale: str,
                 columns: tuple[Any, ...]) -> None:
    from .render.labels import Labels
    from .views.names import Names

    labels = Labels(locale)
    sheet = book.create_sheet(name)
    keys = [c.key for c in columns]
    headers = [header_label(c.label, locale) for c in columns]
    tasks = [plan.tasks[t] for t in stream.tasks]
    counts: dict[str, int] = {}
    for task in tasks:
        counts[task.name] = counts.get(task.name, 0) + 1
    module = Names(plan, labels).module(stream.module) if stream.module else ""
    rows = []
    for task in tasks:
        links = task.links or tuple((p, 0, "fs") for p in task.predecessors)
        after = [_predecessor_text(plan, stream, counts, link, locale) for link in links]
        values = {
            "id": task.id, "name": task.name, "owner": names.person_label(task.owner),
            "start": task.start, "end": task.end, "days": task.days, "after": "、".join(after),
            "progress": task.progress / 100, "status": labels(f"status.{task.status}"),
            "risk": "\n".join(r.risk for r in task.risks),
            # one line per risk, `–` where a risk has none, so that each line stays with its risk
            "mitigation": "\n".join(r.mitigation or "–" for r in task.risks)
            if any(r.mitigation for r in task.risks) else "",
            "risk_owner": "\n".join(names.person_label(r.owner) if r.owner else "–" for r in task.risks)
            if any(r.owner for r in task.risks) else "",
            "deliverable": task.deliverable, "metric": _metric_text(task.metric, labels),
            "budget": task.budget, "milestone": labels("done.yes") if task.milestone else "",
            "goal": task.goal or "", "support": "、".join(names.department_label(d) for d in task.support),
            "resources": task.resources, "notes": task.notes, "module": module,
            "repeat": header_label(f"sheet.repeat.{task.repeat}", locale) if task.repeat else "",
        }
        if plan.year:  # SPEC §5.4: the forecast end and its slip, as export's tasks table has them
            record = _record(view_tables.TASK_COLUMNS + view_tables.TASK_YEAR_COLUMNS, view_tables.task_values(task, True))
            values.update(forecast_end=record["forecast_end"], slip=record["slip"])
        rows.append([values[key] if values[key] != "" else None for key in keys])
    formats = {keys.index("start") + 1: "yyyy-mm-dd", keys.index("end") + 1: "yyyy-mm-dd",
               keys.index("progress") + 1: "0%"}
    if plan.year:
        formats[keys.index("forecast_end") + 1] = "yyyy-mm-dd"
    _write_table(sheet, stream.title, headers, rows, formats,
                 _footnotes("workstream", locale, owner=names.person_label(stream.owner), goal=stream.goal or "",
                            description=stream.description))


def _footnotes(kind: str, locale: str, **values: str) -> list[str]:
    """The document's own keys under its table, as import reads them back (LAYOUTS' footnotes)."""
    return [f"{header_label(label, locale)}: {values[key]}" for key, label in LAYOUTS[kind].footnotes
            if values.get(key)]


def _record(columns: tuple[Any, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    return {c.key: v for c, v in zip(columns, values)}


def _goal_pace_sheet(book: Any, name: str, plan: Any, locale: str) -> None:
    """SPEC §5.1: each goal's aggregate, expected to date and pace (export's goals table)."""
    sheet = book.create_sheet(name)
    table = view_tables.goals(plan)
    shown = ("id", "title", "aggregate", "expected", "pace")
    headers = [header_label(k, locale) for k in ("sheet.id", "sheet.goal_title", "sheet.aggregate",
                                                  "expected_to_date", "pace")]
    rows = []
    for values in table.rows:
        record = _record(table.columns, values)
        pace = record["pace"]
        rows.append([record["id"], record["title"], record["aggregate"], record["expected"],
                     pace / 100 if pace is not None else None])
    _write_table(sheet, header_label("pace", locale), headers, rows, {shown.index("pace") + 1: "0.0%"})


def _modules_sheet(book: Any, name: str, plan: Any, locale: str) -> None:
    """SPEC §5.5: each strategy's budget by module (export's modules table), each module
    named as the site names it (推廣策略 for ``promotion``; a free-text module as written)."""
    from .render.labels import Labels
    from .views.names import Names

    module_name = Names(plan, Labels(locale)).module
    sheet = book.create_sheet(name)
    table = view_tables.modules(plan)
    keys = ("sheet.strategy", "module", "sheet.share", "sheet.allocated", "planned_budget", "sheet.spent",
            "remaining", "sheet.workstreams")
    rows = []
    for values in table.rows:
        r = _record(table.columns, values)
        rows.append([r["strategy"], module_name(r["module"]), r["share"] / 100 if r["share"] is not None else None,
                     r["allocated"], r["planned"], r["spent"], r["remaining"], "、".join(r["workstreams"])])
    _write_table(sheet, header_label("module", locale), [header_label(k, locale) for k in keys], rows,
                 {3: "0.0%"})


def _metric_text(metric: Any, labels: Any) -> str:
    """``場均GMV 3萬元``; with a baseline and lower-is-better, ``新客獲客成本 60→50元/人 (越低越好)``."""
    if metric is None:
        return ""
    if metric.target is None:
        return metric.name
    baseline = f"{_plain(metric.baseline)}→" if metric.baseline is not None else ""
    direction = f" ({labels('direction.down')})" if metric.direction == "down" else ""
    return f"{metric.name} {baseline}{_plain(metric.target)}{metric.unit}{direction}"


def _review_sheet(book: Any, name: str, review: Any, names: Directory, locale: str) -> None:
    from .render.labels import Labels

    labels = Labels(locale)
    sheet = book.create_sheet(name)
    keys = [c.key for c in REVIEW_COLUMNS]
    headers = [header_label(c.label, locale) for c in REVIEW_COLUMNS]
    rows = []
    for row in review.rows:
        values = {
            "dimension": row.dimension, "metric": row.metric, "target": row.target, "actual": row.actual,
            "achievement": row.achievement_pct / 100 if row.achievement_pct is not None else None,
            "analysis": row.analysis, "actions": row.actions, "owner": names.person_label(row.owner),
            "unit": row.unit, "goal": row.goal or "", "direction": labels(f"direction.{row.direction}"),
        }
        rows.append([values[key] if values[key] != "" else None for key in keys])
    _write_table(sheet, review.title or review.label, headers, rows, {keys.index("achievement") + 1: "0%"},
                 _footnotes("review", locale, owner=names.person_label(review.owner), notes=review.notes))


def _report_columns(plan: Any) -> tuple[Any, ...]:
    """Template 3's columns; after them, for plans that write KPI values or task metric
    values in their reports (SPEC §5.1, §5.2), the goal and the value."""
    used = any(r.metrics or any(e.actual is not None for e in r.entries) for r in plan.reports)
    return REPORT_COLUMNS + (YEAR_REPORT_COLUMNS if used else ())


def _report_sheet(book: Any, name: str, plan: Any, report: Any, names: Directory, locale: str,
                  columns: tuple[Any, ...]) -> None:
    from .render.labels import Labels

    labels = Labels(locale)
    sheet = book.create_sheet(name)
    keys = [c.key for c in columns]
    headers = [header_label(c.label, locale) for c in columns]
    department_label = names.department_label(report.department)
    rows = []
    for entry in report.entries:
        values = {
            "department": names.department_label(report.department), "planned": entry.planned,
            "done": labels(f"done.{entry.done}") if entry.done else "", "reason": entry.reason,
            "results": "\n".join(f"{k}: {v}" for k, v in entry.results.items()),
            "support": entry.support, "next": entry.next, "task": entry.task or entry.task_ref,
            "progress": entry.progress / 100 if entry.progress is not None else None,
            "adjustment": entry.adjustment, "spent": entry.spent, "goal": "", "actual": entry.actual,
        }
        rows.append([values[key] if values[key] != "" else None for key in keys])
    for kpi in report.metrics:  # a row of its own: the goal, its value, the note
        values = {key: None for key in keys}
        values.update(department=department_label, goal=kpi.goal, actual=kpi.value, results=kpi.note or None)
        rows.append([values[key] for key in keys])
    department = plan.departments.get(report.department)
    title = f"{department.name if department else report.department} {report.week}"
    _write_table(sheet, title, headers, rows, {keys.index("progress") + 1: "0%"},
                 _footnotes("report", locale, author=names.person_label(report.author), notes=report.notes))
