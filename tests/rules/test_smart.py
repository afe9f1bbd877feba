"""PC3 · SMART rules: each case is an inline plan and the findings it must give.

The base repository (conftest) has the goals sales-up-30 (line 8 of plans/strategy.yaml,
metric on line 11) > online-up-35 (line 16, metric on line 19) of strategy fy2024,
period 2024; as_of is 2024-06-15. Only PC3 findings are compared: the fixtures are not
about the other families.
"""

from __future__ import annotations

import pytest

from plancode.config import Thresholds
from plancode.problems import Severity
from plancode.rules.smart import vague

WS = "plans/ws.yaml"
H2 = "plans/h2.yaml"


def smart_findings(repo, **kwargs):
    return [f for f in repo.findings(**kwargs) if f[0].startswith("PC3")]


def problems(repo, code, **kwargs):
    return [p for p in repo.workspace(**kwargs).problems if p.code == code]


def workstream(tasks: str, goal: str = "online-up-35") -> str:
    """A workstream whose tasks start on line 7 (line 4 is its goal, or a description)."""
    fourth = f"goal: {goal}\n" if goal else "description: 抖音直播\n"
    return ("kind: workstream\nid: douyin-live\ntitle: 抖音直播帶貨計劃\n" + fourth
            + "owner: li.wei\ntasks:\n" + tasks)


def strategy(goals: str, period: str = "2024-H2") -> str:
    """A second strategy whose goals start on line 6."""
    head = f"period: {period}\n" if period else "owner: zhang.min\n"
    return "kind: strategy\nid: fy2024-h2\ntitle: 2024 下半年策略\n" + head + "goals:\n" + goals


# --- PC301 not-specific --------------------------------------------------------------------

@pytest.mark.parametrize("title", [
    "提升品牌影響力", "優化直播產品話術", "加強渠道管理", "做好客戶服務", "提升服務質量",
    "推进数字化营销", "Improve the website", "Strengthen brand awareness",
])
def test_vague_titles(title):
    assert vague(title)


@pytest.mark.parametrize("title", [
    "年度銷售額提升30%", "提升轉化率", "優化獲客成本", "加強三場直播宣傳", "提升品牌搜索量到２０萬",
    "直播賬號搭建", "小紅書種草筆記(50篇)", "Boost sales", "Improve lead conversion",
    "Grow revenue by 20%", "Launch the store app",
])
def test_specific_titles(title):
    assert not vague(title)


def test_vague_goal_without_metric(base_repo):
    base_repo.write(H2, strategy("""\
  - id: brand
    title: 提升品牌影響力
    owner: chen.jie
    due: 2024-12-31
  - id: website
    title: Improve the website
    owner: li.wei
    metric: {name: 官網訪問量, unit: 次, baseline: 10000, target: 15000}
    due: 2024-12-31
"""))
    # the goal without a metric is also PC302 (M), at the goal's first line
    assert smart_findings(base_repo) == [("PC302", H2, 6), ("PC301", H2, 7)]
    [problem] = problems(base_repo, "PC301")
    assert problem.severity == Severity.WARNING
    assert "提升品牌影響力" in problem.message and "metric" in problem.hint


def test_vague_task_without_deliverable_or_metric(base_repo):
    base_repo.write(WS, workstream("""\
  - id: script
    name: 優化直播產品話術
    owner: wang.fang
    start: 2024-07-01
    end: 2024-07-10
  - id: script-2
    name: 優化直播產品話術
    owner: wang.fang
    start: 2024-07-01
    end: 2024-07-10
    deliverable: 話術手冊第2版通過市場部審核
  - id: promo
    name: 加強宣傳
    owner: li.wei
    status: cancelled
    start: 2024-07-01
    end: 2024-07-10
"""))
    assert smart_findings(base_repo) == [("PC302", WS, 7), ("PC301", WS, 8)]


def test_not_specific_in_chinese(base_repo):
    base_repo.write(WS, workstream("""\
  - id: script
    name: 優化直播產品話術
    owner: wang.fang
    start: 2024-07-01
    end: 2024-07-10
"""))
    [problem] = problems(base_repo, "PC301", locale="zh-TW")
    assert problem.message == ("任務「優化直播產品話術」只說要做得更好,沒有說到什麼程度:"
                               "標題沒有數字、指標或交付物,也沒有 `metric:`")


# --- PC302 not-measurable ------------------------------------------------------------------

GOALS_TO_MEASURE = """\
  - id: leads
    title: 季度提供有效線索1000條
    owner: li.wei
    metric: {name: 季度有效線索, unit: 條}
    due: 2024-12-31
  - id: trials
    title: 試用申請量2000次
    owner: li.wei
    metric: {name: 試用申請量, target: 2000}
    due: 2024-12-31
  - id: price
    title: 建立經銷商價格管控制度
    owner: zhang.min
    class: soft
    due: 2024-12-31
"""


def test_goal_needs_a_target_error_and_a_unit_warning(base_repo):
    base_repo.write(H2, strategy(GOALS_TO_MEASURE))
    # the soft goal (軟目標) needs no number
    assert smart_findings(base_repo) == [("PC302", H2, 9), ("PC302", H2, 14)]
    target, unit = problems(base_repo, "PC302")
    assert (target.severity, unit.severity) == (Severity.ERROR, Severity.WARNING)
    assert "target" in target.message and "unit" in unit.message and "2000" in unit.message


def test_measurable_goals_are_fine(base_repo):
    base_repo.write(H2, strategy(GOALS_TO_MEASURE
                                 .replace("unit: 條}", "unit: 條, target: 1000}")
                                 .replace("{name: 試用申請量,", "{name: 試用申請量, unit: 次,")))
    assert smart_findings(base_repo) == []


TASKS_TO_MEASURE = """\
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-07-01
    end: 2024-07-10
  - id: first-live
    name: 首場直播執行
    owner: chen.jie
    start: 2024-07-25
    end: 2024-07-25
    metric: {name: 場均GMV, unit: 萬元}
  - id: selection
    name: 選品與庫存對接
    owner: li.wei
    start: 2024-07-05
    end: 2024-07-15
    metric: {name: 選品數, unit: 款}
    deliverable: 確定首場直播選品清單
"""


def test_task_needs_a_deliverable_or_a_metric_with_a_target_as_a_warning(base_repo):
    base_repo.write(WS, workstream(TASKS_TO_MEASURE))
    assert smart_findings(base_repo) == [("PC302", WS, 7), ("PC302", WS, 17)]
    assert {p.severity for p in problems(base_repo, "PC302")} == {Severity.WARNING}
    # the configured severity applies on top of the per-finding one
    assert {p.severity for p in problems(base_repo, "PC302", rules={"PC302": Severity.ERROR})} == {
        Severity.ERROR}


def test_measurable_tasks_are_fine(base_repo):
    delivered = TASKS_TO_MEASURE.replace("end: 2024-07-10\n",
                                         "end: 2024-07-10\n    deliverable: 賬號完成企業認證\n")
    base_repo.write(WS, workstream(delivered.replace("unit: 萬元}", "unit: 萬元, target: 3}")))
    assert smart_findings(base_repo) == []


def test_not_measurable_in_chinese(base_repo):
    base_repo.write(WS, workstream(TASKS_TO_MEASURE))
    first, _ = problems(base_repo, "PC302", locale="zh-TW")
    assert first.message == "任務「直播賬號搭建」既沒有 `deliverable`(交付標準)也沒有 `metric`,無法判斷何時完成"


# --- PC303 not-achievable ------------------------------------------------------------------

GROWTH = """\
  - id: online
    title: 線上銷售額翻倍
    owner: li.wei
    metric: {name: 線上銷售額, unit: 萬元, baseline: 500, target: 1100}
    due: 2024-12-31
  - id: cac
    title: 新客獲客成本降至25元/人
    owner: wang.fang
    metric: {name: 新客獲客成本(CAC), unit: 元/人, baseline: 60, target: 25, direction: down}
    due: 2024-12-31
  - id: complaints
    title: 客訴量降至0
    owner: wang.fang
    metric: {name: 客訴量, unit: 件, baseline: 12, target: 0, direction: down}
    due: 2024-12-31
  - id: new-channel
    title: 新渠道銷售額100萬元
    owner: zhang.min
    metric: {name: 新渠道銷售額, unit: 萬元, baseline: 0, target: 100}
    due: 2024-12-31
  - id: leads
    title: 季度有效線索1000條
    owner: li.wei
    metric: {name: 有效線索, unit: 條, target: 1000}
    due: 2024-12-31
"""


def test_growth_above_the_cap(base_repo):
    base_repo.write(H2, strategy(GROWTH))
    # +120%; 60 → 25 is 140% better; a down target of 0; baseline 0 and none: no growth
    assert smart_findings(base_repo) == [("PC303", H2, 9), ("PC303", H2, 14), ("PC303", H2, 19)]
    up, down, zero = problems(base_repo, "PC303")
    assert up.severity == Severity.WARNING
    assert up.message == ("goal 線上銷售額翻倍: 線上銷售額 from 500 to 1100 萬元 is a growth of "
                          "120%, more than the growth cap of 100%")
    assert "140%" in down.message and "zero" in zero.message


def test_growth_at_the_cap_is_fine(base_repo):
    base_repo.write(H2, strategy(GROWTH
                                 .replace("target: 1100", "target: 1000")
                                 .replace("target: 25,", "target: 30,")
                                 .replace("target: 0,", "target: 6,")))
    assert smart_findings(base_repo) == []


def test_growth_cap_is_configurable_and_applies_to_task_metrics(base_repo):
    base_repo.write(WS, workstream("""\
  - id: live-sessions
    name: 抖音直播帶貨場次(20場)
    owner: chen.jie
    start: 2024-07-01
    end: 2024-12-31
    metric: {name: 場均GMV, unit: 萬元, baseline: 2, target: 3}
"""))
    # sales-up-30 +30%, online-up-35 +35% (540 over 400), the task's GMV +50%
    assert smart_findings(base_repo, thresholds=Thresholds(growth_cap=25)) == [
        ("PC303", "plans/strategy.yaml", 11), ("PC303", "plans/strategy.yaml", 19),
        ("PC303", WS, 12)]
    assert smart_findings(base_repo, thresholds=Thresholds(growth_cap=50)) == []


def test_not_achievable_in_chinese(base_repo):
    base_repo.write(H2, strategy(GROWTH))
    _, down, _ = problems(base_repo, "PC303", locale="zh-TW")
    assert down.message == ("目標「新客獲客成本降至25元/人」:新客獲客成本(CAC)從 60 降到 25 元/人,"
                            "改善 140%(基準值 ÷ 目標值),超過增長上限 100%")


# --- PC304 not-relevant --------------------------------------------------------------------

TWO_TASKS = """\
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-07-01
    end: 2024-07-10
    deliverable: 賬號完成企業認證
  - id: selection
    name: 選品與庫存對接
    owner: li.wei
    start: 2024-07-05
    end: 2024-07-15
    deliverable: 確定首場直播選品清單
"""


def test_a_workstream_without_any_goal_is_one_finding(base_repo):
    base_repo.write(WS, workstream(TWO_TASKS, goal=""))
    assert smart_findings(base_repo) == [("PC304", WS, 2)]
    [problem] = problems(base_repo, "PC304")
    assert problem.severity == Severity.ERROR
    assert "2 tasks" in problem.message and "`sales-up-30`" in problem.hint


def test_only_the_tasks_without_a_goal_when_some_have_one(base_repo):
    base_repo.write(WS, workstream(TWO_TASKS.replace(
        "deliverable: 賬號完成企業認證\n", "deliverable: 賬號完成企業認證\n    goal: online-up-35\n"), goal=""))
    assert smart_findings(base_repo) == [("PC304", WS, 14)]


def test_a_goal_of_the_workstream_or_the_task_is_relevant(base_repo):
    base_repo.write(WS, workstream(TWO_TASKS))
    assert smart_findings(base_repo) == []


def test_an_unknown_goal_is_pc105_only(base_repo):
    base_repo.write(WS, workstream(TWO_TASKS, goal="online-up-53"))
    assert [c for c in base_repo.codes() if c in ("PC105", "PC304")] == ["PC105"]


def test_cancelled_tasks_are_not_counted(base_repo):
    cancelled = TWO_TASKS.replace("deliverable: 確定首場直播選品清單\n",
                                  "deliverable: 確定首場直播選品清單\n    status: cancelled\n")
    base_repo.write(WS, workstream(cancelled.replace(
        "deliverable: 賬號完成企業認證\n", "deliverable: 賬號完成企業認證\n    goal: online-up-35\n"), goal=""))
    assert smart_findings(base_repo) == []


def test_not_relevant_in_chinese(base_repo):
    base_repo.write(WS, workstream(TWO_TASKS, goal=""))
    [problem] = problems(base_repo, "PC304", locale="zh-TW")
    assert problem.message == "工作流「抖音直播帶貨計劃」及其 2 個任務都沒有關聯任何目標:請在工作流加上 `goal:`"


# --- PC305 not-time-bound ------------------------------------------------------------------

GOAL_DATES = """\
  - id: no-deadline
    title: 季度有效線索1000條
    owner: li.wei
    metric: {name: 有效線索, unit: 條, target: 1000}
  - id: by-period
    title: 老客戶專屬活動觸達率80%
    owner: li.wei
    metric: {name: 觸達率, unit: '%', target: 80}
    period: 2024-Q3
  - id: due-outside
    title: 新品首月銷售額300萬元
    owner: zhang.min
    metric: {name: 新品首月銷售額, unit: 萬元, target: 300}
    due: 2025-01-31
  - id: period-outside
    title: 上半年線索500條
    owner: li.wei
    metric: {name: 有效線索, unit: 條, target: 500}
    period: 2024-Q2
"""


def test_goal_deadlines(base_repo):
    base_repo.write(H2, strategy(GOAL_DATES))
    assert smart_findings(base_repo) == [("PC305", H2, 6), ("PC305", H2, 19), ("PC305", H2, 24)]
    missing, due, period = problems(base_repo, "PC305")
    assert missing.severity == Severity.ERROR
    assert due.message == ("goal 新品首月銷售額300萬元: `due` 2025-01-31 is outside the period of "
                           "strategy 2024 下半年策略 (2024-07-01 to 2024-12-31)")
    assert "2024-04-01 – 2024-06-30" in period.message


def test_goal_deadlines_fixed(base_repo):
    base_repo.write(H2, strategy(GOAL_DATES
                                 .replace("target: 1000}\n", "target: 1000}\n    due: 2024-12-31\n")
                                 .replace("due: 2025-01-31", "due: 2024-12-31")
                                 .replace("period: 2024-Q2", "period: 2024-Q4")))
    assert smart_findings(base_repo) == []


def test_a_strategy_without_period_has_no_bounds(base_repo):
    base_repo.write(H2, strategy(GOAL_DATES, period=""))
    assert smart_findings(base_repo) == [("PC305", H2, 6)]


TASK_DATES = """\
  - id: no-end
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-07-01
    deliverable: 賬號完成企業認證
  - id: days-no-start
    name: 選品與庫存對接
    owner: li.wei
    days: 5
    deliverable: 確定首場直播選品清單
  - id: after-undated
    name: 直播腳本策劃
    owner: wang.fang
    after: [no-end]
    days: 5
    deliverable: 首場直播腳本
  - id: end-outside
    name: 年終直播
    owner: chen.jie
    start: 2024-12-20
    end: 2025-01-05
    deliverable: 完成年終直播
  - id: days-outside
    name: 年終復盤
    owner: li.wei
    start: 2024-12-28
    days: 10
    deliverable: 年度復盤報告
  - id: start-outside
    name: 直播團隊招聘
    owner: li.wei
    start: 2023-12-20
    end: 2024-01-31
    deliverable: 招聘2名主播
"""


def test_task_end_dates(base_repo):
    base_repo.write(WS, workstream(TASK_DATES))
    # after-undated inherits the missing end of no-end: not reported again
    assert smart_findings(base_repo) == [
        ("PC305", WS, 7), ("PC305", WS, 12), ("PC305", WS, 27), ("PC305", WS, 33),
        ("PC305", WS, 38)]
    messages = [p.message for p in problems(base_repo, "PC305")]
    assert messages[1] == ("task 選品與庫存對接 has `days: 5` but no start, so its end date is "
                           "unknown: add `start:` or `after:`")
    assert "`end` 2025-01-06" in messages[3]  # computed from days: 10, shown at `days:`
    assert "`start` 2023-12-20" in messages[4]


def test_task_dates_are_checked_against_the_strategy_of_their_goal(base_repo):
    base_repo.write(H2, strategy("""\
  - id: leads-h2
    title: 下半年有效線索500條
    owner: li.wei
    metric: {name: 有效線索, unit: 條, target: 500}
    due: 2024-12-31
"""))
    base_repo.write(WS, workstream("""\
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-06-20
    end: 2024-07-10
    deliverable: 賬號完成企業認證
""", goal="leads-h2"))
    assert smart_findings(base_repo) == [("PC305", WS, 10)]
    base_repo.write(WS, workstream("""\
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-07-01
    end: 2024-07-10
    deliverable: 賬號完成企業認證
""", goal="leads-h2"))
    assert smart_findings(base_repo) == []


def test_not_time_bound_in_chinese(base_repo):
    base_repo.write(H2, strategy(GOAL_DATES))
    missing, due, _ = problems(base_repo, "PC305", locale="zh-TW")
    assert missing.message == "目標「季度有效線索1000條」沒有完成時間:請加上 `due:`(YYYY-MM-DD)或 `period:`"
    assert due.message == ("目標「新品首月銷售額300萬元」:`due` 2025-01-31 不在策略「2024 下半年策略」"
                           "的週期內(2024-07-01 至 2024-12-31)")
