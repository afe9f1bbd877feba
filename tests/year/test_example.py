"""examples/year: every SPEC §5 feature over 2025 (archived) and 2026, checked, exported
and built with the real CLI; and plans/ without any §5 key keeps §2's output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
YEAR = REPO / "examples" / "year"


def plancode(*args: str, cwd: Path = YEAR) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plancode", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1"})


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


def test_the_year_example_builds(tmp_path):
    result = plancode("build", "--out", str(tmp_path / "site"), "--markdown", str(tmp_path / "md"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()


def test_plans_without_a_section_5_key_export_the_section_3_columns_only():
    result = plancode("export", "--format", "json", cwd=REPO)
    data = json.loads(result.stdout)
    assert list(data) == ["tasks", "goals", "reviews", "reports"]
    assert not {"forecast_end", "slip", "repeat", "archived"} & set(data["tasks"][0])
    assert not {"expected", "pace"} & set(data["goals"][0])
