"""Spreadsheet rows -> plan documents (``plancode import``): a sheet found in one of the
templates' layouts (:mod:`plancode.spreadsheet` reads sheets, cells and names) becomes a
workstream (template 2), a review (template 4) or weekly reports (template 3), with every
cell that cannot be read reported at its place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import i18n
from .spreadsheet import (
    DASHES, ID, LAYOUTS, LIST_SEPARATORS, Cell, Directory, Layout, Table, Unreadable, lines, parse_date,
    parse_days, parse_done, parse_module, parse_money, parse_percent, parse_quantity, parse_repeat,
    parse_status, parse_yes_no, split_list,
)

#: a predecessor with a link (SPEC §5.4), as export writes it and Project users type it:
#: ``直播間升級改造 (FS-3天)``, ``douyin-2026/studio (SS+10)``, ``選品 (SS)``
_LINK = re.compile(r"^(?P<ref>.+?)\s*\(\s*(?P<type>FS|SS)?\s*(?:(?P<sign>[-+−])\s*(?P<lag>\d{1,4}))?\s*"
                   r"(?:d|days?|天|日|個?工作日|个?工作日)?\s*\)$", re.IGNORECASE)


# --- import: sheets -> plan documents ----------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    where: str
    message_id: str
    values: dict[str, Any] = field(default_factory=dict)
    fatal: bool = True  # False: a note (a column left out)

    def text(self, messages: i18n.Messages) -> str:
        values = dict(self.values)
        if "template" in values:
            values["template"] = messages(f"template-{values['template']}")
        return f"{self.where}: {messages(self.message_id, **values)}"


class _Reader:
    """Reads one table's cells, collecting a Problem for each that cannot be read."""

    def __init__(self, table: Table):
        self.table = table
        self.problems: list[Problem] = []

    def report(self, cell: Cell, exc: Unreadable) -> None:
        self.problems.append(Problem(self.table.sheet.where(cell.row, cell.column), exc.message_id, exc.values))

    def read(self, row: dict[str, Cell], key: str, parse, *args: Any) -> Any:
        """``parse(cell, *args)`` for a filled cell; None when empty or unreadable."""
        cell = row.get(key)
        if cell is None or cell.empty:
            return None
        try:
            return parse(cell, *args)
        except Unreadable as exc:
            self.report(cell, exc)
            return None

    def text(self, row: dict[str, Cell], key: str) -> str | None:
        cell = row.get(key)
        return None if cell is None or cell.empty else cell.text


@dataclass
class Imported:
    documents: list[tuple[str, dict[str, Any]]]  # (suggested file name, document)
    problems: list[Problem]
    title: str = ""


def _ignored_notes(table: Table, layout: Layout) -> list[Problem]:
    return [Problem(table.sheet.where(cell.row, cell.column), "sheet-ignored-column",
                    {"value": cell.text, "template": layout.kind}, fatal=False)
            for cell in table.ignored]


def import_workstream(table: Table, plan: Any, ident: str, year: int | None, title: str | None = None,
                      goal: str | None = None, owner: str | None = None) -> Imported:
    """Template 2 rows → one workstream document."""
    reader = _Reader(table)
    names = Directory(plan)
    # the workstream's own keys, written under the table by export; the options win
    owner = owner or reader.read(table.footnotes, "owner", names.person)
    goal = goal or reader.read(table.footnotes, "goal", names.goal)
    rows = table.rows
    ids: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, 1):
        written = reader.text(row, "id")
        task_id = written or f"task-{number}"
        if written is not None and not ID.match(written):
            reader.report(row["id"], Unreadable("sheet-bad-id", value=written))
        elif written is not None and written in seen:
            reader.report(row["id"], Unreadable("sheet-duplicate-id", value=written))
        seen.add(task_id)
        ids.append(task_id)
    by_name: dict[str, list[str]] = {}
    for task_id, row in zip(ids, rows):
        name = reader.text(row, "name")
        if name:
            by_name.setdefault(name, []).append(task_id)

    def predecessor(cell: Cell, item: str) -> str:
        if item in by_name:
            if len(by_name[item]) > 1:
                raise Unreadable("sheet-ambiguous-predecessor", value=item)
            return by_name[item][0]
        if item in ids:
            return item
        if "/" in item and item in plan.tasks:
            return item
        raise Unreadable("sheet-unknown-predecessor", value=item)

    def link(cell: Cell, item: str) -> str | dict[str, Any]:
        """A predecessor as written; with a lag or a start-to-start type, its link. A
        task whose own name ends in parentheses (線上研討會(3場)) is that task."""
        try:
            return predecessor(cell, item)
        except Unreadable:
            match = _LINK.match(unicodedata.normalize("NFKC", item))
            if not match or not (match["type"] or match["lag"]):
                raise
        ref = predecessor(cell, match["ref"])
        lag = int(match["lag"] or 0) * (-1 if match["sign"] in ("-", "−") else 1)
        kind = (match["type"] or "fs").lower()
        if not lag and kind == "fs":
            return ref
        written: dict[str, Any] = {"task": ref}
        if lag:
            written["lag"] = lag
        if kind != "fs":
            written["type"] = kind
        from .commands._writing import Flow

        return Flow(written)

    tasks = []
    module: tuple[str, Cell] | None = None
    for task_id, row in zip(ids, rows):
        task: dict[str, Any] = {"id": task_id}
        name = reader.text(row, "name")
        if name is None:
            reader.report(row["name"], Unreadable("sheet-missing-name"))
        else:
            task["name"] = name
        person = reader.read(row, "owner", names.person)
        if person:
            task["owner"] = person
        after = []
        if "after" in row:
            for item in split_list(row["after"]):
                try:
                    after.append(link(row["after"], item))
                except Unreadable as exc:
                    reader.report(row["after"], exc)
        if after:
            task["after"] = after
        if reader.read(row, "milestone", parse_yes_no):
            task["milestone"] = True
        start = reader.read(row, "start", parse_date, year)
        end = reader.read(row, "end", parse_date, year)
        days = reader.read(row, "days", parse_days)
        if start and end and end < start:
            reader.report(row["end"], Unreadable("sheet-end-before-start", value=row["end"].text, start=start))
            end = None
        # a plan on working days (`calendar:`) exports working days, and reads them back so
        expected = (plan.calendar.count(start, end) if plan.calendar is not None else (end - start).days + 1) \
            if start and end else None
        if expected is not None and days and days != expected:
            key = "sheet-days-mismatch" if plan.calendar is None else "sheet-working-days-mismatch"
            reader.report(row["days"], Unreadable(key, value=row["days"].text, start=start, end=end, days=expected))
        if start:
            task["start"] = start.isoformat()
        if end:
            task["end"] = end.isoformat()
        elif days:
            task["days"] = days
        repeat = reader.read(row, "repeat", parse_repeat)
        if repeat:
            task["repeat"] = repeat
        written_module = reader.read(row, "module", parse_module)
        if written_module and module is None:
            module = written_module, row["module"]
        elif written_module and written_module != module[0]:
            reader.report(row["module"], Unreadable("sheet-module-differs", value=row["module"].text,
                                                    first=module[1].text))
        progress = reader.read(row, "progress", parse_percent)
        status = reader.read(row, "status", parse_status)
        if status == "done":
            if progress is None:
                progress = 100.0
            elif progress < 100:
                reader.report(row["status"], Unreadable("sheet-status-progress", value=row["status"].text,
                                                        progress=_number(progress)))
        if progress is not None and not repeat:  # a recurring task's is counted from its reports
            task["progress"] = _number(progress)
        if status in ("blocked", "cancelled"):
            task["status"] = status
        goal_id = reader.read(row, "goal", names.goal)
        if goal_id and goal_id != goal:
            task["goal"] = goal_id
        for key in ("deliverable", "resources"):
            text = reader.text(row, key)
            if text:
                task[key] = text
        budget = reader.read(row, "budget", parse_money)
        if budget is not None:
            task["budget"] = _number(budget)
        if "support" in row:
            support = []
            for item in split_list(row["support"]):
                try:
                    support.append(names.department(item))
                except Unreadable as exc:
                    reader.report(row["support"], exc)
            if support:
                task["support"] = list(dict.fromkeys(support))
        metric = reader.read(row, "metric", parse_metric)
        if metric:
            task["metric"] = metric
        risks = _risks(reader, row, names)
        if risks:
            task["risks"] = risks
        notes = reader.text(row, "notes")
        if notes:
            task["notes"] = notes
        tasks.append(task)

    if goal is None:
        # one goal for every task (as an exported sheet writes it) is the workstream's
        goals = {task.get("goal") for task in tasks}
        if len(goals) == 1 and None not in goals:
            goal = goals.pop()
            for task in tasks:
                del task["goal"]
    document: dict[str, Any] = {"kind": "workstream", "version": 1, "id": ident,
                                "title": title or table.title or ident}
    if goal:
        document["goal"] = goal
    if owner:
        document["owner"] = owner
    if module:
        document["module"] = module[0]
    description = reader.text(table.footnotes, "description")
    if description:
        document["description"] = description
    document["tasks"] = tasks
    problems = reader.problems + _ignored_notes(table, LAYOUTS["workstream"])
    return Imported([(f"{ident}.yaml", document)], problems, document["title"])


_DIRECTION_NOTE = re.compile(r"\s*\(\s*([^()]+?)\s*\)$")


def parse_metric(cell: Cell) -> dict[str, Any]:
    """``場均GMV 3萬元`` → {name: 場均GMV, unit: 萬元, target: 3}; ``新客獲客成本 60→50元/人
    (越低越好)`` → with baseline 60 and direction down; text without a number is the
    metric's name alone."""
    text = unicodedata.normalize("NFKC", cell.text)
    direction = None
    note = _DIRECTION_NOTE.search(text)
    if note and note[1].lower() in DIRECTION_WORDS:
        direction, text = DIRECTION_WORDS[note[1].lower()], text[:note.start()]
    number = r"(\d[\d,]*(?:\.\d+)?)"
    match = re.match(rf"^(.*?\D)\s*(?:{number}\s*(?:→|->)\s*)?{number}\s*([^\d\s]*)$", text)
    if not match or not match[1].strip():
        return {"name": cell.text}
    metric: dict[str, Any] = {"name": match[1].strip().rstrip(":：").strip()}
    if match[4]:
        metric["unit"] = match[4]
    if match[2]:
        metric["baseline"] = _number(float(match[2].replace(",", "")))
    metric["target"] = _number(float(match[3].replace(",", "")))
    if direction == "down":
        metric["direction"] = "down"
    return metric


def _risks(reader: _Reader, row: dict[str, Cell], names: Directory) -> list[dict[str, Any]]:
    risk_cell = row.get("risk")
    risks = lines(risk_cell) if risk_cell is not None else []
    mitigations = lines(row["mitigation"]) if "mitigation" in row else []
    owners = lines(row["risk_owner"]) if "risk_owner" in row else []
    for key, values in (("mitigation", mitigations), ("risk_owner", owners)):
        if len(values) > len(risks):
            reader.report(row[key], Unreadable("sheet-risk-lines", count=len(values), risks=len(risks)))
    result = []
    for index, risk in enumerate(risks):
        item: dict[str, Any] = {"risk": risk}
        if index < len(mitigations) and mitigations[index] not in DASHES:  # `–`: this risk has none
            item["mitigation"] = mitigations[index]
        if index < len(owners) and owners[index] not in DASHES:
            try:
                item["owner"] = names.person(Cell(owners[index], row["risk_owner"].row, row["risk_owner"].column))
            except Unreadable as exc:
                reader.report(row["risk_owner"], exc)
        result.append(item)
    return result


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


DIRECTION_WORDS = {"up": "up", "down": "down", "越高越好": "up", "越低越好": "down", "高": "up",
                   "低": "down", "↑": "up", "↓": "down", "higher is better": "up",
                   "lower is better": "down"}


def import_review(table: Table, plan: Any, period: Any, title: str | None = None,
                  owner: str | None = None) -> Imported:
    """Template 4 rows → one review document."""
    from .model.figures import achievement

    reader = _Reader(table)
    names = Directory(plan)
    owner = owner or reader.read(table.footnotes, "owner", names.person)
    rows_out = []
    for row in table.rows:
        item: dict[str, Any] = {}
        dimension = reader.text(row, "dimension")
        if dimension:
            item["dimension"] = dimension
        metric = reader.text(row, "metric")
        if metric is None:
            reader.report(row["metric"], Unreadable("sheet-missing-value", column=_header_text(table, "metric")))
        else:
            item["metric"] = metric
        for key in ("target", "actual"):
            if row[key].empty:
                reader.report(row[key], Unreadable("sheet-missing-value", column=_header_text(table, key)))
        target = reader.read(row, "target", parse_quantity)
        actual = reader.read(row, "actual", parse_quantity)
        unit = reader.text(row, "unit") or ""
        units = {u for u in (target[1] if target else "", actual[1] if actual else "") if u}
        if len(units) > 1:
            reader.report(row["actual"], Unreadable("sheet-unit-mismatch", value=row["actual"].text,
                                                    unit=actual[1], other=target[1]))
        elif units and unit and units != {unit}:
            cell = row["target"] if target and target[1] else row["actual"]
            reader.report(cell, Unreadable("sheet-unit-mismatch", value=cell.text, unit=units.pop(), other=unit))
        else:
            unit = unit or (units.pop() if units else "")
        if unit:
            item["unit"] = unit
        goal_id = reader.read(row, "goal", names.goal)
        if goal_id:
            item["goal"] = goal_id
        if target is not None:
            item["target"] = _number(target[0])
        if actual is not None:
            item["actual"] = _number(actual[0])
        direction = None
        if "direction" in row and not row["direction"].empty:
            direction = DIRECTION_WORDS.get(row["direction"].text.lower())
            if direction is None:
                reader.report(row["direction"], Unreadable("sheet-unknown-direction", value=row["direction"].text))
        written = reader.read(row, "achievement", parse_quantity)
        if written is not None and target is not None and actual is not None:
            # the sheet's rate is computed, not stored; it tells the direction when the
            # sheet has no direction column: 50 → 45 shown as 111 % is lower-is-better (CAC)
            shown = written[0] if written[1] == "%" or written[0] > 2 else written[0] * 100
            rates = {d: achievement(target[0], actual[0], d) for d in ("up", "down")}
            near = {d: rate is not None and abs(rate - shown) < 1 for d, rate in rates.items()}
            if direction is None and near["down"] and not near["up"]:
                direction = "down"
            elif not near[direction or "up"]:
                reader.report(row["achievement"], Unreadable(
                    "sheet-achievement-mismatch", value=row["achievement"].text,
                    up=_percent(rates["up"]), down=_percent(rates["down"])))
        if direction == "down":
            item["direction"] = "down"
        for key in ("analysis", "actions"):
            text = reader.text(row, key)
            if text:
                item[key] = text
        person = reader.read(row, "owner", names.person)
        if person:
            item["owner"] = person
        rows_out.append(item)
    document: dict[str, Any] = {"kind": "review", "version": 1, "period": period}
    shown_title = title or table.title
    from .model.figures import period_label

    if shown_title and (title or shown_title != period_label(period)):  # export's title row for no title
        document["title"] = shown_title
    if owner:
        document["owner"] = owner
    document["rows"] = rows_out
    notes = reader.text(table.footnotes, "notes")
    if notes:
        document["notes"] = notes
    problems = reader.problems + _ignored_notes(table, LAYOUTS["review"])
    name = f"{period['start']}_{period['end']}" if isinstance(period, dict) else str(period)
    return Imported([(f"{name}.yaml", document)], problems, shown_title or "")


def _percent(value: float | None) -> str:
    from .model.figures import round_half_up

    return "—" if value is None else f"{round_half_up(value)}%"


def _header_text(table: Table, key: str) -> str:
    """The column's header as the sheet writes it, without a trailing parenthesis."""
    cell = table.headers.get(key)
    if cell is None:
        return key
    return re.sub(r"\s*[(（].*[)）]$", "", cell.text) or cell.text


def import_reports(table: Table, plan: Any, week: str, department: str | None = None) -> Imported:
    """Template 3 rows → one report document per department."""
    reader = _Reader(table)
    names = Directory(plan)
    by_department: dict[str, list[dict[str, Any]]] = {}
    metrics: dict[str, list[dict[str, Any]]] = {}
    for row in table.rows:
        dept = department
        if "department" in row and not row["department"].empty:
            try:
                dept = names.department(row["department"].text)
            except Unreadable as exc:
                reader.report(row["department"], exc)
                continue
        if dept is None:
            cell = row.get("department") or row["planned"]
            reader.report(cell, Unreadable("sheet-missing-value", column=_header_text(table, "department")
                                           if "department" in row else "部門 / department"))
            continue
        task_cell = row.get("task") if row.get("task") is not None and not row["task"].empty else row["planned"]
        if "goal" in row and not row["goal"].empty:
            if task_cell.empty:  # SPEC §5.1: a KPI value of the week, on a row of its own
                kpi = _kpi_value(reader, table, row, names)
                if kpi:
                    metrics.setdefault(dept, []).append(kpi)
                    by_department.setdefault(dept, [])
                continue
            reader.report(row["goal"], Unreadable("sheet-goal-on-task-row", value=row["goal"].text))
        entry: dict[str, Any] = {}
        planned = reader.text(row, "planned")
        if task_cell.empty:
            reader.report(task_cell, Unreadable("sheet-missing-value", column=_header_text(table, "planned")))
        else:
            try:
                entry["task"] = _task_of(plan, task_cell.text, dept)
            except Unreadable as exc:
                reader.report(task_cell, exc)
        if planned:
            entry["planned"] = planned
        done = reader.read(row, "done", parse_done)
        results: dict[str, Any] = {}
        if done:
            entry["done"] = done[0]
        actual = reader.read(row, "actual", parse_quantity)
        if actual is not None:
            entry["actual"] = _number(actual[0])
        progress = reader.read(row, "progress", parse_percent)
        if progress is not None:
            entry["progress"] = _number(progress)
        for key in ("reason", "adjustment"):
            text = reader.text(row, key)
            if text:
                entry[key] = text
        if "results" in row and not row["results"].empty:
            results.update(parse_results(row["results"], _header_text(table, "results")))
        if done and done[1]:
            results[_header_text(table, "done")] = done[1]
        if results:
            from .commands._writing import Flow

            entry["results"] = Flow(results)
        spent = reader.read(row, "spent", parse_money)
        if spent is not None:
            entry["spent"] = _number(spent)
        for key in ("support", "next"):
            text = reader.text(row, key)
            if text:
                entry[key] = text
        by_department.setdefault(dept, []).append(entry)
    documents = []
    author = reader.read(table.footnotes, "author", names.person)  # else the department's lead
    notes = reader.text(table.footnotes, "notes")
    for dept, entries in by_department.items():
        document: dict[str, Any] = {"kind": "report", "version": 1, "week": week, "department": dept}
        lead = plan.departments[dept].lead if dept in plan.departments else None
        if author or lead:
            document["author"] = author or lead
        document["entries"] = entries
        if dept in metrics:
            document["metrics"] = metrics[dept]
        if notes:
            document["notes"] = notes
        documents.append((f"{week}-{dept}.yaml", document))
    problems = reader.problems + _ignored_notes(table, LAYOUTS["report"])
    return Imported(documents, problems, table.title)


def _kpi_value(reader: _Reader, table: Table, row: dict[str, Cell], names: Directory) -> dict[str, Any] | None:
    """A KPI row: its goal, its value (指標實際值) and a note (under 關鍵數據結果, as written)."""
    goal = reader.read(row, "goal", names.goal)
    if "actual" not in row or row["actual"].empty:
        cell = row.get("actual") or row["goal"]
        reader.report(cell, Unreadable("sheet-missing-value", column=_header_text(table, "actual")
                                       if "actual" in row else "指標實際值 / metric actual"))
        return None
    value = reader.read(row, "actual", parse_quantity)
    if goal is None or value is None:
        return None
    from .commands._writing import Flow

    kpi: dict[str, Any] = {"goal": goal, "value": _number(value[0])}
    note = reader.text(row, "results")
    if note:
        kpi["note"] = note
    return Flow(kpi)


def _task_of(plan: Any, text: str, department: str) -> str:
    """The full id of the task a report row names: its full id, its bare id when unique,
    or its exact name (the department's tasks first)."""
    if text in plan.tasks:
        return text
    for candidates in ([t for t in plan.tasks.values() if t.department == department],
                       list(plan.tasks.values())):
        found = [t.full_id for t in candidates if text in (t.name, t.id)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise Unreadable("sheet-ambiguous-task", value=text, tasks=", ".join(found))
    raise Unreadable("sheet-unknown-task", value=text)


_RESULT = re.compile(r"^(.*?\D)\s*[:：]?\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*(\S*)$")


def parse_results(cell: Cell, header: str) -> dict[str, Any]:
    """``總播放量12萬,點贊量8000+`` → {總播放量(萬): 12, 點贊量: "8000+"}: a name and a
    number per item; a unit after the number joins the name, so the figure stays a
    number; text that names no figure is kept whole under the column's header."""
    text = unicodedata.normalize("NFKC", cell.text)
    items = [item for item in (text.splitlines() if "\n" in text else LIST_SEPARATORS.split(text)) if item.strip()]
    results: dict[str, Any] = {}
    for item in items:
        match = _RESULT.match(item.strip())
        if not match or not match[1].strip(" :："):
            return {header: cell.text}
        name, number, unit = match[1].strip(" :："), match[2].replace(",", ""), match[3]
        value = _number(float(number))
        if unit in ("", "萬", "万", "次", "條", "条", "個", "个", "家", "件", "人", "元", "%"):
            results[f"{name}({unit})" if unit else name] = value
        else:
            results[name] = f"{number}{unit}"
    return results
