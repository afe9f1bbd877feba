"""SPEC §5 rules and bad §5 input: each plan inline, the findings as (code, file, line)."""

from __future__ import annotations

from plancode.config import CalendarSettings

from .test_figures import PERIOD_STRATEGY, workstream

CN = CalendarSettings(holidays="CN")


def found(repo, codes, **kwargs):
    return [f for f in repo.findings(**kwargs) if f[0] in codes]


# --- PC306 period targets ----------------------------------------------------------------

def test_period_targets_that_do_not_add_up_overlap_or_fall_outside(base_repo):
    base_repo.write("plans/strategy.yaml", """
        kind: strategy
        id: fy2024
        title: 2024 年度營銷策略
        period: 2024
        owner: zhang.min
        goals:
          - id: sales-up-30
            title: 年度銷售額提升30%
            owner: zhang.min
            metric:
              name: 銷售額
              target: 1300
              aggregate: sum
              targets:
                2024-Q1: 260
                2024-Q2: 325
                2024-06: 100
                2025-Q1: 300
            due: 2024-12-31
          - id: cac
            title: 獲客成本降至50元
            owner: zhang.min
            metric: {name: CAC, target: 50, direction: down, aggregate: last,
                     targets: {2024-H1: 55, 2024-H2: 52}}
            due: 2024-12-31
    """)
    assert found(base_repo, {"PC306"}) == [
        ("PC306", "plans/strategy.yaml", 14),  # 985 ≠ 1300
        ("PC306", "plans/strategy.yaml", 17),  # 2024-06 overlaps 2024-Q2
        ("PC306", "plans/strategy.yaml", 18),  # 2025-Q1 is outside 2024
        ("PC306", "plans/strategy.yaml", 24),  # last: H2's 52 ≠ 50
    ]


def test_period_targets_within_half_a_percent_add_up(base_repo):
    base_repo.write("plans/strategy.yaml", PERIOD_STRATEGY.replace("390}", "396}"))  # 1306: 0.46 %
    assert found(base_repo, {"PC306"}) == []


def test_a_bad_period_key_is_a_schema_finding_at_its_line(base_repo):
    base_repo.write("plans/strategy.yaml", PERIOD_STRATEGY.replace("2024-Q4: 390", "2024-Q5: 390"))
    assert [f[:2] for f in base_repo.findings()] == [("PC101", "plans/strategy.yaml")]


# --- PC404 and links ---------------------------------------------------------------------

def test_an_overlap_its_link_allows_is_no_pc404(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: li.wei, start: 2024-06-20, end: 2024-06-30, deliverable: 一}
          - {id: b, name: 乙, owner: li.wei, after: [{task: a, lag: -3}], start: 2024-06-28, end: 2024-07-05, deliverable: 二}
          - {id: c, name: 丙, owner: li.wei, after: [{task: a, lag: -3}], start: 2024-06-27, end: 2024-07-05, deliverable: 三}
          - {id: d, name: 丁, owner: li.wei, after: [{task: a, type: ss, lag: 2}], start: 2024-06-22, end: 2024-07-05, deliverable: 四}
    """))
    # b starts 3 days before a ends, as its link says; c one day earlier still
    assert found(base_repo, {"PC404"}) == [("PC404", "plans/ws.yaml", 10)]


def test_a_lag_on_an_unknown_task_and_a_cycle_through_lags(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: li.wei, after: [{task: c, lag: 2}], start: 2024-06-20, end: 2024-06-30, deliverable: 一}
          - {id: b, name: 乙, owner: li.wei, after: [{task: a, lag: -3}], start: 2024-06-28, end: 2024-07-05, deliverable: 二}
          - {id: c, name: 丙, owner: li.wei, after: [{task: b, type: ss}], start: 2024-06-28, end: 2024-07-05, deliverable: 三}
          - {id: d, name: 丁, owner: li.wei, after: [{task: nowhere, lag: 1}], start: 2024-06-22, end: 2024-07-05, deliverable: 四}
    """))
    assert found(base_repo, {"PC402", "PC403"}) == [
        ("PC403", "plans/ws.yaml", 8), ("PC402", "plans/ws.yaml", 11)]


# --- PC408 forecast slip ----------------------------------------------------------------------

def test_a_milestone_pushed_by_a_late_chain_names_the_chain(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: selection, name: 選品, owner: li.wei, start: 2024-06-05, end: 2024-06-15, progress: 40, deliverable: 一}
          - {id: script, name: 腳本, owner: li.wei, after: [{task: selection}], days: 3, deliverable: 二}
          - {id: first-live, name: 首場直播, owner: li.wei, milestone: true, after: [script], start: 2024-06-25, end: 2024-06-25, deliverable: 三}
    """))
    problems = [p for p in base_repo.workspace(as_of="2024-06-20").problems if p.code == "PC408"]
    # selection: 11 days at 40 % → ⌈6.6⌉ = 7 remain from 06-20 → 06-26; script 06-27..06-29;
    # first-live 06-30, 5 days late
    assert [(p.path, p.line) for p in problems] == [("plans/ws.yaml", 10)]
    assert "2024-06-30" in problems[0].message and "selection → script → first-live" in problems[0].message


def test_archived_strategies_raise_no_date_dependent_findings(base_repo):
    base_repo.write("plans/strategy.yaml", PERIOD_STRATEGY.replace("owner: zhang.min\n    goals", "owner: zhang.min\n    archived: true\n    goals"))
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: late, name: 甲, owner: li.wei, start: 2024-05-01, end: 2024-05-31, progress: 10, deliverable: 一}
          - {id: m, name: 乙, owner: li.wei, milestone: true, after: [late], start: 2024-06-01, end: 2024-06-01, deliverable: 二}
    """).replace("goal: online-up-35", "goal: sales-up-30"))
    base_repo.write("plans/w23.yaml", """
        kind: report
        week: 2024-W23
        department: sales
        author: zhang.min
        entries: []
    """)
    assert found(base_repo, {"PC405", "PC406", "PC408", "PC602", "PC605"}) == []
    base_repo.write("plans/strategy.yaml", PERIOD_STRATEGY)
    assert {f[0] for f in found(base_repo, {"PC405", "PC408"})} == {"PC405", "PC408"}


# --- PC409 / PC410 working days -----------------------------------------------------------

def test_a_task_on_a_holiday_and_a_year_the_library_does_not_cover(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: li.wei, start: 2024-10-01, end: 2024-10-12, deliverable: 一}
          - {id: b, name: 乙, owner: li.wei, start: 2099-03-02, end: 2099-03-06, deliverable: 二}
    """))
    # 2024-10-01 is 國慶 (a holiday), 2024-10-12 a make-up workday (Saturday)
    assert found(base_repo, {"PC409", "PC410"}, calendar=CN) == [
        ("PC409", "plans/ws.yaml", 8), ("PC410", "plans/ws.yaml", 9)]
    assert found(base_repo, {"PC409", "PC410"}) == []


def test_an_unknown_holiday_country_is_a_usage_error_at_its_line(repo):
    repo.write("plancode.yaml", "as_of: 2024-06-15\ncalendar:\n  holidays: XQ\n")
    repo.write("plans/team.yaml", "kind: team\n")
    result = repo.run("check")
    assert result.exit_code == 2
    assert "plancode.yaml:3:1" in result.output and "XQ" in result.output


# --- PC503 / PC504 modules -------------------------------------------------------------------

def test_a_module_planned_above_its_allocation_and_spending_above_budgets(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: a, name: 甲, owner: li.wei, start: 2024-06-01, end: 2024-06-10, budget: 250000, deliverable: 一}
          - {id: b, name: 乙, owner: li.wei, start: 2024-06-01, end: 2024-06-10, budget: 200000, deliverable: 二}
    """).replace("        tasks:", "        module: promotion\n        tasks:"))
    base_repo.write("plans/w23.yaml", """
        kind: report
        week: 2024-W23
        department: marketing
        author: li.wei
        entries:
          - {task: ws/a, planned: 甲, done: yes, progress: 100, spent: 260000}
          - {task: ws/b, planned: 乙, done: yes, progress: 100, spent: 150000}
    """)
    # promotion: 40 % of 1,000,000 = 400,000; planned 450,000 (PC503); spent 410,000 (PC504);
    # task a spent 260,000 of 250,000 (PC504)
    assert found(base_repo, {"PC503", "PC504"}) == [
        ("PC503", "plans/strategy.yaml", 6), ("PC504", "plans/strategy.yaml", 6),
        ("PC504", "plans/ws.yaml", 9)]
    plan = base_repo.workspace().plan
    promotion = next(m for m in plan.modules if m.module == "promotion")
    assert (promotion.allocated, promotion.planned, promotion.spent, promotion.remaining) == (
        400000, 450000, 410000, -10000)


# --- recurring tasks in reports ----------------------------------------------------------------

def test_pc602_expects_a_weekly_task_every_week_and_a_monthly_one_at_month_end(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: weekly, name: 周更, owner: li.wei, start: 2024-05-27, end: 2024-06-30, repeat: weekly, deliverable: 一}
          - {id: monthly, name: 月報, owner: li.wei, start: 2024-05-01, end: 2024-07-31, repeat: monthly, deliverable: 二}
    """))
    report = """
        kind: report
        week: 2024-W{week}
        department: marketing
        author: li.wei
        entries: {entries}
    """
    base_repo.write("plans/r22.yaml", report.format(
        week=22, entries="[{task: ws/weekly, planned: 發布, done: yes}]"))
    base_repo.write("plans/r23.yaml", report.format(week=23, entries="[]"))
    # W22 (05-27..06-02) holds May's last day: the monthly task is due there, not in W23;
    # the weekly task done in W22 is due again in W23
    assert found(base_repo, {"PC602"}) == [("PC602", "plans/r22.yaml", 5), ("PC602", "plans/r23.yaml", 5)]
    messages = [p.message for p in base_repo.workspace().problems if p.code == "PC602"]
    assert "ws/monthly" in messages[0] and "ws/weekly" in messages[1]


def test_repeat_without_an_end_is_reported_at_its_task(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: weekly, name: 周更, owner: li.wei, start: 2024-05-27, repeat: weekly, deliverable: 一}
    """))
    assert [f[:3] for f in base_repo.findings() if f[0] in ("PC305", "PC101")] == [("PC305", "plans/ws.yaml", 8)]


def test_new_report_lists_a_recurring_task_every_week_it_runs(base_repo):
    base_repo.write("plans/ws.yaml", workstream("""
          - {id: weekly, name: 周更, owner: li.wei, start: 2024-05-27, end: 2024-06-30, repeat: weekly, deliverable: 一}
          - {id: monthly, name: 月報, owner: li.wei, start: 2024-05-01, end: 2024-07-31, repeat: monthly, deliverable: 二}
    """))
    base_repo.write("plans/r22.yaml", """
        kind: report
        week: 2024-W22
        department: marketing
        author: li.wei
        entries:
          - {task: ws/weekly, planned: 發布, done: yes}
          - {task: ws/monthly, planned: 月報, done: yes}
    """)
    w23 = base_repo.run("--as-of", "2024-06-10", "new", "report", "--week", "2024-W23",
                        "--department", "marketing", "--stdout")
    assert w23.exit_code == 0, w23.output
    # done last week, due again this week; the monthly one is due in W26 (06-30), not W23
    assert "task: ws/weekly" in w23.output and "ws/monthly" not in w23.output
    w26 = base_repo.run("--as-of", "2024-06-10", "new", "report", "--week", "2024-W26",
                        "--department", "marketing", "--stdout")
    assert "task: ws/monthly" in w26.output
