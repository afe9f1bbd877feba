"""``plancode import FILE.xlsx|FILE.csv --as workstream|review|report``: a spreadsheet in
the teams' template layouts becomes plan YAML (see :mod:`plancode.spreadsheet`).

Names and roles become person ids through the team file, so the plans must have one.
Every cell that cannot be read is reported with its sheet, row and column, and then
nothing is written (exit 1): a half-imported plan would hide the rows that failed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from .. import i18n
from ..cli import EXIT_FINDINGS, EXIT_USAGE, State

i18n.register({
    "import-propose-goal": (
        "the sheet names no goal, and a task serving no goal is PC304 in `plancode check`: "
        "import again with --goal ID, e.g. --goal {first}; the plans' goals: {goals}",
        "表格沒有寫關聯目標,沒有目標的任務在 `plancode check` 中會報 PC304:請加上 --goal ID 重新導入,"
        "例如 --goal {first};計劃中的目標:{goals}",
    ),
    "import-no-goals": (
        "the sheet names no goal and the plans have none yet: add the strategy's goals "
        "(plans/…/strategy.yaml), then import again with --goal ID",
        "表格沒有寫關聯目標,計劃中也還沒有目標:請先在策略文件中寫好目標,再加上 --goal ID 重新導入",
    ),
    "import-next": (
        "next: plancode check (the imported plans with the others), then commit",
        "下一步:plancode check(連同其他計劃一起檢查),然後提交",
    ),
    "import-no-table": (
        "{path}: no sheet has the header row of {template}; expected columns such as {columns}",
        "{path}:沒有任何工作表含有{template}的表頭;應有例如 {columns} 等列",
    ),
    "import-no-sheet": (
        "{path} has no sheet named {sheet}; its sheets: {sheets}",
        "{path} 中沒有名為 {sheet} 的工作表;現有:{sheets}",
    ),
    "import-need-id": (
        "give the workstream an id with --id (the sheet name and the file name are not ids)",
        "請用 --id 指定工作流的 id(工作表名稱和文件名都不是有效 id)",
    ),
    "import-need-period": (
        "give the review's period with --period, e.g. 2024-Q3",
        "請用 --period 指定評估期間,例如 2024-Q3",
    ),
    "import-need-week": (
        "give the report's week with --week, e.g. 2024-W24",
        "請用 --week 指定周報的周次,例如 2024-W24",
    ),
    "import-bad-option": (
        "{option} {value} is not in the plans; known: {known}",
        "{option} {value} 不在計劃中;已有:{known}",
    ),
    "import-unreadable-count": (
        "cells that could not be read: {count}; nothing was written",
        "有 {count} 個單元格無法讀取,未寫入任何文件",
    ),
    "import-several": (
        "the sheet holds {count} departments' reports ({departments}): choose one with "
        "--department, or give a folder as --output (ending in /)",
        "此表包含 {count} 個部門的周報({departments}):請用 --department 選擇其一,或以資料夾作為 --output(以 / 結尾)",
    ),
    "import-exists-in-plans": (
        "{what} `{ident}` already exists in {path}: keep one of the two, or ids will clash (PC104)",
        "{what} `{ident}` 已存在於 {path}:請只保留其中一個,否則 id 會衝突(PC104)",
    ),
    "import-schema": (
        "the imported {what} does not validate: {message}",
        "導入的{what}未通過驗證:{message}",
    ),
    "import-header": (
        "# imported from {source} by `plancode import`",
        "# 由 `plancode import` 從 {source} 導入",
    ),
})

_WEEK = re.compile(r"(\d{4}-W\d{2})")
_PERIOD = re.compile(r"^(\d{4}(?:-(?:H[12]|Q[1-4]|\d{2}))?)$")
#: a period of its own, {start, end}: `2024-06-01..2024-08-31` (export's sheet name: `_` for `..`)
_SPAN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|_)(\d{4}-\d{2}-\d{2})$")
_DEFAULT_SHEET = re.compile(r"^(sheet|工作表|表)\s*\d*$", re.IGNORECASE)
_EXAMPLE_COLUMNS = {
    "workstream": "任務, 負責人, 開始時間, 結束時間, 工期(天), 前置任務, 當前進度, 狀態, 風險點",
    "review": "評估維度, 核心指標, 目標值, 實際值, 達成率, 差異分析, 改進措施, 責任人",
    "report": "部門, 本周計劃任務, 完成情況, 未完成原因, 關鍵數據結果, 問題描述與需支持事項, 下周計劃",
}


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    from ..reporters import printable

    click.echo(printable(f"plancode: {message}"), err=True)
    sys.exit(code)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "kind", required=True, type=click.Choice(["workstream", "review", "report"]),
              help="What the sheet is: workstream (template 2, Gantt), review (template 4), "
                   "report (template 3, weekly tracking).")
@click.option("--sheet", metavar="NAME", help="The sheet to read (default: the first with the template's header).")
@click.option("--id", "ident", metavar="ID", help="Workstream id (default: the sheet's or the file's name).")
@click.option("--title", help="Workstream or review title (default: the title row above the header).")
@click.option("--goal", metavar="ID", help="Workstream: the goal its tasks serve.")
@click.option("--owner", metavar="ID", help="Workstream or review owner (a person id).")
@click.option("--period", metavar="PERIOD", help="Review: the period, e.g. 2024-Q3 or 2024-06-01..2024-08-31 "
                                                  "(default: from the name).")
@click.option("--week", metavar="YYYY-Www", help="Report: the ISO week (default: from the sheet's or file's name).")
@click.option("--department", metavar="ID", help="Report: only this department's rows (or the department "
                                                  "of a sheet without a department column).")
@click.option("--year", type=int, help="The year of dates written without one (6月15日); default: the strategy's.")
@click.option("--output", type=click.Path(),
              help="Write here instead of printing; a folder (an existing one, or ending in /) "
                   "takes each document under its usual name.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.pass_obj
def command(state: State, file: Path, kind: str, sheet: str | None, ident: str | None, title: str | None,
            goal: str | None, owner: str | None, period: str | None, week: str | None,
            department: str | None, year: int | None, output: str | None, force: bool) -> None:
    """Read a spreadsheet in a template layout (Chinese or English headers) into plan YAML.

    Every cell that cannot be read is reported as FILE:SHEET!CELL and nothing is written
    (exit 1). Without --output the YAML is printed."""
    from .. import sheet_import
    from .. import spreadsheet as sp
    from ..loader import display_path
    from ..reporters import printable

    ws = state.workspace()
    messages, plan, config = ws.messages, ws.plan, ws.config
    shown_file = display_path(file.absolute(), state.cwd)
    try:
        sheets = sp.read_sheets(file, file.name)
    except sp.SheetError as exc:
        _fail(messages(exc.message_id, **{**exc.values, "path": shown_file}))
    if sheet is not None:
        chosen = [s for s in sheets if s.name == sheet]
        if not chosen:
            _fail(messages("import-no-sheet", path=shown_file, sheet=sheet,
                           sheets=", ".join(s.name for s in sheets)))
        sheets = chosen
    layout = sp.LAYOUTS[kind]
    table = next((t for t in (sp.find_table(s, layout) for s in sheets) if t is not None), None)
    if table is None:
        _fail(messages("import-no-table", path=shown_file, template=messages(f"template-{kind}"),
                       columns=_EXAMPLE_COLUMNS[kind]))
    names = [table.sheet.name, file.stem]

    _check_option(messages, "--owner", owner, plan.people)
    _check_option(messages, "--goal", goal, plan.goals)
    _check_option(messages, "--department", department, plan.departments)
    if kind == "workstream":
        ident = ident or next((n for n in names if sp.ID.match(n) and not _DEFAULT_SHEET.match(n)), None)
        if ident is None or not sp.ID.match(ident):
            _fail(messages("import-need-id"))
        result = sheet_import.import_workstream(table, plan, ident, year or _year(plan), title, goal, owner)
        existing = plan.workstreams.get(ident)
        if existing is not None:
            click.echo(printable("plancode: " + messages("import-exists-in-plans", what=messages.noun("workstream"),
                                                          ident=ident, path=existing.source.path)), err=True)
    elif kind == "review":
        period = period or next((n for n in names if _PERIOD.match(n) or _SPAN.match(n)), None)
        if period is None or not (_PERIOD.match(period) or _SPAN.match(period)):
            _fail(messages("import-need-period"))
        span = _SPAN.match(period)
        value: Any = {"start": span[1], "end": span[2]} if span else int(period) if period.isdigit() else period
        result = sheet_import.import_review(table, plan, value, title, owner)
    else:
        week = week or next((m[1] for m in (_WEEK.search(n) for n in names) if m), None)
        from .new import parse_week

        if week is None or parse_week(week) is None:
            _fail(messages("import-need-week"))
        result = sheet_import.import_reports(table, plan, week, department)
        if department is not None:
            result.documents = [d for d in result.documents if d[1]["department"] == department]

    for problem in result.problems:
        click.echo(printable(problem.text(messages)), err=True)  # cells quoted as they were typed
    fatal = [p for p in result.problems if p.fatal]
    if fatal:
        _fail(messages("import-unreadable-count", count=len(fatal)), EXIT_FINDINGS)
    source = f"{file.name}" + (f" ({table.sheet.name})" if table.sheet.name else "")
    source = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", source)  # it goes into a `#` comment line
    _write(state, config, messages, result.documents, kind, source, output, force)
    if kind == "workstream" and not any(doc.get("goal") or any(t.get("goal") for t in doc.get("tasks") or [])
                                        for _, doc in result.documents):
        _propose_goal(plan, messages)


def _check_option(messages: i18n.Messages, option: str, value: str | None, known: dict) -> None:
    if value is not None and value not in known:
        _fail(messages("import-bad-option", option=option, value=value, known=", ".join(sorted(known)) or "—"))


def _year(plan: Any) -> int | None:
    """The year of dates written as 6月15日: the strategy's, when that is one year."""
    years = {s.start.year for s in plan.strategies.values()} | {s.end.year for s in plan.strategies.values()}
    if len(years) == 1:
        return years.pop()
    containing = {s.start.year for s in plan.strategies.values() if s.start <= plan.as_of <= s.end}
    return containing.pop() if len(containing) == 1 else None


def _text(document: dict[str, Any], kind: str, source: str, messages: i18n.Messages, modeline: str) -> str:
    """The YAML of one document, validated against its schema (a bug if it fails)."""
    from ..loader import load_text
    from ..validate import validate_document
    from ._writing import dump

    text = modeline + messages("import-header", source=source) + "\n" + dump(document)
    doc, problems = load_text(text.encode("utf-8"), Path("imported.yaml"), "imported.yaml", messages)
    findings = validate_document(doc, messages) if doc is not None else []
    if problems or findings:
        message = problems[0].message if problems else findings[0].message
        _fail(messages("import-schema", what=messages.noun(kind), message=message))
    return text


def _propose_goal(plan: Any, messages: i18n.Messages) -> None:
    """The sheet names no goal: `plancode check` would find PC304 on every task. Say so,
    with the goals to choose from (the most specific first: goals without sub-goals)."""
    from ..reporters import printable

    goals = sorted(plan.goals.values(), key=lambda g: (bool(g.children), g.id)) if plan.goals else []
    shown = [f"{g.id} ({g.title})" for g in goals[:8]] + (["…"] if len(goals) > 8 else [])
    key = "import-propose-goal" if goals else "import-no-goals"
    click.echo(printable("plancode: " + messages(key, goals=messages.separator.join(shown),
                                                 first=goals[0].id if goals else "")), err=True)


def _write(state: State, config: Any, messages: i18n.Messages, documents: list[tuple[str, dict]], kind: str,
           source: str, output: str | None, force: bool) -> None:
    import os

    from ._writing import modeline, shown, write_or_exit

    if output is None:
        texts = [_text(document, kind, source, messages, "") for _, document in documents]
        click.echo("---\n".join(texts), nl=False)
        return
    target = state.cwd / output
    folder = output.endswith(("/", os.sep)) or target.is_dir()
    if len(documents) > 1 and not folder:
        departments = ", ".join(d["department"] for _, d in documents)
        _fail(messages("import-several", count=len(documents), departments=departments))
    for name, document in documents:
        path = target / name if folder else target
        text = _text(document, kind, source, messages, modeline(kind, path, config.root))
        write_or_exit(path, text.encode("utf-8"), force, messages, config.root, state.cwd)
        click.echo(messages("write-wrote", path=shown(path, state.cwd)), err=True)
    click.echo(messages("import-next"), err=True)
