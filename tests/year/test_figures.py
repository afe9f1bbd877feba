"""SPEC §5 figures on small plans written inline, each worked by hand in its comment."""

from __future__ import annotations

import datetime as dt

from plancode.config import CalendarSettings

D = dt.date

PERIOD_STRATEGY = """
    kind: strategy
    id: fy2024
    title: 2024 年度營銷策略
    period: 2024
    owner: zhang.min
    goals:
      - id: sales-up-30
        title: 年度銷售額提升30%
        owner: zhang.min
        metric: {name: 銷售額, unit: 萬元, baseline: 1000, target: 1300, aggregate: sum,
                 targets: {2024-Q1: 260, 2024-Q2: 325, 2024-Q3: 325, 2024-Q4: 390}}
        due: 2024-12-31
"""


def plan_of(repo, as_of="2024-06-20", **config):
    ws = repo.workspace(as_of=as_of, **config)
    assert ws.plan is not None, ws.problems
    return ws.plan


def test_pace_of_a_sum_metric_with_quarter_targets(base_repo):
    base_repo.write("plans/strategy.yaml", PERIOD_STRATEGY)
    base_repo.write("plans/w24.yaml", """
        kind: report
        week: 2024-W24
        department: sales
        author: zhang.min
        metrics:
          - {goal: sales-up-30, value: 560}
    """)
    goal = plan_of(base_repo).goals["sales-up-30"]
    # D = Sunday 2024-06-16, the end of W24: Q1's 260 + Q2's 325 × 77 / 91 days = 535
    assert goal.judged_on == D(2024, 6, 16)
    assert round(goal.expected, 6) == 535
    # 560 / 535 = 104.67 % → 105 %; within 10 %: no alert, though 560 / 1300 is 43 %
    assert goal.pace_pct == 105
    assert goal.achievement_pct == 43
    assert goal.alert is None


def test_pace_below_raises_pc603_by_pace(base_repo):
    base_repo.write("plans/strategy.yaml", PERIOD_STRATEGY)
    base_repo.write("plans/w24.yaml", """
        kind: report
        week: 2024-W24
        department: sales
        author: zhang.min
        metrics:
          - {goal: sales-up-30, value: 428}
    """)
    # 428 / 535 = 80 %: more than 10 % below the expected to date
    problems = [p for p in base_repo.workspace(as_of="2024-06-20").problems if p.code == "PC603"]
    assert [(p.path, p.line) for p in problems] == [("plans/w24.yaml", 6)]
    assert "80" in problems[0].message and "535" in problems[0].message


def test_sum_without_targets_is_prorated_over_the_goals_span(base_repo):
    base_repo.write("plans/strategy.yaml", PERIOD_STRATEGY.replace(
        ",\n                 targets: {2024-Q1: 260, 2024-Q2: 325, 2024-Q3: 325, 2024-Q4: 390}", ""))
    base_repo.write("plans/w13.yaml", """
        kind: report
        week: 2024-W13
        department: sales
        author: zhang.min
        metrics:
          - {goal: sales-up-30, value: 300}
    """)
    goal = plan_of(base_repo).goals["sales-up-30"]
    # W13 ends Sunday 2024-03-31: 91 of 2024's 366 days; 1300 × 91 / 366 = 323.22
    assert round(goal.expected, 2) == 323.22
    assert goal.pace_pct == 93  # 300 / 323.22 = 92.8 %


def test_last_takes_the_target_of_the_period_holding_the_day(base_repo):
    base_repo.write("plans/strategy.yaml", """
        kind: strategy
        id: fy2024
        title: 2024 年度營銷策略
        period: 2024
        owner: zhang.min
        goals:
          - id: cac-down
            title: 獲客成本降至50元
            owner: zhang.min
            metric: {name: CAC, unit: 元/人, baseline: 60, target: 50, direction: down,
                     aggregate: last, targets: {2024-H1: 55, 2024-H2: 50}}
            due: 2024-12-31
    """)
    base_repo.write("plans/w24.yaml", """
        kind: report
        week: 2024-W24
        department: sales
        author: zhang.min
        metrics:
          - {goal: cac-down, value: 50}
    """)
    goal = plan_of(base_repo).goals["cac-down"]
    # the H1 target 55 holds on 2024-06-16; down: 55 / 50 = 110 %
    assert goal.expected == 55 and goal.pace_pct == 110


# --- working days ---------------------------------------------------------------------------

CN = CalendarSettings(holidays="CN")


def workstream(tasks: str) -> str:
    return """
        kind: workstream
        id: ws
        title: 工作流
        goal: online-up-35
        owner: li.wei
        tasks:
    """ + tasks


def test_three_working_days_from_2024_04_26_end_on_monday_04_29(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: li.wei, start: 2024-04-26, days: 3, deliverable: 一}
    """))
    task = plan_of(base_repo, calendar=CN).tasks["ws/a"]
    # Friday 26, Sunday 28 (make-up workday for 五一), Monday 29; Saturday 27 is off
    assert task.end == D(2024, 4, 29) and task.days == 3


def test_five_working_days_from_2025_01_27_end_on_saturday_02_08(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: li.wei, start: 2025-01-27, days: 5, deliverable: 一}
    """))
    task = plan_of(base_repo, as_of="2025-02-05", calendar=CN).tasks["ws/a"]
    # Monday 27; 春節 01-28..02-04 off; 02-05, 02-06, 02-07; Saturday 02-08 is a make-up day
    assert task.end == D(2025, 2, 8) and task.days == 5
    # as of Wednesday 02-05: 2 of 5 working days elapsed → 40 % planned (not 10 of 13 days)
    assert task.planned_progress == 40


def test_without_a_calendar_every_day_counts(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: li.wei, start: 2025-01-27, days: 5, deliverable: 一}
    """))
    assert plan_of(base_repo).tasks["ws/a"].end == D(2025, 1, 31)


# --- recurring tasks ------------------------------------------------------------------------

def test_a_weekly_task_done_one_week_of_four_is_25_percent(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - id: videos
            name: 抖音短視頻發布
            owner: li.wei
            start: 2024-06-03
            end: 2024-06-30
            repeat: weekly
            metric: {name: 短視頻, unit: 條, target: 5}
    """))
    for week, done in (("23", "yes"), ("24", "no")):
        base_repo.write(f"plans/r{week}.yaml", f"""
            kind: report
            week: 2024-W{week}
            department: marketing
            author: li.wei
            entries:
              - {{task: ws/videos, planned: 發布5條, done: {done}, reason: 拍攝延誤, actual: 3}}
        """)
    task = plan_of(base_repo).tasks["ws/videos"]
    # weeks W23..W26; done in W23 only: 1 / 4; W23 and W24 have ended by 06-20: 2 / 4 planned
    assert (task.occurrences, task.occurrences_done) == (4, 1)
    assert task.progress == 25 and task.planned_progress == 50 and task.status == "in_progress"
    # the latest actual, 3 of 5 per occurrence: 60 %
    assert task.metric_actual == 3 and task.metric_achievement_pct == 60
    assert task.metric_alert == "below"


# --- links and forecast ---------------------------------------------------------------------

def test_forecast_follows_links_with_lag_across_workstreams(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: li.wei, start: 2024-06-01, end: 2024-06-10, progress: 50, deliverable: 一}
          - {id: b, name: 乙, owner: li.wei, after: [{task: a, lag: 2}], start: 2024-06-13, end: 2024-06-17, deliverable: 二}
    """))
    base_repo.write("plans/ws2.yaml", """
        kind: workstream
        id: other
        title: 其他
        goal: online-up-35
        owner: li.wei
        tasks:
          - {id: c, name: 丙, owner: li.wei, after: [{task: ws/b, type: ss, lag: 1}], start: 2024-06-14, end: 2024-06-15, milestone: false, deliverable: 三}
    """)
    plan = plan_of(base_repo, as_of="2024-06-12")
    a, b, c = (plan.tasks[t] for t in ("ws/a", "ws/b", "other/c"))
    # a: 10 days at 50 % → 5 remain from 06-12: ends 06-16, 6 days late
    assert (a.forecast_end, a.slip) == (D(2024, 6, 16), 6)
    # b waits 2 days after a: starts 06-19, 5 days → 06-23, slip 6
    assert (b.forecast_start, b.forecast_end, b.slip, b.pushed_by) == (D(2024, 6, 19), D(2024, 6, 23), 6, "ws/a")
    # c starts one day after b starts: 06-20, 2 days → 06-21
    assert (c.forecast_start, c.forecast_end, c.pushed_by) == (D(2024, 6, 20), D(2024, 6, 21), "ws/b")
    # across workstreams: a and b push c; c ends its workstream, b ends its own
    assert a.critical and b.critical and c.critical


def test_department_figures_roll_up_to_the_parent(base_repo):
    base_repo.write("plans/team.yaml", """
        kind: team
        departments:
          - {id: marketing, name: 市場部, lead: li.wei}
          - {id: sales, name: 銷售部, lead: zhang.min}
          - {id: east, name: 華東分公司, lead: wang.fang, parent: sales}
        people:
          - {id: li.wei, name: 李偉, department: marketing}
          - {id: zhang.min, name: 張敏, department: sales}
          - {id: wang.fang, name: 王芳, department: east}
    """)
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: zhang.min, start: 2024-06-01, end: 2024-06-30, deliverable: 一}
          - {id: b, name: 乙, owner: wang.fang, start: 2024-06-01, end: 2024-06-30, deliverable: 二}
          - {id: c, name: 丙, owner: wang.fang, start: 2024-07-01, end: 2024-07-30, deliverable: 三}
    """))
    base_repo.write("plans/w23.yaml", """
        kind: report
        week: 2024-W23
        department: east
        author: wang.fang
        entries:
          - {task: ws/b, planned: 乙, done: yes, progress: 30, spent: 1200}
    """)
    figures = plan_of(base_repo, as_of="2024-06-15").department_figures
    sales, east = figures["sales"], figures["east"]
    assert (east.tasks, east.active, east.reports, east.spent) == (2, 1, 1, 1200)
    # sales: its own task a (active), plus east's two tasks, one report and 1,200 spent
    assert (sales.tasks, sales.tasks_total, sales.active_total, sales.reports_total, sales.spent_total) == (
        1, 3, 2, 1, 1200)
    assert sales.children == ("east",)
