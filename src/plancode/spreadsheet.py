"""The spreadsheet bridge: the teams' Excel templates (shared/domain/templates.md) read
into plan files, and the plans written back in the same layouts.

Three templates carry plan data:
- template 2 營銷執行甘特圖 ↔ a workstream (one sheet, one Gantt);
- template 3 營銷執行跟蹤表 ↔ weekly reports (one document per department);
- template 4 營銷效果評估表 ↔ a review.

A sheet is recognised by its header row (found among the first rows, under any title
row), in Traditional or Simplified Chinese or in English, with the columns in any order.
Cells are read the way people type them — ``2024.06.01``, ``6月15日``, ``90%``, ``90萬``,
``已完成``, a person's name or role — and every cell that cannot be read is reported at
its place (``gantt.xlsx:Sheet1!E4``), never skipped silently.

This module reads: sheets, cells and names. Turning a sheet's rows into plan documents
is :mod:`plancode.sheet_import`; the writing half (the plans in the same layouts,
``plancode export --format xlsx``) is :mod:`plancode.xlsx`.

openpyxl is imported inside the functions that open a workbook: ``plancode check``
never imports this module.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import i18n

i18n.register({
    "sheet-not-a-date": ("「{value}」 is not a date", "「{value}」不是日期"),
    "sheet-no-year": (
        "「{value}」 has no year: pass --year, or keep one strategy whose period gives it",
        "「{value}」沒有年份:請加 --year,或保留一個可確定年份的策略",
    ),
    "sheet-not-a-percent": ("「{value}」 is not a percentage from 0 to 100", "「{value}」不是 0 到 100 的百分比"),
    "sheet-not-a-number": ("「{value}」 is not a number", "「{value}」不是數字"),
    "sheet-not-money": (
        "「{value}」 is not an amount of money (e.g. 8000, 0.8萬, 1.5萬元)",
        "「{value}」不是金額(例如 8000、0.8萬、1.5萬元)",
    ),
    "sheet-not-days": ("「{value}」 is not a number of days", "「{value}」不是天數"),
    "sheet-days-mismatch": (
        "「{value}」 days does not match {start} to {end}, which is {days} days (both ends included)",
        "工期「{value}」天與 {start} 至 {end} 不符,應為 {days} 天(含首尾兩天)",
    ),
    "sheet-working-days-mismatch": (
        "「{value}」 days does not match {start} to {end}, which is {days} working days (both ends included; "
        "the plan counts working days: `calendar:` in plancode.yaml)",
        "工期「{value}」天與 {start} 至 {end} 不符,應為 {days} 個工作日(含首尾兩天;本計劃按工作日計算:plancode.yaml 的 `calendar:`)",
    ),
    "sheet-end-before-start": ("「{value}」 is before the start {start}", "「{value}」早於開始日期 {start}"),
    "sheet-unknown-person": (
        "「{value}」 is not a person of the team (write their name, role or id)",
        "「{value}」不是團隊中的人員(請寫姓名、職位或人員 id)",
    ),
    "sheet-ambiguous-person": (
        "「{value}」 could be any of {people}: write the person's name or id",
        "「{value}」可能是 {people} 中的任何一位:請寫姓名或人員 id",
    ),
    "sheet-unknown-department": (
        "「{value}」 is not a department of the team (write its name or id)",
        "「{value}」不是團隊中的部門(請寫部門名稱或 id)",
    ),
    "sheet-unknown-goal": (
        "「{value}」 is not a goal of the strategy (write its id or title)",
        "「{value}」不是策略中的目標(請寫目標 id 或標題)",
    ),
    "sheet-unknown-status": (
        "「{value}」 is not a status: 未開始, 進行中, 已完成, 逾期, 受阻 or 已取消",
        "「{value}」不是有效狀態:未開始、進行中、已完成、逾期、受阻或已取消",
    ),
    "sheet-status-progress": (
        "「{value}」 says the task is done, but its progress is {progress}%: make it 100% or change the status",
        "狀態「{value}」表示已完成,但進度為 {progress}%:請改為 100% 或修改狀態",
    ),
    "sheet-unknown-done": (
        "「{value}」 is not 是, 否 or 部分完成 (yes, no, partial)",
        "「{value}」不是 是、否 或 部分完成",
    ),
    "sheet-unknown-predecessor": (
        "「{value}」 is not a task of this sheet (its name or id) nor WORKSTREAM/TASK of the plans",
        "「{value}」不是本表中的任務(名稱或編號),也不是計劃中的 WORKSTREAM/TASK",
    ),
    "sheet-ambiguous-predecessor": (
        "「{value}」 names several tasks of this sheet: use the task's id",
        "本表中有多個任務叫「{value}」:請改用任務編號",
    ),
    "sheet-unknown-task": (
        "「{value}」 names no task of the plans: add a task column with WORKSTREAM/TASK, or "
        "use the task's exact name",
        "「{value}」對應不到計劃中的任務:請加一列「任務」填寫 WORKSTREAM/TASK,或使用任務的完整名稱",
    ),
    "sheet-ambiguous-task": (
        "「{value}」 could be any of {tasks}: add a task column with WORKSTREAM/TASK",
        "「{value}」可能是 {tasks} 中的任何一個:請加一列「任務」填寫 WORKSTREAM/TASK",
    ),
    "sheet-bad-id": (
        "「{value}」 is not an id: letters, digits, `.`, `_` and `-`, starting with a letter or digit",
        "「{value}」不是有效 id:只能用英文字母、數字、`.`、`_`、`-`,並以字母或數字開頭",
    ),
    "sheet-duplicate-id": ("「{value}」 is the id of an earlier row too", "「{value}」與前面某行的編號重複"),
    "sheet-missing-name": ("the row has no task name", "這一行沒有任務名稱"),
    "sheet-missing-value": ("the row has no {column}", "這一行沒有「{column}」"),
    "sheet-unit-mismatch": (
        "「{value}」 is in {unit}, but the row's other figure is in {other}",
        "「{value}」的單位是 {unit},但同一行的另一個數值單位是 {other}",
    ),
    "sheet-achievement-mismatch": (
        "「{value}」 matches neither actual ÷ target ({up}) nor target ÷ actual ({down})",
        "「{value}」與 實際÷目標({up})和 目標÷實際({down})都不符",
    ),
    "sheet-risk-lines": (
        "{count} lines, but the risk cell has {risks}: write one line per risk",
        "有 {count} 行,但風險點只有 {risks} 行:請每個風險一行",
    ),
    "sheet-unknown-direction": (
        "「{value}」 is not a direction: 越高越好 (up) or 越低越好 (down)",
        "「{value}」不是有效方向:越高越好(up)或越低越好(down)",
    ),
    "sheet-not-yes-no": ("「{value}」 is not 是 or 否", "「{value}」不是 是 或 否"),
    "sheet-unknown-repeat": (
        "「{value}」 is not a repetition: 每週 (weekly) or 每月 (monthly)",
        "「{value}」不是有效週期:每週(weekly)或每月(monthly)",
    ),
    "sheet-unknown-module": (
        "「{value}」 is not a strategy module: write its key in the strategy's budget allocation "
        "(e.g. promotion) or its name (推廣策略)",
        "「{value}」不是策略模塊:請寫策略預算分配中的鍵(例如 promotion)或其名稱(推廣策略)",
    ),
    "sheet-goal-on-task-row": (
        "「{value}」: a row names a task or a goal, not both; put the goal's KPI value on a row of its own "
        "(goal and 指標實際值, no planned task)",
        "「{value}」:一行只能寫任務或目標其中之一;請把目標的 KPI 實際值寫在單獨一行(關聯目標與指標實際值,不填計劃任務)",
    ),
    "sheet-module-differs": (
        "「{value}」 differs from 「{first}」 above: a workstream draws on one strategy module",
        "「{value}」與上方的「{first}」不同:一個工作流只屬於一個策略模塊",
    ),
    "sheet-unreadable": ("cannot read {path}: {reason}", "無法讀取 {path}:{reason}"),
    "sheet-old-excel": (
        "{path} is an old .xls workbook: save it as .xlsx (or .csv) in Excel or WPS and import that",
        "{path} 是舊版 .xls 文件:請在 Excel 或 WPS 中另存為 .xlsx(或 .csv)後再導入",
    ),
    "sheet-not-a-sheet": (
        "{path} is neither an .xlsx workbook nor a .csv file",
        "{path} 既不是 .xlsx 工作簿,也不是 .csv 文件",
    ),
    "sheet-csv-encoding": (
        "{path} is neither UTF-8 nor GB18030 text: save it as CSV UTF-8",
        "{path} 既不是 UTF-8 也不是 GB18030 編碼:請另存為「CSV UTF-8」",
    ),
    "sheet-ignored-column": (
        "column 「{value}」 is not part of {template}; it is left out",
        "「{value}」列不屬於{template},已略過",
    ),
    "template-workstream": ("template 2 (Gantt)", "模板2 營銷執行甘特圖"),
    "template-review": ("template 4 (evaluation)", "模板4 營銷效果評估表"),
    "template-report": ("template 3 (weekly tracking)", "模板3 營銷執行跟蹤表"),
})

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: cells that say "nothing here" in every template
DASHES = {"", "-", "–", "—", "－", "--", "/", "n/a", "N/A", "NA"}
#: …and, in a structured column (predecessors, risks, departments), "none"
NONE_WORDS = {"無", "无", "none", "None", "沒有", "没有"}
HEADER_ROWS = 20
LIST_SEPARATORS = re.compile(r"\s*(?:\n|[,，、;；])\s*")


# --- layouts -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    label: str  # render/labels.py key of the header written by export
    aliases: tuple[str, ...]  # headers accepted on import, besides both locales' labels


WORKSTREAM_COLUMNS = (
    Column("id", "sheet.id", ("編號", "编号", "任務編號", "任务编号", "id", "taskid")),
    Column("name", "task", ("任務", "任务", "任務名稱", "任务名称", "三級任務", "三级任务", "工作任務",
                            "工作任务", "task", "taskname", "name")),
    Column("owner", "owner", ("負責人", "负责人", "責任人", "责任人", "owner")),
    Column("start", "start", ("開始時間", "开始时间", "開始日期", "开始日期", "開始", "开始", "start",
                              "startdate")),
    Column("end", "end", ("結束時間", "结束时间", "結束日期", "结束日期", "完成時間", "完成时间", "截止時間",
                          "截止时间", "截止日期", "結束", "结束", "end", "enddate", "due")),
    Column("days", "days", ("工期", "days", "duration")),
    Column("after", "predecessors", ("前置任務", "前置任务", "前置", "predecessor", "predecessors", "after")),
    Column("progress", "progress", ("當前進度", "当前进度", "進度", "进度", "完成進度", "完成进度", "progress")),
    Column("status", "status", ("狀態", "状态", "status")),
    Column("risk", "risk", ("風險點", "风险点", "風險", "风险", "risk", "risks")),
    Column("mitigation", "mitigation", ("應對措施", "应对措施", "mitigation")),
    Column("risk_owner", "sheet.risk_owner", ("風險負責人", "风险负责人", "riskowner")),
    Column("deliverable", "deliverable", ("交付標準", "交付标准", "交付物", "deliverable")),
    Column("metric", "metric", ("量化指標", "量化指标", "metric")),
    Column("budget", "budget", ("預算", "预算", "budget")),
    Column("milestone", "milestone", ("里程碑", "milestone")),
    Column("goal", "sheet.goal", ("關聯目標", "关联目标", "目標", "目标", "goal")),
    Column("support", "support", ("配合部門", "配合部门", "support")),
    Column("resources", "resources", ("資源需求", "资源需求", "resources")),
    Column("notes", "sheet.notes", ("備注", "备注", "備註", "notes")),
)
#: SPEC §5.2, §5.5: columns export adds after the template's when the plans use these keys
#: (a recurring task; a workstream's strategy module, repeated on each row as template 7
#: 策略拆解與資源分配表 writes it), read back into the plan
YEAR_WORKSTREAM_COLUMNS = (
    Column("repeat", "sheet.repeat", ("週期", "周期", "重複", "重复", "週期任務", "周期任务", "repeat", "recurring")),
    Column("module", "module", ("策略模塊", "策略模块", "模塊", "模块", "module", "strategymodule")),
)
#: SPEC §5.4: computed columns export adds to a workstream's sheet for a plan that uses §5;
#: known on import (no "ignored column" note) and not read back, since they are computed
FORECAST_COLUMNS = (
    Column("forecast_end", "sheet.forecast_end", ("預測結束", "预测结束", "forecastend")),
    Column("slip", "sheet.slip", ("延期", "slip")),
)
REVIEW_COLUMNS = (
    Column("dimension", "dimension", ("評估維度", "评估维度", "維度", "维度", "dimension")),
    Column("metric", "kpi", ("核心指標", "核心指标", "指標", "指标", "kpi", "metric")),
    Column("target", "target", ("目標值", "目标值", "目標", "目标", "target")),
    Column("actual", "actual_value", ("實際值", "实际值", "實際", "实际", "actual")),
    Column("achievement", "achievement", ("達成率", "达成率", "achievement")),
    Column("analysis", "analysis", ("差異分析", "差异分析", "analysis", "varianceanalysis")),
    Column("actions", "actions", ("改進措施", "改进措施", "actions", "improvement")),
    Column("owner", "owner", ("責任人", "责任人", "負責人", "负责人", "owner")),
    Column("unit", "sheet.unit", ("單位", "单位", "unit")),
    Column("goal", "sheet.goal", ("關聯目標", "关联目标", "goal")),
    Column("direction", "sheet.direction", ("方向", "direction")),
)
REPORT_COLUMNS = (
    Column("department", "department", ("部門", "部门", "department", "dept")),
    Column("planned", "planned_this_week", ("本周計劃任務", "本周计划任务", "本週計劃任務", "計劃任務",
                                            "计划任务", "planned", "plannedthisweek")),
    Column("done", "done", ("完成情況", "完成情况", "done")),
    Column("reason", "reason", ("未完成原因", "reason")),
    Column("results", "results", ("關鍵數據結果", "关键数据结果", "關鍵數據", "关键数据", "results",
                                  "keyresults")),
    Column("support", "support_needed", ("問題描述與需支持事項", "问题描述与需支持事项", "需支持事項",
                                         "需支持事项", "support", "issuesandsupportneeded")),
    Column("next", "next", ("下周計劃", "下周计划", "下週計劃", "next", "nextweek")),
    Column("task", "task", ("任務", "任务", "task")),
    Column("progress", "progress", ("當前進度", "当前进度", "進度", "进度", "progress")),
    Column("adjustment", "adjustment", ("調整措施", "调整措施", "adjustment")),
    Column("spent", "spent", ("本周花費", "本周花费", "實際花費", "实际花费", "花費", "花费", "spent")),
)

#: SPEC §5.1, §5.2: a report's KPI values (a row of their own: its goal and value, the note
#: under 關鍵數據結果) and its entries' metric values, after the template's columns
YEAR_REPORT_COLUMNS = (
    Column("goal", "sheet.goal", ("關聯目標", "关联目标", "目標", "目标", "goal")),
    Column("actual", "sheet.metric_actual", ("指標實際值", "指标实际值", "實際值", "实际值", "actual")),
)


@dataclass(frozen=True)
class Layout:
    kind: str
    columns: tuple[Column, ...]
    required: frozenset[str]  # the keys that make a row the header
    #: the document's own keys, each a footnote row under the table (``負責人: 李偉``,
    #: ``備注: …``): (key, label), in the order export writes them
    footnotes: tuple[tuple[str, str], ...] = ()


LAYOUTS = {
    "workstream": Layout("workstream", WORKSTREAM_COLUMNS + YEAR_WORKSTREAM_COLUMNS + FORECAST_COLUMNS,
                         frozenset({"name", "owner"}),
                         (("owner", "owner"), ("goal", "sheet.goal"), ("description", "sheet.description"))),
    "review": Layout("review", REVIEW_COLUMNS, frozenset({"metric", "target", "actual"}),
                     (("owner", "owner"), ("notes", "sheet.notes"))),
    "report": Layout("report", REPORT_COLUMNS + YEAR_REPORT_COLUMNS, frozenset({"planned", "done"}),
                     (("author", "sheet.author"), ("notes", "sheet.notes"))),
}


def normalize_header(text: Any) -> str:
    """A header as compared: full-width folded, lower case, no spaces, no trailing
    parenthesis (``工期(天)`` is ``工期``, ``完成情況(是/否/部分完成)`` is ``完成情況``)."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    text = re.sub(r"\s+", "", text)
    return re.sub(r"\(.*\)$", "", text) or text


def _alias_index(layout: Layout) -> dict[str, str]:
    from .render.labels import LABELS

    index: dict[str, str] = {}
    for column in layout.columns:
        for alias in (*LABELS.get(column.label, ()), *SHEET_LABELS.get(column.label, ()), *column.aliases):
            index.setdefault(normalize_header(alias), column.key)
            if not alias.isascii():  # a mainland team's sheet has the Simplified headers
                index.setdefault(normalize_header(i18n.simplified(alias)), column.key)
    return index


# --- labels of the export headers that render/labels.py does not have ------------------------

SHEET_LABELS = {
    "sheet.id": ("ID", "編號"),
    "sheet.goal": ("Goal", "關聯目標"),
    "sheet.risk_owner": ("Risk owner", "風險負責人"),
    "sheet.notes": ("Notes", "備注"),
    "sheet.unit": ("Unit", "單位"),
    "sheet.direction": ("Direction", "方向"),
    "sheet.repeat": ("Repeat", "週期"),
    "sheet.repeat.weekly": ("Weekly", "每週"),
    "sheet.repeat.monthly": ("Monthly", "每月"),
    "sheet.lag_unit": ("d", "天"),  # a link's lag: 直播間升級改造 (FS-3天)
    "sheet.metric_actual": ("Metric actual", "指標實際值"),
    "sheet.description": ("Description", "計劃說明"),
    "sheet.author": ("Author", "填報人"),
    # SPEC §5 figures (export only)
    "sheet.forecast_end": ("Forecast end", "預測結束"),
    "sheet.slip": ("Slip (days)", "延期(天)"),
    "sheet.goal_title": ("Goal", "目標"),
    "sheet.aggregate": ("Aggregate", "彙總方式"),
    "sheet.strategy": ("Strategy", "策略"),
    "sheet.share": ("Share", "佔比"),
    "sheet.allocated": ("Allocated", "分配預算"),
    "sheet.spent": ("Spent", "已花費"),
    "sheet.workstreams": ("Workstreams", "工作流"),
}


def header_label(key: str, locale: str) -> str:
    from .render.labels import Labels

    if key in SHEET_LABELS:
        return i18n.pick(SHEET_LABELS[key], locale)
    return Labels(locale)(key)


# --- reading sheets ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    value: Any
    row: int  # 1-based
    column: int  # 1-based
    number_format: str = "General"

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, float) and self.value == int(self.value):
            return str(int(self.value))
        return unicodedata.normalize("NFC", str(self.value)).strip()

    @property
    def empty(self) -> bool:
        return self.text in DASHES


@dataclass
class Sheet:
    file: str  # the file name as shown in messages
    name: str  # the sheet's name ("" for a CSV file)
    rows: list[list[Cell]]

    def where(self, row: int, column: int) -> str:
        cell = f"{column_letter(column)}{row}"
        return f"{self.file}:{self.name}!{cell}" if self.name else f"{self.file}:{cell}"


def column_letter(column: int) -> str:
    """1 → A, 27 → AA, as spreadsheets name columns."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class SheetError(Exception):
    """The file cannot be read as a sheet at all (exit 2)."""

    def __init__(self, message_id: str, **values: Any):
        super().__init__(message_id)
        self.message_id = message_id
        self.values = values


def read_sheets(path: Path, shown: str) -> list[Sheet]:
    """Every sheet of an .xlsx/.xlsm workbook, or the one table of a .csv file, read within
    bounds (:mod:`plancode.sheet_reading`)."""
    from .sheet_reading import read_sheets as read

    return read(path, shown)


@dataclass
class Table:
    """The rows under a recognised header: ``cells[key]`` of each row."""

    sheet: Sheet
    title: str  # the single-cell row above the header, if any
    headers: dict[str, Cell]  # key -> its header cell
    ignored: list[Cell]  # headers of columns the layout does not know
    rows: list[dict[str, Cell]]
    #: the document's keys written under the table (see Layout.footnotes): each one's text,
    #: at the footnote's cell
    footnotes: dict[str, Cell] = field(default_factory=dict)


def _footnote(row: list[Cell], layout: Layout) -> tuple[str, Cell] | None:
    """``負責人: 李偉`` (a label of the layout's footnotes, in any locale) alone in the first
    column (a merged row repeats it): the key and its text; None for any other row."""
    from .render.labels import LABELS

    texts = {c.text for c in row if c.text}
    if len(texts) != 1 or min(c.column for c in row if c.text) != 1:
        return None
    match = re.match(r"^([^:：\n]{1,20}?)\s*[:：]\s*(.*)$", texts.pop(), re.S)
    if not match:
        return None
    for key, label in layout.footnotes:
        labels = SHEET_LABELS.get(label) or LABELS.get(label, ())
        known = {normalize_header(text) for text in labels} | {normalize_header(i18n.simplified(t)) for t in labels}
        if normalize_header(match[1]) in known:
            first = next(c for c in row if c.text)
            return key, Cell(match[2].strip(), first.row, first.column)
    return None


def find_table(sheet: Sheet, layout: Layout) -> Table | None:
    index = _alias_index(layout)
    for row_number, row in enumerate(sheet.rows[:HEADER_ROWS]):
        headers: dict[str, Cell] = {}
        ignored = []
        for cell in row:
            key = index.get(normalize_header(cell.text)) if cell.text else None
            if key is not None and key not in headers:
                headers[key] = cell
            elif cell.text and key is None:
                ignored.append(cell)
        if not layout.required <= headers.keys():
            continue
        title = ""
        for above in reversed(sheet.rows[:row_number]):
            filled = {c.text for c in above if c.text}
            if len(filled) == 1:  # merged title cells repeat one text
                title = filled.pop()
                break
        below = sheet.rows[row_number + 1:]
        footnotes: dict[str, Cell] = {}
        while below:  # the footnotes: the last rows, each alone in the first column
            if any(c.text for c in below[-1]):
                found = _footnote(below[-1], layout)
                if found is None:
                    break
                footnotes.setdefault(*found)
            below = below[:-1]
        rows = []
        for data in below:
            by_column = {c.column: c for c in data}
            cells = {key: by_column.get(header.column, Cell(None, data[0].row if data else 0, header.column))
                     for key, header in headers.items()}
            if all(cell.empty for cell in cells.values()):
                continue
            rows.append(cells)
        return Table(sheet, title, headers, ignored, rows, footnotes)
    return None


# --- reading values ---------------------------------------------------------------------------

class Unreadable(Exception):
    """A cell that cannot be read: the message id and its values."""

    def __init__(self, message_id: str, **values: Any):
        super().__init__(message_id)
        self.message_id = message_id
        self.values = values


_FULL_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?$")


def parse_date(cell: Cell, year: int | None) -> dt.date:
    """``2024-06-01``, ``2024.06.01``, ``2024/6/1``, ``2024年6月1日``, ``6月15日`` (with
    ``year``) or a date cell."""
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", cell.text)
    match = _FULL_DATE.match(text)
    if match:
        parts = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _MONTH_DAY.match(text)
        if not match:
            raise Unreadable("sheet-not-a-date", value=cell.text)
        if year is None:
            raise Unreadable("sheet-no-year", value=cell.text)
        parts = year, int(match[1]), int(match[2])
    try:
        return dt.date(*parts)
    except ValueError:
        raise Unreadable("sheet-not-a-date", value=cell.text) from None


_NUMBER = re.compile(r"^([-+]?\d[\d,]*(?:\.\d+)?|[-+]?\.\d+)\s*(.*)$")


def parse_quantity(cell: Cell) -> tuple[float, str]:
    """A number and the unit written after it: ``90萬`` → (90, "萬"), ``50元/人`` →
    (50, "元/人"), ``1,200`` → (1200, "")."""
    value = cell.value
    if isinstance(value, bool):
        raise Unreadable("sheet-not-a-number", value=cell.text)
    if isinstance(value, (int, float)):
        if "%" in cell.number_format:
            return _tidy(float(value) * 100), "%"
        return _tidy(float(value)), ""
    text = unicodedata.normalize("NFKC", cell.text)
    match = _NUMBER.match(text)
    if not match:
        raise Unreadable("sheet-not-a-number", value=cell.text)
    return _tidy(float(match[1].replace(",", ""))), match[2].strip()


def _tidy(number: float) -> float:
    """Drop floating-point noise (0.9 × 100 = 90.00000000000001)."""
    return round(number, 6)


def parse_percent(cell: Cell) -> float:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value) * 100 if "%" in cell.number_format else float(value)
    else:
        match = re.match(r"^\D{0,4}?(\d+(?:\.\d+)?)\s*%?$", unicodedata.normalize("NFKC", cell.text))
        if not match:
            raise Unreadable("sheet-not-a-percent", value=cell.text)
        number = float(match[1])
    number = _tidy(number)
    if not 0 <= number <= 100:
        raise Unreadable("sheet-not-a-percent", value=cell.text)
    return number


_MONEY_SCALE = {"": 1, "元": 1, "rmb": 1, "cny": 1, "¥": 1, "萬": 10_000, "万": 10_000, "萬元": 10_000,
                "万元": 10_000, "w": 10_000, "千": 1_000, "千元": 1_000, "k": 1_000, "億": 100_000_000,
                "亿": 100_000_000, "億元": 100_000_000, "亿元": 100_000_000}


def parse_money(cell: Cell) -> float:
    """An amount in the currency's unit: ``8000``, ``0.8萬`` (8000), ``¥1,500``."""
    text_cell = Cell(str(cell.value).lstrip("¥￥ ") if isinstance(cell.value, str) else cell.value,
                     cell.row, cell.column, cell.number_format)
    try:
        number, unit = parse_quantity(text_cell)
    except Unreadable:
        raise Unreadable("sheet-not-money", value=cell.text) from None
    scale = _MONEY_SCALE.get(unit.lower())
    if scale is None or number < 0:
        raise Unreadable("sheet-not-money", value=cell.text)
    return _tidy(number * scale)


def parse_days(cell: Cell) -> int:
    try:
        number, unit = parse_quantity(cell)
    except Unreadable:
        raise Unreadable("sheet-not-days", value=cell.text) from None
    if number != int(number) or number < 1 or unit not in ("", "天", "日", "d", "days", "day"):
        raise Unreadable("sheet-not-days", value=cell.text)
    return int(number)


_YES = {"是", "yes", "y", "true", "✓", "✔", "√", "1", "◆", "x"}
_NO = {"否", "no", "n", "false", "✗", "✘", "×", "0"}


def parse_yes_no(cell: Cell) -> bool:
    if isinstance(cell.value, bool):
        return cell.value
    text = cell.text.lower()
    if text in _YES:
        return True
    if text in _NO or cell.empty:
        return False
    raise Unreadable("sheet-not-yes-no", value=cell.text)


STATUS_WORDS = {
    # written by hand (the only statuses a plan file holds)
    "受阻": "blocked", "阻塞": "blocked", "blocked": "blocked",
    "已取消": "cancelled", "取消": "cancelled", "cancelled": "cancelled", "canceled": "cancelled",
    # computed from dates and progress: read, then left out
    "已完成": "done", "完成": "done", "done": "done",
    "進行中": "in_progress", "进行中": "in_progress", "in progress": "in_progress", "in_progress": "in_progress",
    "未開始": "not_started", "未开始": "not_started", "not started": "not_started", "not_started": "not_started",
    "逾期": "overdue", "延期": "overdue", "overdue": "overdue",
}


def parse_status(cell: Cell) -> str:
    status = STATUS_WORDS.get(cell.text.lower())
    if status is None:
        raise Unreadable("sheet-unknown-status", value=cell.text)
    return status


REPEAT_WORDS = {"weekly": "weekly", "每週": "weekly", "每周": "weekly", "週": "weekly", "周": "weekly",
                "monthly": "monthly", "每月": "monthly", "月": "monthly"}


def parse_repeat(cell: Cell) -> str:
    """SPEC §5.2: ``每週`` → weekly, ``每月`` → monthly."""
    repeat = REPEAT_WORDS.get(unicodedata.normalize("NFKC", cell.text).lower())
    if repeat is None:
        raise Unreadable("sheet-unknown-repeat", value=cell.text)
    return repeat


def parse_module(cell: Cell) -> str:
    """SPEC §5.5: a strategy module by its key (``promotion``) or by the name the site and
    the export give it in any locale (推廣策略, 推广策略, Promotion)."""
    from .render.labels import LABELS

    text = unicodedata.normalize("NFC", cell.text)
    for key, names in LABELS.items():
        if key.startswith("module.") and (text in names or text == i18n.simplified(names[1])):
            return key.removeprefix("module.")
    if ID.match(text):
        return text
    raise Unreadable("sheet-unknown-module", value=cell.text)


DONE_WORDS = {"是": "yes", "yes": "yes", "完成": "yes", "已完成": "yes", "否": "no", "no": "no",
              "未完成": "no", "部分完成": "partial", "部分": "partial", "partial": "partial",
              "partly": "partial"}


def parse_done(cell: Cell) -> tuple[str, str]:
    """``是`` → ("yes", ""); ``部分(完成3家)`` → ("partial", "完成3家")."""
    text = unicodedata.normalize("NFKC", cell.text)
    match = re.match(r"^(.*?)\s*(?:\((.*)\))?$", text)
    word, note = (match[1], match[2] or "") if match else (text, "")
    done = DONE_WORDS.get(word.lower())
    if done is None:
        raise Unreadable("sheet-unknown-done", value=cell.text)
    return done, note.strip()


def split_list(cell: Cell) -> list[str]:
    """The items of a list cell (one per line, or separated by 、 , ;)."""
    if cell.empty or cell.text in NONE_WORDS:
        return []
    return [item for item in LIST_SEPARATORS.split(cell.text) if item and item not in DASHES]


def lines(cell: Cell) -> list[str]:
    if cell.empty or cell.text in NONE_WORDS:
        return []
    return [line.strip() for line in cell.text.splitlines() if line.strip()]


# --- names → ids --------------------------------------------------------------------------------

class Directory:
    """The team and the plan, for turning what people write into ids."""

    def __init__(self, plan: Any):
        self.plan = plan
        self.people_by: dict[str, list[str]] = {}
        for person in plan.people.values():
            for key in {person.id, person.name, person.role}:
                if key:
                    self.people_by.setdefault(key, []).append(person.id)

    def person(self, cell: Cell) -> str:
        text = cell.text
        if text in self.plan.people:
            return text
        for key in (text, text.replace(" ", "")):
            found = sorted(set(self.people_by.get(key, ())))
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                names = ", ".join(f"{self.plan.people[p].name} ({p})" for p in found)
                raise Unreadable("sheet-ambiguous-person", value=text, people=names)
        raise Unreadable("sheet-unknown-person", value=text)

    def department(self, text: str) -> str:
        for department in self.plan.departments.values():
            if text in (department.id, department.name):
                return department.id
        raise Unreadable("sheet-unknown-department", value=text)

    def goal(self, cell: Cell) -> str:
        text = cell.text
        if text in self.plan.goals:
            return text
        found = [g.id for g in self.plan.goals.values() if g.title == text]
        if len(found) == 1:
            return found[0]
        raise Unreadable("sheet-unknown-goal", value=text)

    def person_label(self, person_id: str | None) -> str:
        """A person as a sheet shows them: the name when it names one person, else the id."""
        if not person_id:
            return ""
        person = self.plan.people.get(person_id)
        if person is None:
            return person_id
        return person.name if self.people_by.get(person.name) == [person.id] else person.id

    def department_label(self, department_id: str) -> str:
        department = self.plan.departments.get(department_id)
        if department is None:
            return department_id
        same = [d for d in self.plan.departments.values() if d.name == department.name]
        return department.name if len(same) == 1 else department_id
