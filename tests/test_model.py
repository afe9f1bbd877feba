"""The computed figures of SPEC §2, on inline plans and on the template examples."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from plancode.model import entities, figures
from plancode.workspace import load_config, load_workspace

REPO = Path(__file__).resolve().parent.parent

D = dt.date.fromisoformat

GANTT = """
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
owner: li.wei
tasks:
  - {id: account, name: 直播賬號搭建, owner: chen.jie, start: 2024-06-01, end: 2024-06-10, progress: 100, budget: 8000, deliverable: 企業認證}
  - {id: selection, name: 選品與庫存對接, owner: li.wei, after: [account], start: 2024-06-05, end: 2024-06-15, progress: 90, budget: 2000, deliverable: 選品清單}
  - {id: script, name: 直播腳本策劃, owner: wang.fang, after: [selection], start: 2024-06-10, end: 2024-06-20, progress: 70, deliverable: 腳本}
  - {id: first-live, name: 首場直播執行, owner: chen.jie, after: [script], milestone: true, start: 2024-06-25, end: 2024-06-25, deliverable: 首播}
"""


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [("2024-06-01", "2024-06-10", 10), ("2024-06-05", "2024-06-15", 11), ("2024-06-25", "2024-06-25", 1),
     ("2024-02-28", "2024-03-01", 3)],
)
def test_duration_includes_both_ends(start, end, days):
    assert figures.duration(D(start), D(end)) == days


@pytest.mark.parametrize(
    ("target", "actual", "direction", "shown"),
    [(90, 108, "up", 120), (50, 45, "down", 111), (20, 25, "up", 125), (500, 540, "up", 108),
     (15, 12, "up", 80), (30, 28, "up", 93), (200, 1, "up", 1), (8, 1, "up", 13), (40, 1, "up", 3)],
)
def test_achievement_rounds_half_up_and_respects_direction(target, actual, direction, shown):
    assert figures.round_half_up(figures.achievement(target, actual, direction)) == shown


def test_half_percent_rounds_up_not_to_even():
    assert figures.round_half_up(figures.achievement(200, 1)) == 1  # 0.5 → 1
    assert figures.round_half_up(figures.achievement(400, 10)) == 3  # 2.5 → 3


def test_achievement_is_undefined_when_the_divisor_is_zero():
    assert figures.achievement(0, 5, "up") is None
    assert figures.achievement(50, 0, "down") is None


@pytest.mark.parametrize(
    ("achieved", "alert"), [(80, "below"), (89.9, "below"), (90, None), (110, None), (110.1, "exceeded")]
)
def test_kpi_alert_at_ten_percent(achieved, alert):
    assert figures.kpi_alert(achieved, 10) == alert


@pytest.mark.parametrize(
    ("as_of", "planned"),
    [("2024-06-09", 0), ("2024-06-10", 100 / 11), ("2024-06-15", 600 / 11), ("2024-06-20", 100), ("2024-07-01", 100)],
)
def test_planned_progress_is_linear_over_the_inclusive_days(as_of, planned):
    assert figures.planned_progress(D("2024-06-10"), D("2024-06-20"), D(as_of)) == pytest.approx(planned)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [(2024, "2024-01-01", "2024-12-31"), ("2024-H2", "2024-07-01", "2024-12-31"),
     ("2024-Q1", "2024-01-01", "2024-03-31"), ("2024-Q4", "2024-10-01", "2024-12-31"),
     ("2024-02", "2024-02-01", "2024-02-29"), ({"start": "2024-06-01", "end": "2024-08-31"}, "2024-06-01", "2024-08-31")],
)
def test_periods(period, start, end):
    assert figures.period_range(period) == (D(start), D(end))


def test_the_template_gantt(base_repo):
    base_repo.write("plans/ws.yaml", GANTT)
    plan = base_repo.workspace(as_of="2024-06-15").plan
    rows = {t.id: (t.days, t.progress, t.status, t.critical) for t in plan.tasks.values()}
    assert rows == {
        "account": (10, 100, "done", True),
        "selection": (11, 90, "in_progress", True),
        "script": (11, 70, "in_progress", False),
        "first-live": (1, 0, "not_started", True),
    }
    script = plan.tasks["douyin-live/script"]
    assert script.planned_progress == pytest.approx(600 / 11)
    assert script.lag == pytest.approx(600 / 11 - 70)
    assert script.total_float == 4
    assert script.department == "sales"  # the owner's department


def test_status_overdue_and_written_statuses(base_repo):
    base_repo.write("plans/ws.yaml", GANTT.replace("progress: 90", "progress: 80")
                    .replace("deliverable: 首播}", "deliverable: 首播, status: blocked}"))
    plan = base_repo.workspace(as_of="2024-06-16").plan
    assert plan.tasks["douyin-live/selection"].status == "overdue"
    assert plan.tasks["douyin-live/first-live"].status == "blocked"


def test_start_may_follow_from_predecessors_and_end_from_days(base_repo):
    base_repo.write("plans/ws.yaml", """
        kind: workstream
        id: ws
        title: 工作流
        goal: online-up-35
        tasks:
          - {id: a, name: 甲, owner: li.wei, start: 2024-06-01, end: 2024-06-10, deliverable: x}
          - {id: b, name: 乙, owner: li.wei, start: 2024-06-03, days: 3, deliverable: x}
          - {id: c, name: 丙, owner: li.wei, after: [a, b], days: 5, deliverable: x}
    """)
    c = base_repo.workspace().plan.tasks["ws/c"]
    assert (c.start, c.end, c.days, c.start_written) == (D("2024-06-11"), D("2024-06-15"), 5, False)


def test_current_progress_comes_from_the_latest_counted_report(base_repo):
    base_repo.write("plans/ws.yaml", GANTT)
    for week, progress in (("2024-W22", 40), ("2024-W23", 60), ("2024-W24", 95)):
        base_repo.write(f"plans/r-{week}.yaml", f"""
            kind: report
            week: {week}
            department: marketing
            entries:
              - {{task: douyin-live/selection, done: partial, progress: {progress}, reason: 庫存不足, adjustment: 追加供應商}}
        """)
    plan = base_repo.workspace(as_of="2024-06-15").plan  # W24 ends 06-16: not yet
    selection = plan.tasks["douyin-live/selection"]
    assert (selection.progress, selection.progress_source) == (60, "2024-W23")
    later = base_repo.workspace(as_of="2024-06-16").plan.tasks["douyin-live/selection"]
    assert (later.progress, later.progress_source) == (95, "2024-W24")


def test_goal_rollup_and_achievement(base_repo):
    base_repo.write("plans/ws.yaml", GANTT)
    base_repo.write("plans/r.yaml", """
        kind: report
        week: 2024-W23
        department: marketing
        metrics:
          - {goal: online-up-35, value: 486}
    """)
    plan = base_repo.workspace().plan
    online = plan.goals["online-up-35"]
    # budget-weighted only when every task has a budget; here two of four do: equal weights
    assert online.progress == pytest.approx((100 + 90 + 70 + 0) / 4)
    assert (online.actual, online.achievement_pct, online.alert) == (486, 90, None)
    assert plan.goals["sales-up-30"].progress == pytest.approx(online.progress)
    assert (online.level, plan.goals["sales-up-30"].level) == (2, 1)


def test_earned_value(base_repo):
    base_repo.write("plans/ws.yaml", GANTT)
    base_repo.write("plans/r.yaml", """
        kind: report
        week: 2024-W23
        department: marketing
        entries:
          - {task: douyin-live/account, done: yes, progress: 100, spent: 7000}
          - {task: douyin-live/selection, done: partial, progress: 90, spent: 2500, reason: 缺貨}
    """)
    ev = base_repo.workspace().plan.earned_value
    # account: 8000 × 100 %; selection: 2000 × planned 100 % / actual 90 %
    assert (ev.pv, ev.ev, ev.ac) == (pytest.approx(10000), pytest.approx(9800), 9500)
    assert ev.spi == pytest.approx(0.98)
    assert ev.cpi == pytest.approx(9800 / 9500)


def test_a_dependency_cycle_is_found_once_as_a_closed_path(base_repo):
    base_repo.write("plans/ws.yaml", GANTT.replace("after: [account], ", "after: [account, script], "))
    plan = base_repo.workspace().plan
    assert plan.cycles == (("douyin-live/script", "douyin-live/selection", "douyin-live/script"),)


def test_no_model_record_carries_a_per_instance_dict():
    """Records have __slots__: a 100,000-task plan holds millions of them (issue #7, check
    under 1 GB), and a __dict__ each was a third of the peak."""
    plan = load_workspace(load_config(None, REPO), cwd=REPO).plan
    seen: dict[type, int] = {}

    def walk(value) -> None:
        if isinstance(value, (tuple, list, frozenset)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif dataclasses.is_dataclass(value) and type(value).__module__ == entities.__name__:
            assert not hasattr(value, "__dict__"), type(value).__name__
            seen[type(value)] = seen.get(type(value), 0) + 1
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))

    walk(plan)
    made_per_item = {entities.Source, entities.Task, entities.ReportEntry, entities.KpiValue,
                     entities.Report, entities.Goal, entities.Risk, entities.Metric, entities.Person,
                     entities.Department, entities.Workstream, entities.ReviewRow, entities.Review}
    assert made_per_item <= set(seen), made_per_item - set(seen)
