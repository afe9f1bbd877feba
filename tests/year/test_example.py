"""examples/year: every SPEC §5 feature over 2025 (archived) and 2026, checked, exported
and built with the real CLI; and plans/ without any §5 key keeps §2's output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import plancode_process

REPO = Path(__file__).resolve().parents[2]
YEAR = REPO / "examples" / "year"


def plancode(*args: str, cwd: Path = YEAR) -> subprocess.CompletedProcess:
    return plancode_process(*args, cwd=cwd)


@pytest.fixture(scope="module")
def exported() -> dict:
    result = plancode("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_year_example_gives_exactly_the_findings_its_data_implies():
    result = plancode("check", "--format", "json")
    assert result.returncode == 0, result.stdout
    found = [(f["code"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [
        ("PC603", "plans/2026/reports/2026-W20-marketing.yaml", 11),  # 4 of 5 videos: 80 %
        ("PC603", "plans/2026/reports/2026-W20-marketing.yaml", 22),  # leads 1200 / 1362.4: 88 %
        ("PC504", "plans/2026/workstreams/douyin-2026.yaml", 32),  # studio spent 85,000 of 80,000
        ("PC408", "plans/2026/workstreams/douyin-2026.yaml", 47),  # studio → hosts → summer-live
    ]
    # fy2025 is archived: its overdue training, its gala and its report raise nothing


def test_recurring_tasks_working_days_and_the_forecast(exported):
    tasks = {t["id"]: t for t in exported["tasks"]}
    videos = tasks["douyin-2026/weekly-videos"]
    # W19..W26: 8 weeks; done in W19 and W20 (ended by 2026-05-20): 2 / 8
    assert (videos["progress"], videos["planned_progress"], videos["repeat"]) == (25, 25, "weekly")
    # 2025's 5 working days from 01-27 end on the make-up Saturday 02-08
    assert tasks["campaigns-2025/new-year-campaign"]["end"] == "2025-02-08"
    # 30 working days from 2026-04-13 (五一 05-01..05-05 off, Saturday 05-09 worked)
    studio = tasks["douyin-2026/studio"]
    assert (studio["end"], studio["days"]) == ("2026-05-26", 30)
    # 80 % at 2026-05-20: ⌈30 × 0.2⌉ = 6 working days from 05-20 → 05-27, one day late
    assert (studio["forecast_end"], studio["slip"]) == ("2026-05-27", 1)
    # hosts start 3 working days before studio ends (lag −3); the milestone waits for hosts
    assert tasks["douyin-2026/hosts"]["start"] == "2026-05-22"
    assert (tasks["douyin-2026/summer-live"]["forecast_end"], tasks["douyin-2026/summer-live"]["slip"]) == (
        "2026-06-01", 3)
    critical = sorted(t["id"] for t in exported["tasks"] if t["critical"])
    assert critical == ["douyin-2026/hosts", "douyin-2026/studio", "douyin-2026/summer-live",
                        "stores-2026/east-stores"]
    archived = [t for t in exported["tasks"] if t["archived"]]
    assert len(archived) == 3 and all(t["forecast_end"] is None for t in archived)


def test_goals_pace_against_expected_to_date(exported):
    goals = {g["id"]: (g["expected"], g["pace"], g["alert"]) for g in exported["goals"]}
    assert goals["sales-2026"] == (493.68, 101, None)  # 300 + 375 × 47/91
    assert goals["online-2026"] == (225.21, 93, None)  # 600 × 137/365
    assert goals["cac-2026"] == (48, 102, None)  # H1 target 48, down: 48 / 47
    assert goals["leads-2026"] == (1362.43, 88, "below")  # 1800 × 137/181


def test_modules_table(exported):
    rows = {(m["strategy"], m["module"]): m for m in exported["modules"]}
    channel = rows[("fy2026", "channel")]
    # 35 % of 1,200,000; pop-up 150,000 + east-stores 240,000; spent 90,000 + 110,000
    assert (channel["allocated"], channel["planned"], channel["spent"], channel["remaining"]) == (
        420000, 390000, 200000, 220000)
    csv = plancode("export", "--what", "modules", "--format", "csv").stdout
    assert csv.splitlines()[0] == "strategy,module,share,allocated,planned,spent,remaining,workstreams"


def test_the_year_example_builds_and_shows_its_figures(tmp_path):
    import shutil

    shutil.copytree(YEAR, tmp_path / "repo")  # outputs stay inside the project (SPEC §5.7)
    tmp_path = tmp_path / "repo"
    result = plancode("--locale", "en", "build", "--out", "site", "--markdown", "md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    dashboard = index[index.index('id="alerts"'):]
    # the archived 2025 strategy is off the dashboard: no alert, no budget, no headline goal
    assert "dealer-training" not in index and "經銷商年終培訓" not in dashboard
    assert "2025年銷售額1300萬元" not in index[:index.index('id="alerts"')]
    # the forecast slip, with the chain that pushes it; the KPI judged by its pace
    assert "Forecast to slip" in dashboard and "直播間升級改造 → 主播培訓 → 618大促首場直播" in dashboard
    assert "Pace 88%" in dashboard and "Expected to date 1,362.43" in dashboard
    assert "Pace 80%" not in dashboard and "抖音短視頻發布" in dashboard  # the task KPI, 4 of 5
    # budgets by module and earned value of the live strategy
    modules = dashboard[dashboard.index('class="compact modules"'):]
    assert ">420,000<" in modules and ">390,000<" in modules and ">200,000<" in modules
    goals = (tmp_path / "site" / "goals.html").read_text("utf-8")
    assert "Pace 101%" in goals and "Expected to date 493.68" in goals
    # the task tables give the forecast end and its slip (in days) beside the plan
    douyin = (tmp_path / "site" / "workstream-douyin-2026.html").read_text("utf-8")
    assert "<td>2026-06-01 <span class=\"bad\">+3</span></td>" in douyin
    md_douyin = (tmp_path / "md" / "workstreams" / "douyin-2026.md").read_text("utf-8")
    assert "| 2026-06-01 (+3) |" in md_douyin
    people = (tmp_path / "site" / "people.html").read_text("utf-8")
    assert 'id="departments"' in people and "華東分公司銷售部" in people
    readme = (tmp_path / "md" / "README.md").read_text("utf-8")
    assert "Pace 88% · Expected to date 1,362.43" in readme
    assert "Allocated 420,000 CNY · Planned 390,000 CNY · Spent 200,000 CNY · Remaining 220,000 CNY" in readme


def test_diff_shows_a_moved_period_target_a_changed_lag_and_a_new_slip(tmp_path):
    import shutil

    for side in ("a", "b"):
        shutil.copytree(YEAR, tmp_path / side)
    b = tmp_path / "b" / "plans" / "2026"
    strategy = b / "strategy.yaml"
    strategy.write_text(strategy.read_text("utf-8").replace(
        "2026-Q2: 375, 2026-Q3: 375", "2026-Q2: 350, 2026-Q3: 400"), "utf-8")
    douyin = b / "workstreams" / "douyin-2026.yaml"
    douyin.write_text(douyin.read_text("utf-8").replace("lag: -3", "lag: -1"), "utf-8")
    shutil.copy(YEAR / "plancode.yaml", tmp_path / "plancode.yaml")  # both sides' calendar
    result = plancode("--locale", "en", "diff", "./a/plans", "./b/plans", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("period targets 2026-Q1: 300, 2026-Q2: 375, 2026-Q3: 375, 2026-Q4: 450 → "
            "2026-Q1: 300, 2026-Q2: 350, 2026-Q3: 400, 2026-Q4: 450") in out
    assert "links douyin-2026/studio: fs -3 → douyin-2026/studio: fs -1" in out
    # hosts now starts 1 working day (not 3) before the studio ends; forecast: the studio
    # ends 05-27, hosts start 05-27 (shift(05-28, −1)) and take 5 working days to 06-02, so
    # the milestone of 05-29 waits until Wednesday 06-03: 5 days late (3 before)
    assert "forecast slip 3 → 5 days" in out


def test_plans_without_a_section_5_key_export_the_section_3_columns_only():
    result = plancode("export", "--format", "json", cwd=REPO)
    data = json.loads(result.stdout)
    assert list(data) == ["tasks", "goals", "reviews", "reports"]
    assert not {"forecast_end", "slip", "repeat", "archived"} & set(data["tasks"][0])
    assert not {"expected", "pace"} & set(data["goals"][0])
