"""PC5 · budget rules: each plan inline, the expected findings as (code, file, line).

Findings are narrowed to the PC5 family so that these specs do not depend on the other
families' rules.
"""

from __future__ import annotations

from plancode.config import Thresholds

PATH = "plans/strategy.yaml"

# Balanced: shares 40 + 30 + 10 + 12% contingency = 92%; top goals 300,000 of the
# 880,000 left after the reserve; online-up-35's sub-goals 60,000 + 80,000 of 150,000.
STRATEGY = """
    kind: strategy
    id: fy2024
    title: 2024 年度營銷策略
    period: 2024
    owner: zhang.min
    budget:
      total: 1000000
      currency: CNY
      contingency: 12
      allocation: {promotion: 40, channel: 30, training: 10}
    goals:
      - id: sales-up-30
        title: 年度銷售額提升30%
        owner: zhang.min
        metric: {name: 銷售額, unit: 萬元, baseline: 1000, target: 1300}
        due: 2024-12-31
        budget: 300000
        goals:
          - id: online-up-35
            title: 線上渠道銷售額提升35%
            owner: li.wei
            metric: {name: 線上銷售額, unit: 萬元, baseline: 400, target: 540}
            due: 2024-12-31
            budget: 150000
            goals:
              - id: cac-50
                title: 新客獲客成本降至50元/人
                owner: wang.fang
                metric: {name: 新客獲客成本, unit: 元/人, baseline: 60, target: 50, direction: down}
                due: 2024-06-30
                budget: 60000
              - id: brand-search-20
                title: 品牌搜索量季度達20萬次
                owner: chen.jie
                metric: {name: 品牌搜索量, unit: 萬次, baseline: 15, target: 20}
                due: 2024-06-30
                budget: 80000
    """

TWO_TOP_GOALS = STRATEGY.rstrip(" ") + """\
      - id: new-sales-5000
        title: 年度新增銷售額5000萬元
        owner: zhang.min
        metric: {name: 新增銷售額, unit: 萬元, target: 5000}
        due: 2024-12-31
        budget: 600000
"""

# Tasks linked to online-up-35 through their workstream's goal.
WORKSTREAM = """
    kind: workstream
    id: douyin-live
    title: 抖音直播帶貨計劃
    goal: online-up-35
    owner: li.wei
    tasks:
      - id: account
        name: 直播賬號搭建
        owner: chen.jie
        start: 2024-07-01
        end: 2024-07-10
        deliverable: 賬號完成企業認證
        budget: 5000
      - id: first-live
        name: 首場直播執行
        owner: chen.jie
        start: 2024-07-25
        end: 2024-07-25
        deliverable: 完成首場直播
        budget: 15000
        {status}
    """


def budget_findings(repo, **kwargs):
    return [f for f in repo.findings(**kwargs) if f[0].startswith("PC5")]


def budget_problems(repo, **kwargs):
    return [p for p in repo.workspace(**kwargs).problems if p.code.startswith("PC5")]


def test_a_balanced_budget_is_fine(base_repo):
    base_repo.write(PATH, STRATEGY)
    base_repo.write("plans/douyin-live.yaml", WORKSTREAM.format(status="status: cancelled"))
    assert budget_findings(base_repo) == []


# --- PC501 over-allocated ------------------------------------------------------------------------

def test_shares_and_contingency_over_100_percent(base_repo):
    base_repo.write(PATH, STRATEGY.replace("promotion: 40", "promotion: 50"))
    assert budget_findings(base_repo) == [("PC501", PATH, 10)]
    (problem,) = budget_problems(base_repo)
    assert str(problem.severity) == "error"
    assert problem.message == (
        "the budget shares add up to 102% (promotion 50%, channel 30%, training 10%, "
        "12% contingency), more than 100%: 2 points over")


def test_top_goals_may_not_use_the_contingency_reserve(base_repo):
    base_repo.write(PATH, TWO_TOP_GOALS)
    # 300,000 + 600,000 = 900,000 > 1,000,000 − 12% = 880,000
    assert budget_findings(base_repo) == [("PC501", PATH, 7)]
    (problem,) = budget_problems(base_repo)
    assert problem.message == (
        "the top-level goals' budgets add up to 900,000 CNY, more than the 880,000 CNY left "
        "after the 12% contingency reserve of the total 1,000,000 CNY: 20,000 CNY over")


def test_top_goals_within_the_total_when_there_is_no_reserve(base_repo):
    base_repo.write(PATH, TWO_TOP_GOALS.replace("\n      contingency: 12\n", "\n"))
    # within the total: only the missing reserve is reported
    assert budget_findings(base_repo) == [("PC502", PATH, 6)]


def test_sub_goals_over_their_goal_budget(base_repo):
    base_repo.write(PATH, STRATEGY.replace("budget: 60000", "budget: 100000"))
    assert budget_findings(base_repo) == [("PC501", PATH, 24)]
    (problem,) = budget_problems(base_repo, locale="zh-TW")
    assert problem.message == (
        "目標 線上渠道銷售額提升35% 之下的預算合計 180,000 CNY(子目標 180,000 CNY),"
        "超過該目標的預算 150,000 CNY:超出 30,000 CNY")


def test_sub_goals_and_linked_tasks_share_the_goal_budget(base_repo):
    base_repo.write(PATH, STRATEGY)
    base_repo.write("plans/douyin-live.yaml", WORKSTREAM.format(status=""))
    # sub-goals 140,000 + tasks 20,000 = 160,000 > 150,000: once, at the goal's budget
    assert budget_findings(base_repo) == [("PC501", PATH, 24)]
    (problem,) = budget_problems(base_repo)
    assert "(sub-goals 140,000 CNY + tasks 20,000 CNY)" in problem.message
    assert "10,000 CNY over" in problem.message


# --- PC502 contingency range ---------------------------------------------------------------------

def test_contingency_below_the_range(base_repo):
    base_repo.write(PATH, STRATEGY.replace("contingency: 12", "contingency: 5"))
    assert budget_findings(base_repo) == [("PC502", PATH, 9)]
    (problem,) = budget_problems(base_repo)
    assert str(problem.severity) == "warning"
    assert problem.message == ("the contingency reserve is 5% of the budget, below the 10–15% "
                               "the plan should keep")


def test_contingency_above_the_default_range_but_within_a_configured_one(base_repo):
    base_repo.write(PATH, STRATEGY.replace("contingency: 12", "contingency: 20"))
    assert budget_findings(base_repo) == [("PC502", PATH, 9)]
    assert budget_findings(base_repo, thresholds=Thresholds(contingency=(10, 20))) == []


def test_contingency_at_the_ends_of_the_range_is_fine(base_repo):
    for value in ("10", "15"):
        base_repo.write(PATH, STRATEGY.replace("contingency: 12", f"contingency: {value}"))
        assert budget_findings(base_repo) == []


def test_missing_contingency_points_at_the_budget(base_repo):
    base_repo.write(PATH, STRATEGY.replace("\n      contingency: 12\n", "\n"))
    assert budget_findings(base_repo) == [("PC502", PATH, 6)]
    (problem,) = budget_problems(base_repo, locale="zh-TW")
    assert problem.message == "預算沒有設定預備金;計劃應保留總預算的 10–15%"
    # a range that starts at 0 accepts a budget without a reserve
    assert budget_findings(base_repo, thresholds=Thresholds(contingency=(0, 15))) == []


def test_a_strategy_without_budget_has_nothing_to_check(base_repo):
    base_repo.write(PATH, STRATEGY.replace(
        "\n    budget:\n      total: 1000000\n      currency: CNY\n      contingency: 12\n"
        "      allocation: {promotion: 40, channel: 30, training: 10}\n", "\n"))
    assert base_repo.workspace().plan.strategies["fy2024"].budget is None
    assert budget_findings(base_repo) == []
