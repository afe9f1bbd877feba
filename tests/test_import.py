"""The spreadsheet bridge: `plancode import` reads the teams' template sheets (real .xlsx
files written with openpyxl, and CSV), `plancode export --format xlsx` writes them back,
and a round trip gives back the same plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import EXAMPLES, REPO, PlanRepo
from plancode.loader import PlanLoader
from plancode.workspace import load_config, load_workspace


def load(text: str):
    """YAML as plancode reads it (dates stay text, `yes` is not a boolean)."""
    return yaml.load(text, Loader=PlanLoader)

CONTENT = """\
kind: workstream
id: douyin-content
title: 抖音內容計劃
goal: online-up-35
tasks:
  - id: short-videos
    name: 抖音短視頻發布5條
    owner: chen.jie
    start: 2024-06-03
    end: 2024-06-09
    deliverable: 發布5條
  - id: new-stores
    name: 拓展5家新門店
    owner: wang.fang
    start: 2024-06-03
    end: 2024-06-30
    deliverable: 簽約5家
"""


def sheet_file(path: Path, rows: list[list], title: str = "Sheet1", merge_title: bool = False) -> Path:
    """A real workbook, the way a team keeps its template."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if merge_title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[1]))
    book.save(path)
    return path


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


GANTT_ROWS = [
    ["營銷執行甘特圖:抖音直播帶貨計劃"],
    ["task", "owner", "start", "end", "工期(天)", "前置任務", "當前進度", "狀態", "風險點"],
    ["直播賬號搭建", "專員", "2024-06-01", "2024.06.10", 10, "–", "100%", "已完成", "–"],
    ["選品與庫存對接", "經理", "2024/6/5", "6月15日", 11, "直播賬號搭建", "90%", "進行中", "部分庫存不足"],
    ["直播腳本策劃", "主管", dt.datetime(2024, 6, 10), "6月20日", "11天", "選品與庫存對接", 0.7, "受阻",
     "主播檔期沖突"],
    ["首場直播執行", "陳杰", "6月25日", "6月25日", 1, "直播腳本策劃", "0%", "未開始", "設備調試風險"],
]


# --- template 2: a Gantt sheet becomes a workstream ----------------------------------------------

def test_a_gantt_sheet_becomes_a_workstream_that_passes_check(base_repo, tmp_path):
    book = sheet_file(tmp_path / "gantt.xlsx", GANTT_ROWS, merge_title=True)
    book_cell = openpyxl.load_workbook(book)["Sheet1"]["G5"]
    book_cell.number_format = "0%"  # 0.7 shown as 70%, as Excel keeps a percent cell
    result = base_repo.run("import", str(book), "--as", "workstream", "--id", "douyin-live",
                           "--goal", "online-up-35", "--owner", "li.wei",
                           "--output", "plans/douyin-live.yaml")
    assert result.exit_code == 0, result.output
    data = load((base_repo.root / "plans/douyin-live.yaml").read_text("utf-8"))
    assert data["title"] == "營銷執行甘特圖:抖音直播帶貨計劃"  # the title row above the header
    assert data["goal"] == "online-up-35" and data["owner"] == "li.wei"
    account, selection, script, first = data["tasks"]
    assert account == {"id": "task-1", "name": "直播賬號搭建", "owner": "chen.jie", "start": "2024-06-01",
                       "end": "2024-06-10", "progress": 100}
    # the role 經理 is 李偉 alone; 6月15日 takes the strategy's year; predecessors by name
    assert selection["owner"] == "li.wei" and selection["end"] == "2024-06-15"
    assert selection["after"] == ["task-1"] and selection["risks"] == [{"risk": "部分庫存不足"}]
    assert script["status"] == "blocked" and script["owner"] == "wang.fang" and script["start"] == "2024-06-10"
    assert first["owner"] == "chen.jie" and first["progress"] == 0 and "status" not in first
    checked = base_repo.run("check", "--select", "PC1,PC2,PC4")
    assert checked.exit_code == 0, checked.output


def test_every_cell_that_cannot_be_read_is_reported_and_nothing_is_written(base_repo, tmp_path):
    rows = [list(r) for r in GANTT_ROWS]
    rows[2][3] = "6月31日"        # D3: no such day
    rows[3][1] = "王五"           # B4: not in the team
    rows[3][6] = "九成"           # G4: not a percentage
    rows[4][7] = "暫停"           # H5: not a status
    rows[5][5] = "直播彩排"       # F6: no such task
    rows[2][4] = 12              # E3: 2024-06-01..? (D3 unreadable: not compared)
    rows[3][4] = 12              # E4: 2024-06-05..2024-06-15 is 11 days
    book = sheet_file(tmp_path / "gantt.xlsx", rows)
    target = base_repo.root / "plans/douyin-live.yaml"
    result = base_repo.run("import", str(book), "--as", "workstream", "--output", str(target))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "gantt.xlsx:Sheet1!D3: 「6月31日」 is not a date",
        "gantt.xlsx:Sheet1!B4: 「王五」 is not a person of the team (write their name, role or id)",
        "gantt.xlsx:Sheet1!E4: 「12」 days does not match 2024-06-05 to 2024-06-15, which is 11 days "
        "(both ends included)",
        "gantt.xlsx:Sheet1!G4: 「九成」 is not a percentage from 0 to 100",
        "gantt.xlsx:Sheet1!H5: 「暫停」 is not a status: 未開始, 進行中, 已完成, 逾期, 受阻 or 已取消",
        "gantt.xlsx:Sheet1!F6: 「直播彩排」 is not a task of this sheet (its name or id) nor WORKSTREAM/TASK "
        "of the plans",
        "plancode: cells that could not be read: 6; nothing was written",
    ]
    assert not target.exists()


def test_recurring_tasks_modules_and_links_with_a_lag_as_a_team_types_them(base_repo, tmp_path):
    """SPEC §5.2, §5.4, §5.5 in a hand-made sheet: 週期 and 策略模塊 columns after the
    template's, links written as Project writes them; a name ending in parentheses is a name."""
    rows = [["task", "owner", "start", "end", "前置任務", "週期", "策略模塊"],
            ["線上研討會(3場)", "陳杰", "2024-06-03", "2024-06-30", "", "每週", "推廣策略"],
            ["直播彩排", "陳杰", "2024-06-10", "2024-06-12", "線上研討會(3場)", "", "promotion"],
            ["首場直播", "陳杰", "2024-06-12", "2024-06-12", "直播彩排(FS-1天)、線上研討會(3場) (SS+2)", "", ""]]
    result = base_repo.run("import", str(sheet_file(tmp_path / "g.xlsx", rows)), "--as", "workstream", "--id", "live",
                           "--goal", "online-up-35")
    assert result.exit_code == 0, result.output
    data = load(result.stdout)
    assert data["module"] == "promotion"
    webinars, rehearsal, first = data["tasks"]
    assert webinars["repeat"] == "weekly" and "repeat" not in rehearsal
    assert rehearsal["after"] == ["task-1"]
    assert first["after"] == [{"task": "task-2", "lag": -1}, {"task": "task-1", "lag": 2, "type": "ss"}]
    rows[2][6], rows[3][5], rows[3][4] = "渠道策略", "每兩周", "直播彩排 (FS+x)"
    wrong = base_repo.run("import", str(sheet_file(tmp_path / "w.xlsx", rows)), "--as", "workstream", "--id", "live")
    assert wrong.exit_code == 1
    assert wrong.stderr.splitlines()[:3] == [
        "w.xlsx:Sheet1!G3: 「渠道策略」 differs from 「推廣策略」 above: a workstream draws on one strategy module",
        "w.xlsx:Sheet1!E4: 「直播彩排 (FS+x)」 is not a task of this sheet (its name or id) nor WORKSTREAM/TASK "
        "of the plans",
        "w.xlsx:Sheet1!F4: 「每兩周」 is not a repetition: 每週 (weekly) or 每月 (monthly)",
    ]


def test_the_same_in_chinese(base_repo, tmp_path):
    rows = [list(r) for r in GANTT_ROWS]
    rows[2][3] = "6月31日"
    book = sheet_file(tmp_path / "gantt.xlsx", rows)
    result = base_repo.run("--locale", "zh-TW", "import", str(book), "--as", "workstream", "--id", "x")
    assert result.stderr.splitlines()[0] == "gantt.xlsx:Sheet1!D3: 「6月31日」不是日期"


def test_a_role_that_several_people_hold_must_be_a_name(base_repo, tmp_path):
    base_repo.write("plans/team.yaml", """\
        kind: team
        departments:
          - {id: marketing, name: 市場部, lead: li.wei}
          - {id: sales, name: 銷售部, lead: zhang.min}
        people:
          - {id: li.wei, name: 李偉, department: marketing, role: 經理}
          - {id: zhang.min, name: 張敏, department: sales, role: 經理}
          - {id: chen.jie, name: 陳杰, department: marketing, role: 專員}
          - {id: wang.fang, name: 王芳, department: sales, role: 主管}
        """)
    book = csv_file(tmp_path / "gantt.csv", "任務名稱,負責人,開始時間,結束時間\n選品與庫存對接,經理,2024-06-05,2024-06-15\n")
    result = base_repo.run("import", str(book), "--as", "workstream", "--id", "x")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("gantt.csv:B2: 「經理」 could be any of 李偉 (li.wei), 張敏 (zhang.min): "
                                             "write the person's name or id")


def test_simplified_chinese_and_english_headers_and_gb18030_csv(base_repo, tmp_path):
    simplified = "任务名称,负责人,开始时间,结束时间,前置任务,当前进度,状态,风险点\n" \
                 "直播账号搭建,chen.jie,2024-06-01,2024-06-10,,100%,已完成,\n" \
                 "选品与库存对接,李偉,2024-06-11,2024-06-15,直播账号搭建,30%,进行中,部分库存不足\n"
    book = csv_file(tmp_path / "甘特图.csv", simplified, encoding="gb18030")  # Excel on Chinese Windows
    result = base_repo.run("import", str(book), "--as", "workstream", "--id", "live", "--goal", "online-up-35")
    assert result.exit_code == 0, result.output
    tasks = load(result.stdout)["tasks"]
    assert [(t["name"], t["owner"], t.get("after")) for t in tasks] == [
        ("直播账号搭建", "chen.jie", None), ("选品与库存对接", "li.wei", ["task-1"])]
    english = "Task,Owner,Start,End,Days,Predecessors,Progress,Status,Risk\n" \
              "Account setup,chen.jie,2024-06-01,2024-06-10,10,,100%,Done,\n" \
              "Product selection,li.wei,2024-06-11,,5,Account setup,30%,In progress,Stock shortage\n"
    result = base_repo.run("import", str(csv_file(tmp_path / "live.csv", english)), "--as", "workstream",
                           "--goal", "online-up-35")
    data = load(result.stdout)
    assert data["id"] == "live"  # from the file name
    assert data["tasks"][1] == {"id": "task-2", "name": "Product selection", "owner": "li.wei",
                                "after": ["task-1"], "start": "2024-06-11", "days": 5, "progress": 30,
                                "risks": [{"risk": "Stock shortage"}]}


def test_a_date_without_a_year_needs_one(repo, tmp_path):
    """Without a strategy, 6月15日 has no year until --year gives one."""
    from conftest import TEAM

    repo.write("plans/team.yaml", TEAM)
    book = csv_file(tmp_path / "g.csv", "任務,負責人,開始時間,結束時間\n選品,李偉,6月5日,6月15日\n")
    missing = repo.run("import", str(book), "--as", "workstream", "--id", "x")
    assert missing.exit_code == 1
    assert "g.csv:C2: 「6月5日」 has no year: pass --year" in missing.stderr
    given = repo.run("import", str(book), "--as", "workstream", "--id", "x", "--year", "2025")
    assert load(given.stdout)["tasks"][0]["end"] == "2025-06-15"


def test_sheets_without_the_template_and_old_excel_files_are_usage_errors(base_repo, tmp_path):
    other = sheet_file(tmp_path / "budget.xlsx", [["科目", "金額"], ["推廣", 40000]])
    result = base_repo.run("import", str(other), "--as", "workstream", "--id", "x")
    assert result.exit_code == 2
    assert "no sheet has the header row of template 2 (Gantt)" in result.stderr
    old = tmp_path / "gantt.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    result = base_repo.run("import", str(old), "--as", "workstream", "--id", "x")
    assert result.exit_code == 2
    assert "is an old .xls workbook: save it as .xlsx (or .csv)" in result.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert base_repo.run("import", str(broken), "--as", "workstream", "--id", "x").exit_code == 2


# --- template 4: an evaluation becomes a review --------------------------------------------------

def test_an_evaluation_sheet_becomes_a_review_and_the_rate_tells_the_direction(base_repo, tmp_path):
    book = sheet_file(tmp_path / "2024-Q3.xlsx", [
        ["評估維度", "核心指標", "目標值", "實際值", "達成率", "差異分析", "改進措施", "責任人"],
        ["銷售結果", "季度銷售額", "90萬", "108萬", "120%", "線上直播帶貨超預期,貢獻30萬", "增加直播場次", "經理"],
        ["獲客效率", "新客獲客成本(CAC)", "50元/人", "45元/人", "111%", "小紅書種草轉化率提升", "擴大KOL合作范圍", "主管"],
        ["品牌影響", "品牌搜索量", "20萬次", "25萬次", 1.25, "抖音話題傳播帶動搜索增長", "加大短視頻投放", "專員"],
    ], title="評估")
    result = base_repo.run("import", str(book), "--as", "review", "--output", "plans/2024-Q3.yaml")
    assert result.exit_code == 0, result.output
    review = load((base_repo.root / "plans/2024-Q3.yaml").read_text("utf-8"))
    assert review["period"] == "2024-Q3"  # from the file name
    sales, cac, search = review["rows"]
    assert sales == {"dimension": "銷售結果", "metric": "季度銷售額", "unit": "萬", "target": 90, "actual": 108,
                     "analysis": "線上直播帶貨超預期,貢獻30萬", "actions": "增加直播場次", "owner": "li.wei"}
    assert cac["direction"] == "down" and cac["unit"] == "元/人" and cac["owner"] == "wang.fang"
    assert "direction" not in search and search["unit"] == "萬次"
    ws = base_repo.workspace()
    assert [(r.metric, r.achievement_pct) for r in ws.plan.reviews[0].rows] == [
        ("季度銷售額", 120), ("新客獲客成本(CAC)", 111), ("品牌搜索量", 125)]
    assert base_repo.run("check", "--select", "PC1,PC2").exit_code == 0


def test_an_achievement_that_fits_neither_direction_and_mixed_units_are_reported(base_repo, tmp_path):
    book = csv_file(tmp_path / "review.csv",
                    "核心指標,目標值,實際值,達成率\n季度銷售額,90萬,108萬,130%\n新客數,30家,28萬,93%\n")
    result = base_repo.run("import", str(book), "--as", "review", "--period", "2024-Q2")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "review.csv:D2: 「130%」 matches neither actual ÷ target (120%) nor target ÷ actual (83%)",
        "review.csv:C3: 「28萬」 is in 萬, but the row's other figure is in 家",
    ]


# --- template 3: a tracking sheet becomes weekly reports -----------------------------------------

TRACKING = (
    "部門,本周計劃任務,完成情況(是/否/部分完成),未完成原因,關鍵數據結果,問題描述與需支持事項,下周計劃\n"
    '市場部,抖音短視頻發布5條,是,–,"總播放量12萬,點贊量8000+",無,策劃直播福利活動\n'
    "銷售部,拓展5家新門店,部分(完成3家),區域競爭激烈,新增門店月均銷售額3.5萬,申請增加門店拓展人員1名,重點跟進剩余2家門店談判\n"
)


def test_a_tracking_sheet_becomes_one_report_per_department(base_repo, tmp_path):
    base_repo.write("plans/content.yaml", CONTENT)
    book = csv_file(tmp_path / "2024-W23.csv", TRACKING)
    result = base_repo.run("import", str(book), "--as", "report", "--output", "plans/2024/")
    assert result.exit_code == 0, result.output
    marketing = load((base_repo.root / "plans/2024/2024-W23-marketing.yaml").read_text("utf-8"))
    sales = load((base_repo.root / "plans/2024/2024-W23-sales.yaml").read_text("utf-8"))
    assert marketing["author"] == "li.wei" and sales["author"] == "zhang.min"
    assert marketing["entries"] == [{
        "task": "douyin-content/short-videos", "planned": "抖音短視頻發布5條", "done": "yes",
        "results": {"總播放量(萬)": 12, "點贊量": "8000+"}, "support": "無", "next": "策劃直播福利活動"}]
    assert sales["entries"][0]["done"] == "partial"
    assert sales["entries"][0]["reason"] == "區域競爭激烈"
    assert sales["entries"][0]["results"] == {"新增門店月均銷售額(萬)": 3.5, "完成情況": "完成3家"}
    assert base_repo.run("check", "--select", "PC1,PC6").exit_code == 0


def test_reports_of_several_departments_need_a_folder_or_a_department(base_repo, tmp_path):
    base_repo.write("plans/content.yaml", CONTENT)
    book = csv_file(tmp_path / "2024-W23.csv", TRACKING)
    several = base_repo.run("import", str(book), "--as", "report", "--output", "one.yaml")
    assert several.exit_code == 2
    assert "the sheet holds 2 departments' reports (marketing, sales)" in several.stderr
    assert not (base_repo.root / "one.yaml").exists()
    one = base_repo.run("import", str(book), "--as", "report", "--department", "sales", "--output", "one.yaml")
    assert one.exit_code == 0
    assert load((base_repo.root / "one.yaml").read_text("utf-8"))["department"] == "sales"


def test_kpi_values_and_notes_in_a_tracking_sheet(base_repo, tmp_path):
    """A KPI value of the week on a row of its own (its goal and 指標實際值, the note under
    關鍵數據結果), a task's metric value beside its row, the report's author and notes as
    footnotes under the table."""
    base_repo.write("plans/ws.yaml", CONTENT)
    rows = [["部門", "本周計劃任務", "完成情況", "關鍵數據結果", "關聯目標", "指標實際值"],
            ["市場部", "抖音短視頻發布5條", "是", "總播放量12萬", "", "5"],
            ["市場部", "", "", "截至本周累計", "線上渠道銷售額提升35%", "36"],
            [],
            ["填報人:陳杰"],
            ["備注:本周直播間設備到貨"]]
    result = base_repo.run("import", str(sheet_file(tmp_path / "2024-W24.xlsx", rows)), "--as", "report")
    assert result.exit_code == 0, result.output
    data = load(result.stdout)
    assert data["entries"][0]["actual"] == 5 and data["entries"][0]["task"] == "douyin-content/short-videos"
    assert data["metrics"] == [{"goal": "online-up-35", "value": 36, "note": "截至本周累計"}]
    assert data["notes"] == "本周直播間設備到貨" and data["author"] == "chen.jie"
    rows[1][4] = "online-up-35"  # a goal on a task's row: which is it?
    rows[5][0] = "填報人: 王五"
    wrong = base_repo.run("import", str(sheet_file(tmp_path / "w-2024-W24.xlsx", rows)), "--as", "report")
    assert wrong.exit_code == 1
    assert wrong.stderr.splitlines()[0] == (
        "w-2024-W24.xlsx:Sheet1!E2: 「online-up-35」: a row names a task or a goal, not both; put the goal's KPI "
        "value on a row of its own (goal and 指標實際值, no planned task)")
    assert "w-2024-W24.xlsx:Sheet1!A6: 「王五」 is not a person of the team (write their name, role or id)" \
        in wrong.stderr.splitlines()


def test_a_row_that_names_no_task_is_reported(base_repo, tmp_path):
    base_repo.write("plans/content.yaml", CONTENT)
    book = csv_file(tmp_path / "track.csv", "部門,本周計劃任務,完成情況\n市場部,優化直播產品話術,是\n財務部,對賬,否\n")
    result = base_repo.run("import", str(book), "--as", "report", "--week", "2024-W23")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "track.csv:B2: 「優化直播產品話術」 names no task of the plans: add a task column with WORKSTREAM/TASK, "
        "or use the task's exact name",
        "track.csv:A3: 「財務部」 is not a department of the team (write its name or id)",
    ]


# --- export --format xlsx and the round trip ------------------------------------------------------

@pytest.fixture
def examples(tmp_path) -> PlanRepo:
    shutil.copytree(EXAMPLES, tmp_path / "plans")
    shutil.copy(REPO / "plancode.yaml", tmp_path / "plancode.yaml")
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    return PlanRepo(tmp_path)


TASK_FIELDS = ("name", "owner", "start", "end", "days", "predecessors", "milestone", "goal", "deliverable",
               "resources", "budget", "support", "metric", "risks", "notes", "progress", "status",
               "written_status", "department", "planned_progress", "lag", "critical", "total_float")


def task_fields(plan, workstream: str) -> dict[str, dict]:
    return {t.full_id: {f: getattr(t, f) for f in TASK_FIELDS}
            for t in plan.tasks.values() if t.workstream == workstream}


#: what a sheet cannot say, so a round trip cannot keep it: where each record was read; a
#: start left to follow the predecessors (the sheet shows every start as a date); a task's
#: own `progress:` when a report gives the current one (the sheet has one progress column).
#: Every other field of every task and workstream — the computed ones too — must come back.
NOT_IN_A_SHEET = {"source", "start_written", "written_progress"}


def every_field(record) -> dict:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name not in NOT_IN_A_SHEET}


def workstream_records(plan) -> dict:
    records = {}
    for ident, stream in plan.workstreams.items():
        records[ident] = every_field(stream)
        records.update({full: every_field(plan.tasks[full]) for full in stream.tasks})
    return records


@pytest.fixture
def year_example(tmp_path) -> PlanRepo:
    shutil.copytree(REPO / "examples" / "year", tmp_path, dirs_exist_ok=True)
    return PlanRepo(tmp_path)


@pytest.mark.parametrize("which, locale", [("examples", "zh-TW"), ("examples", "en"), ("year_example", "zh-CN"),
                                           ("year_example", "en")])
def test_round_trip_export_then_import_gives_back_every_key(which, locale, request):
    """Each workstream of the example plans and of the year example (recurring tasks,
    strategy modules, links with a lag and start-to-start, a working-day calendar) exported
    to xlsx, deleted, imported back from its sheet alone: the plan equals the original, every
    field of every task and workstream."""
    plans: PlanRepo = request.getfixturevalue(which)
    exported = plans.run("--locale", locale, "export", "--format", "xlsx", "--output", "plans.xlsx")
    assert exported.exit_code == 0, exported.output
    config = load_config(None, plans.root)

    def plan():
        return load_workspace(config, cwd=plans.root, cache=False).plan

    before = plan()
    assert before.workstreams
    for stream in sorted(before.workstreams):
        written = before.workstreams[stream]
        written.source.doc.path.unlink()
        result = plans.run("--locale", locale, "import", "plans.xlsx", "--as", "workstream", "--sheet", stream,
                           "--output", str(written.source.doc.path))
        assert result.exit_code == 0, result.output
    after = load_workspace(config, cwd=plans.root, cache=False)
    assert [p for p in after.problems if p.severity.name == "ERROR"] == []
    assert workstream_records(after.plan) == workstream_records(before)
    assert after.plan.modules == before.modules


def test_round_trip_keeps_each_risk_with_its_own_mitigation_and_owner_and_the_whole_metric(base_repo):
    """Risks whose mitigations and owners are only partly written: each sheet line stays
    with its risk (a risk without one shows `–`), none moves up to the risk above. A metric
    with a baseline, lower-is-better: 新客獲客成本 60→50元/人 (越低越好)."""
    base_repo.write("plans/ws.yaml", """\
    kind: workstream
    id: live
    title: 直播
    goal: online-up-35
    tasks:
      - id: account
        name: 直播賬號搭建
        owner: chen.jie
        start: 2024-06-01
        end: 2024-06-10
        deliverable: 賬號完成認證
        metric: {name: 新客獲客成本, unit: 元/人, baseline: 60, target: 50, direction: down}
        risks:
          - {risk: 設備調試風險, mitigation: 提前一天彩排, owner: chen.jie}
          - {risk: 主播檔期沖突}
          - {risk: 部分庫存不足, mitigation: 同類商品替換}
          - {risk: 平台審核延遲, owner: li.wei}
    """)
    before = base_repo.workspace().plan.tasks["live/account"]
    assert base_repo.run("export", "--format", "xlsx", "--output", "p.xlsx").exit_code == 0
    (base_repo.root / "plans/ws.yaml").unlink()
    result = base_repo.run("import", "p.xlsx", "--as", "workstream", "--sheet", "live", "--output", "plans/ws.yaml")
    assert result.exit_code == 0, result.output
    after = base_repo.workspace().plan.tasks["live/account"]
    assert (after.risks, after.metric) == (before.risks, before.metric)


def test_round_trip_of_the_douyin_live_gantt_in_detail(examples):
    examples.run("export", "--format", "xlsx", "--what", "tasks", "--output", "gantt.xlsx")
    sheet = openpyxl.load_workbook(examples.root / "gantt.xlsx")["douyin-live"]
    header = [c.value for c in sheet[2]]
    assert header[:10] == ["編號", "任務", "負責人", "開始時間", "結束時間", "工期(天)", "前置任務", "當前進度",
                           "狀態", "風險點"]
    selection = [c.value for c in sheet[4]]
    assert selection[:9] == ["selection", "選品與庫存對接", "李偉", dt.datetime(2024, 6, 5), dt.datetime(2024, 6, 15),
                             11, "直播賬號搭建", 0.9, "進行中"]
    assert sheet["H4"].number_format == "0%"
    before = task_fields(examples.workspace().plan, "douyin-live")
    (examples.root / "plans/2024/workstreams/douyin-live.yaml").unlink()
    examples.run("import", "gantt.xlsx", "--as", "workstream", "--sheet", "douyin-live",
                 "--output", "plans/2024/workstreams/douyin-live.yaml")
    assert task_fields(examples.workspace().plan, "douyin-live") == before


def without_source(record):
    """A record of the plan, and the records in it, without where each was read."""
    if isinstance(record, tuple):
        return tuple(without_source(item) for item in record)
    if dataclasses.is_dataclass(record):
        return {f.name: without_source(getattr(record, f.name)) for f in dataclasses.fields(record)
                if f.name != "source"}
    return record


@pytest.mark.parametrize("which", ["examples", "year_example"])
def test_round_trip_of_reviews_and_reports_keeps_every_key(which, request):
    """Every review and weekly report exported, deleted and imported back: every field
    comes back — rows and entries, the task metric values (`actual`), the week's KPI values
    (`metrics`: rows of their own), the owner, author and notes (footnotes under the table)."""
    plans: PlanRepo = request.getfixturevalue(which)
    assert plans.run("export", "--format", "xlsx", "--output", "plans.xlsx").exit_code == 0
    config = load_config(None, plans.root)
    before = load_workspace(config, cwd=plans.root, cache=False).plan
    assert before.reviews and before.reports and any(r.metrics for r in before.reports)
    for review in before.reviews:
        review.source.doc.path.unlink()
        result = plans.run("import", "plans.xlsx", "--as", "review", "--sheet", review.label.replace("..", "_"),
                           "--period", str(review.period), "--output", str(review.source.doc.path))
        assert result.exit_code == 0, result.output
    for report in before.reports:
        report.source.doc.path.unlink()
        result = plans.run("import", "plans.xlsx", "--as", "report", "--sheet",
                           f"{report.week}-{report.department}", "--output", str(report.source.doc.path))
        assert result.exit_code == 0, result.output
    after = load_workspace(config, cwd=plans.root, cache=False)
    assert [p for p in after.problems if p.severity.name == "ERROR"] == []
    assert without_source(after.plan.reviews) == without_source(before.reviews)
    assert without_source(after.plan.reports) == without_source(before.reports)
    assert without_source(tuple(after.plan.goals.values())) == without_source(tuple(before.goals.values()))
    assert after.plan.earned_value == before.earned_value


def test_a_review_of_a_period_of_its_own_and_without_a_title_comes_back_as_it_was(base_repo):
    """period {start, end}: its sheet is named 2024-06-01_2024-08-31, which import reads
    back as the period (or --period 2024-06-01..2024-08-31); a review without a title gets
    none (the sheet's title row shows the period)."""
    review = base_repo.write("plans/summer.yaml", """\
    kind: review
    period: {start: 2024-06-01, end: 2024-08-31}
    owner: li.wei
    rows:
      - {dimension: 獲客效率, metric: 新客獲客成本(CAC), unit: 元/人, target: 50, actual: 45, direction: down}
    """)
    before = without_source(base_repo.workspace().plan.reviews)
    assert base_repo.run("export", "--format", "xlsx", "--output", "p.xlsx").exit_code == 0
    review.unlink()
    result = base_repo.run("import", "p.xlsx", "--as", "review", "--sheet", "2024-06-01_2024-08-31",
                           "--output", "plans/summer.yaml")
    assert result.exit_code == 0, result.output
    assert without_source(base_repo.workspace().plan.reviews) == before
    given = base_repo.run("import", "p.xlsx", "--as", "review", "--period", "2024-06-01..2024-08-31")
    assert load(given.stdout)["period"] == {"start": "2024-06-01", "end": "2024-08-31"}


def test_export_xlsx_is_byte_identical_and_never_overwrites(examples):
    first = examples.run("export", "--format", "xlsx", "--output", "a.xlsx")
    second = examples.run("export", "--format", "xlsx", "--output", "b.xlsx")
    assert first.exit_code == second.exit_code == 0
    assert (examples.root / "a.xlsx").read_bytes() == (examples.root / "b.xlsx").read_bytes()
    refused = examples.run("--locale", "en", "export", "--format", "xlsx", "--output", "a.xlsx")
    assert refused.exit_code == 2
    assert "a.xlsx already exists" in refused.stderr
    assert examples.run("export", "--format", "xlsx", "--output", "a.xlsx", "--force").exit_code == 0
    goals = examples.run("export", "--format", "xlsx", "--what", "goals", "--output", "g.xlsx", "--locale", "en")
    assert goals.exit_code == 2 and "goals have no spreadsheet template" in goals.output


def test_export_xlsx_refuses_a_terminal_but_writes_to_a_pipe(examples):
    command = [sys.executable, "-m", "plancode", "--locale", "en", "export", "--format", "xlsx"]
    piped = subprocess.run(command, cwd=examples.root, capture_output=True)
    assert piped.returncode == 0
    assert piped.stdout[:2] == b"PK"  # a zip: the workbook
    main, secondary = pty.openpty()
    try:
        on_terminal = subprocess.run(command, cwd=examples.root, stdout=secondary, stderr=subprocess.PIPE,
                                     timeout=60)
    finally:
        os.close(secondary)
        os.close(main)
    assert on_terminal.returncode == 2
    assert b"this output is binary (an Excel workbook): give --output FILE" in on_terminal.stderr


def test_a_sheet_without_a_goal_proposes_the_goals_and_the_next_command(base_repo, tmp_path):
    book = sheet_file(tmp_path / "gantt.xlsx", GANTT_ROWS, merge_title=True)
    result = base_repo.run("import", str(book), "--as", "workstream", "--id", "douyin-live",
                           "--output", "plans/douyin-live.yaml")
    assert result.exit_code == 0, result.output
    assert "import again with --goal ID, e.g. --goal online-up-35" in result.output
    assert "online-up-35 (線上渠道銷售額提升35%)" in result.output and "sales-up-30" in result.output
    assert "next: plancode check" in result.output
    with_goal = base_repo.run("import", str(book), "--as", "workstream", "--id", "douyin-live", "--goal",
                              "online-up-35", "--output", "plans/douyin-live.yaml", "--force")
    assert "--goal ID" not in with_goal.output
