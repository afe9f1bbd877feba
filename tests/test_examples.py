"""The example plans reproduce the templates of domain/templates.md, and plancode's
figures match the templates' figures."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from conftest import plancode_process

REPO = Path(__file__).resolve().parent.parent


def plancode(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return plancode_process(*args, cwd=cwd)


@pytest.fixture(scope="module")
def exported() -> dict:
    result = plancode("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_on_the_examples_exits_0_without_errors():
    result = plancode("check", "--format", "json")
    assert result.returncode == 0, result.stdout
    findings = json.loads(result.stdout)["findings"]
    assert [f for f in findings if f["severity"] == "error"] == []
    assert [f for f in findings if f["code"].startswith("PC1")] == []


def test_every_example_file_has_a_kind_and_an_editor_modeline():
    files = sorted((REPO / "plans").rglob("*.yaml"))
    assert len(files) >= 15
    for path in files:
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("$schema=")[1]).resolve()
        assert schema.is_file(), path


def test_template_2_gantt(exported):
    rows = {t["name"]: t for t in exported["tasks"] if t["id"].startswith("douyin-live/")}
    assert {name: (t["start"], t["end"], t["days"], t["progress"], t["status"]) for name, t in rows.items()} == {
        "直播賬號搭建": ("2024-06-01", "2024-06-10", 10, 100, "done"),
        "選品與庫存對接": ("2024-06-05", "2024-06-15", 11, 90, "in_progress"),
        "直播腳本策劃": ("2024-06-10", "2024-06-20", 11, 70, "in_progress"),
        "首場直播執行": ("2024-06-25", "2024-06-25", 1, 0, "not_started"),
    }
    assert rows["首場直播執行"]["milestone"] is True
    # planned progress at as_of 2024-06-15 of 2024-06-10..06-20: 6/11
    assert rows["直播腳本策劃"]["planned_progress"] == 54.5
    assert rows["直播腳本策劃"]["lag"] == -15.5


def test_template_4_achievements(exported):
    achieved = {(r["period"], r["metric"]): (r["achievement"], r["alert"]) for r in exported["reviews"]}
    assert achieved == {
        ("2024-Q2", "季度銷售額"): (120, "exceeded"),
        ("2024-Q2", "新客獲客成本(CAC)"): (111, "exceeded"),
        ("2024-Q2", "品牌搜索量"): (125, "exceeded"),
        ("2024-Q3", "銷售額"): (108, None),
        # 2024-Q3 has not begun at as_of 2024-06-15: its rows are not judged yet (issue #12:
        # export agrees with check and the reviews page); its achievements are shown
        ("2024-Q3", "線索轉化率"): (80, None),
        ("2024-Q3", "新客戶量"): (93, None),
    }
    cac = next(r for r in exported["reviews"] if r["metric"] == "新客獲客成本(CAC)")
    assert cac["direction"] == "down"


def test_template_4_alert_once_the_period_has_begun():
    result = plancode("--as-of", "2024-10-08", "export", "--what", "reviews", "--format", "json")
    alerts = {(r["period"], r["metric"]): r["alert"] for r in json.loads(result.stdout)["reviews"]}
    assert alerts[("2024-Q3", "線索轉化率")] == "below"  # 12 % of 15 %: 80 %, more than 10 % below
    assert alerts[("2024-Q3", "新客戶量")] is None  # 93 %: within 10 %


def test_seeded_planned_progress_of_template_3_variant():
    # 行業白皮書推廣 (2024-01-05..2024-02-28) as of 2024-02-15: 42 of 55 days
    result = plancode("--as-of", "2024-02-15", "export", "--what", "tasks", "--format", "json")
    tasks = {t["name"]: t for t in json.loads(result.stdout)["tasks"]}
    whitepaper = tasks["行業白皮書撰寫與推廣"]
    assert whitepaper["days"] == 55
    assert whitepaper["planned_progress"] == round(42 / 55 * 100, 1)
    assert whitepaper["progress"] == 60


def test_export_has_the_spec_keys(exported):
    assert set(exported) == {"tasks", "goals", "reviews", "reports"}
    assert {"id", "name", "owner", "start", "end", "days", "milestone", "progress", "planned_progress",
            "lag", "status", "critical"} <= set(exported["tasks"][0])
    assert {"id", "level", "owner", "progress", "achievement"} <= set(exported["goals"][0])
    assert {"period", "metric", "target", "actual", "direction", "achievement", "alert"} <= set(exported["reviews"][0])
    assert all("/" in t["id"] for t in exported["tasks"])


def test_goal_achievement_from_a_linked_review_row_with_direction(exported):
    cac = next(g for g in exported["goals"] if g["id"] == "cac-50")
    assert (cac["direction"], cac["achievement"]) == ("down", 111)


def test_csv_export_reads_back_in_a_spreadsheet_tool(exported):
    result = plancode("export", "--what", "reviews", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["achievement"] for r in rows] == ["120", "111", "125", "108", "80", "93"]


def test_export_is_deterministic():
    assert plancode("export").stdout == plancode("export").stdout


def findings_at(as_of: str) -> list[tuple[str, str, str, int]]:
    result = plancode("--as-of", as_of, "check", "--format", "json")
    assert result.returncode == 0, result.stdout
    return [(f["code"], f["severity"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]]


def test_the_examples_give_exactly_the_findings_their_data_implies():
    # docs/examples.md explains each one
    assert findings_at("2024-06-15") == [
        ("PC603", "warning", "plans/2024/reports/2024-W23-product.yaml", 34),  # 新品觸達 42/50 = 84 %
        ("PC602", "warning", "plans/2024/reports/2024-W23-sales.yaml", 8),  # 小紅書種草筆記 not reported
        ("PC603", "info", "plans/2024/reviews/2024-Q2.yaml", 13),  # 120 % exceeded
        ("PC603", "info", "plans/2024/reviews/2024-Q2.yaml", 22),  # CAC 111 % exceeded
        ("PC603", "info", "plans/2024/reviews/2024-Q2.yaml", 32),  # 125 % exceeded
        ("PC404", "warning", "plans/2024/workstreams/douyin-live.yaml", 25),  # template 2 row 2 overlaps
        ("PC404", "warning", "plans/2024/workstreams/douyin-live.yaml", 40),  # template 2 row 3 overlaps
        ("PC405", "warning", "plans/2024/workstreams/store-expansion.yaml", 26),  # 拓展5家新門店 overdue
    ]


def test_the_second_tracking_template_lags_at_its_own_date():
    # 市場任務進度跟蹤表 as of 2024-02-15: 白皮書 planned 76 % vs 60 %, 研討會 52 % vs 35 %
    assert findings_at("2024-02-15") == [
        ("PC404", "warning", "plans/2024/workstreams/douyin-live.yaml", 25),
        ("PC404", "warning", "plans/2024/workstreams/douyin-live.yaml", 40),
        ("PC406", "warning", "plans/2024/workstreams/lead-gen.yaml", 16),
        ("PC406", "warning", "plans/2024/workstreams/lead-gen.yaml", 30),
    ]
