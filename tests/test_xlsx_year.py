"""Issue #13: the xlsx workbook of a plan that uses SPEC §5 shows the second-release
figures (forecast end, slip, expected to date, pace, modules) from the same view tables
as ``plancode export`` JSON; the workbook of a plan without §5 keys does not change, and
``plancode import`` knows the added columns (no "ignored column" note)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from plancode import spreadsheet as sp
from plancode.render.labels import Labels

REPO = Path(__file__).resolve().parent.parent


def plancode(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plancode", *args], cwd=cwd, capture_output=True)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    root = tmp_path_factory.mktemp("year") / "year"
    shutil.copytree(REPO / "examples" / "year", root)
    done = plancode(root, "export", "--format", "xlsx", "--output", "year.xlsx", "--locale", "en")
    assert done.returncode == 0, done.stderr.decode()
    exported = plancode(root, "export", "--locale", "en")
    assert exported.returncode == 0, exported.stderr.decode()
    return root, openpyxl.load_workbook(root / "year.xlsx"), json.loads(exported.stdout)


def table(sheet) -> list[dict]:
    """The rows under the header, up to the empty row above the footnotes (負責人: …)."""
    rows = list(sheet.iter_rows(values_only=True))
    body = []
    for row in rows[2:]:
        if all(value is None for value in row):
            break
        body.append(dict(zip(rows[1], row)))
    return body


def day(value) -> str | None:
    return value.date().isoformat() if isinstance(value, dt.datetime) else value


def test_each_task_row_has_the_forecast_end_and_slip_of_the_export(year):
    root, book, data = year
    by_id = {t["id"]: t for t in data["tasks"]}
    seen = 0
    for stream in {t["workstream"] for t in data["tasks"]}:
        for row in table(book[stream]):
            task = by_id[f"{stream}/{row['ID']}"]
            assert (day(row["Forecast end"]), row["Slip (days)"]) == (task["forecast_end"], task["slip"])
            seen += 1
    assert seen == len(data["tasks"])
    assert any(t["forecast_end"] is not None for t in data["tasks"])  # the example forecasts


def test_goals_pace_and_modules_sheets_hold_the_export_figures(year):
    root, book, data = year
    goals = [(g["id"], g["aggregate"], g["expected"], g["pace"]) for g in data["goals"]]
    shown = [(r["ID"], r["Aggregate"], None if r["Expected to date"] is None else round(r["Expected to date"], 2),
              None if r["Pace"] is None else round(r["Pace"] * 100, 1)) for r in table(book["goals"])]
    assert shown == goals and any(g[3] is not None for g in goals)
    # the module as the site names it (the English catalogue's label), not the key the plan writes
    named = Labels("en")
    modules = [(m["strategy"], named(f"module.{m['module']}"), m["share"], m["allocated"], m["planned"], m["spent"],
                m["remaining"], "、".join(m["workstreams"]) or None) for m in data["modules"]]
    assert all(shown != m["module"] for (_, shown, *_), m in zip(modules, data["modules"]))
    assert [(r["Strategy"], r["Strategy module"], round(r["Share"] * 100, 1), r["Allocated"], r["Planned"], r["Spent"],
             r["Remaining"], r["Workstreams"]) for r in table(book["modules"])] == modules and modules


def test_import_knows_the_added_columns(year):
    root, book, data = year
    sheets = sp.read_sheets(root / "year.xlsx", "year.xlsx")
    streams = {t["workstream"] for t in data["tasks"]}
    for sheet in sheets:
        if sheet.name in streams:
            found = sp.find_table(sheet, sp.LAYOUTS["workstream"])
            assert found is not None and found.ignored == [], sheet.name
            assert {"forecast_end", "slip"} <= found.headers.keys()


def test_a_plan_without_section_5_keys_gets_the_workbook_it_had():
    done = plancode(REPO, "export", "--format", "xlsx")  # printed: the examples stay untouched
    assert done.returncode == 0, done.stderr.decode()
    book = openpyxl.load_workbook(io.BytesIO(done.stdout))
    assert "goals" not in book.sheetnames and "modules" not in book.sheetnames
    for sheet in book.worksheets:
        headers = list(sheet.iter_rows(values_only=True))[1]
        assert not {"預測結束", "预测结束", "Forecast end"} & set(headers), sheet.title


def test_a_workstream_on_working_days_imports_back_with_its_dates(year):
    """The workbook of a plan on working days (`calendar:`) writes each task's working days;
    reading it back counts them the same way: no "days do not match" for the plan's own sheet,
    and every task comes back with the dates the export gave it."""
    root, book, data = year
    for workstream in ("douyin-2026", "stores-2026"):
        result = plancode(root, "import", "year.xlsx", "--sheet", workstream, "--as", "workstream", "--id",
                          f"{workstream}-again", "--goal", "online-2026", "--locale", "en")
        assert result.returncode == 0, result.stderr.decode()
        imported = {t["id"]: t for t in yaml.safe_load(result.stdout)["tasks"]}
        exported = {t["id"].split("/", 1)[1]: t for t in data["tasks"] if t["workstream"] == workstream}
        assert imported.keys() == exported.keys()
        for ident, task in exported.items():
            assert (str(imported[ident]["start"]), str(imported[ident]["end"])) == (task["start"], task["end"]), ident
    # a duration that is wrong in working days is still reported, in working days
    sheet = book["douyin-2026"]
    header = [cell.value for cell in sheet[2]]
    column = header.index(next(h for h in header if h in ("工期", "days", "Days"))) + 1
    sheet.cell(row=3, column=column, value=int(sheet.cell(row=3, column=column).value) + 1)
    book.save(root / "wrong.xlsx")
    wrong = plancode(root, "import", "wrong.xlsx", "--sheet", "douyin-2026", "--as", "workstream", "--id", "x",
                     "--goal", "online-2026", "--locale", "en")
    assert wrong.returncode == 1
    assert "working days" in wrong.stderr.decode()
