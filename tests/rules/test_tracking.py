"""PC6 · tracking rules: each case is an inline plan and the findings it must give.

The base repository (conftest) has marketing (李偉 li.wei, 陳杰 chen.jie) and sales
(張敏 zhang.min, 王芳 wang.fang); as_of is Saturday 2024-06-15, so week 2024-W23
(06-03..06-09) has ended and counts, and 2024-W24 (06-10..06-16) is in progress.
Only PC6 findings are compared: the fixtures are not about the other families.
"""

from __future__ import annotations

import pytest

from plancode.config import Thresholds
from plancode.problems import Severity

# Line numbers in the comments are the ones the tests assert.
WORKSTREAM = """\
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
owner: li.wei
tasks:
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-06-01
    end: 2024-06-10
    deliverable: 賬號完成企業認證
  - id: selection
    name: 選品與庫存對接
    owner: li.wei
    start: 2024-06-05
    end: 2024-06-15
    deliverable: 首場直播選品清單
  - id: script
    name: 直播腳本策劃
    owner: wang.fang
    start: 2024-06-10
    end: 2024-06-20
    deliverable: 首場直播腳本
"""

# A second workstream with a task id (`script`) that douyin-live also has.
CONTENT = """\
kind: workstream
id: douyin-content
title: 抖音內容計劃
goal: online-up-35
owner: li.wei
tasks:
  - id: script
    name: 短視頻腳本
    owner: chen.jie
    start: 2024-07-01
    end: 2024-07-10
    deliverable: 短視頻腳本10條
"""


def tracking(repo, **kwargs) -> list[tuple[str, str, int]]:
    return [f for f in repo.findings(**kwargs) if f[0].startswith("PC6")]


def problems(repo, code: str, **kwargs):
    return [p for p in repo.workspace(**kwargs).problems if p.code == code]


@pytest.fixture
def plan_repo(base_repo):
    base_repo.write("plans/douyin-live.yaml", WORKSTREAM)
    return base_repo


def write_w23(repo, entries: str, metrics: str = "") -> None:
    """The marketing report of 2024-W23; ``entries`` start on line 5."""
    text = "kind: report\nweek: 2024-W23\ndepartment: marketing\nentries:\n" + entries
    if metrics:
        text += "metrics:\n" + metrics
    repo.write("plans/reports/w23.yaml", text)


BOTH_DONE = """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: yes
    progress: 100
  - task: douyin-live/selection
    planned: 完成首場直播選品
    done: yes
    progress: 100
"""


# --- PC601 report-unknown-task ---------------------------------------------------------------

def test_pc601_unknown_task_points_at_the_reference_and_suggests_the_id(plan_repo):
    write_w23(plan_repo, BOTH_DONE + """\
  - task: douyin-live/acount
    planned: 補充賬號資料
    done: yes
""")
    assert tracking(plan_repo) == [("PC601", "plans/reports/w23.yaml", 13)]
    [problem] = problems(plan_repo, "PC601")
    assert "douyin-live/acount" in problem.message
    assert "`douyin-live/account`" in problem.hint


def test_pc601_a_bare_id_is_matched_by_spelling_too(plan_repo):
    write_w23(plan_repo, BOTH_DONE + """\
  - task: scrpt
    planned: 腳本初稿
    done: yes
""")
    [problem] = problems(plan_repo, "PC601")
    assert problem.line == 13
    assert "`douyin-live/script`" in problem.hint


def test_pc601_a_misspelt_workstream_is_matched_too(plan_repo):
    write_w23(plan_repo, BOTH_DONE + """\
  - task: douyin-lvie/script
    planned: 腳本初稿
    done: yes
""")
    [problem] = problems(plan_repo, "PC601")
    assert problem.hint == "did you mean `douyin-live/script`?"


def test_pc601_a_bare_id_unique_across_workstreams_resolves(plan_repo):
    write_w23(plan_repo, """\
  - task: account
    planned: 完成直播賬號企業認證
    done: yes
    progress: 100
  - task: selection
    planned: 完成首場直播選品
    done: yes
    progress: 100
""")
    assert tracking(plan_repo) == []


def test_pc601_an_ambiguous_bare_id_names_the_candidates(plan_repo):
    plan_repo.write("plans/douyin-content.yaml", CONTENT)
    write_w23(plan_repo, BOTH_DONE + """\
  - task: script
    planned: 腳本初稿
    done: yes
""")
    assert tracking(plan_repo) == [("PC601", "plans/reports/w23.yaml", 13)]
    [problem] = problems(plan_repo, "PC601")
    assert "douyin-content/script, douyin-live/script" in problem.message


@pytest.mark.parametrize("ref", ["douyin-content/hooks", "hooks"])
def test_pc601_a_task_in_an_invalid_workstream_file_is_not_reported_again(plan_repo, ref):
    plan_repo.write("plans/douyin-content.yaml", """\
        kind: workstream
        id: douyin-content
        title: 抖音內容計劃
        tasks:
          - id: hooks
            name: 短視頻開頭鉤子
            onwer: chen.jie
    """)
    write_w23(plan_repo, BOTH_DONE + f"""\
  - task: {ref}
    planned: 鉤子文案10條
    done: yes
""")
    assert "PC101" in plan_repo.codes()
    assert tracking(plan_repo) == []


def test_pc601_in_chinese(plan_repo):
    write_w23(plan_repo, BOTH_DONE + """\
  - task: douyin-live/acount
    planned: 補充賬號資料
    done: yes
""")
    [problem] = problems(plan_repo, "PC601", locale="zh-TW")
    assert problem.message == ("周報條目中的任務 `douyin-live/acount` 不在任何工作流中:"
                               "請寫成工作流文件中任務的完整 id `工作流/任務`")
    assert problem.hint == "是不是想寫 `douyin-live/account`?"


# --- PC602 report-missing-task ---------------------------------------------------------------

def test_pc602_active_task_missing_from_its_departments_report(plan_repo):
    write_w23(plan_repo, """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: yes
    progress: 100
""")
    # 選品與庫存對接 (li.wei, marketing) runs 06-05..06-15, inside W23; 直播腳本策劃
    # belongs to sales and starts in W24.
    assert tracking(plan_repo) == [("PC602", "plans/reports/w23.yaml", 4)]
    [problem] = problems(plan_repo, "PC602")
    assert "douyin-live/selection" in problem.message and "選品與庫存對接" in problem.message


def test_pc602_a_report_without_entries_points_at_its_start(plan_repo):
    plan_repo.write("plans/reports/w23.yaml", """\
        # 市場部周報
        kind: report
        week: 2024-W23
        department: marketing
    """)
    assert tracking(plan_repo) == [
        ("PC602", "plans/reports/w23.yaml", 2), ("PC602", "plans/reports/w23.yaml", 2)]


def test_pc602_tasks_finished_before_the_week_cancelled_or_elsewhere_are_not_expected(plan_repo):
    plan_repo.write("plans/douyin-live.yaml", WORKSTREAM.replace(
        "    end: 2024-06-15\n", "    end: 2024-06-15\n    status: cancelled\n"))
    write_w23(plan_repo, BOTH_DONE)
    plan_repo.write("plans/reports/w24.yaml", """\
        kind: report
        week: 2024-W24
        department: marketing
        entries: []
    """)
    # W24: 直播賬號搭建 reached 100% in W23; 選品與庫存對接 is cancelled.
    assert tracking(plan_repo) == []


def test_pc602_a_task_unfinished_in_the_previous_week_is_expected(plan_repo):
    write_w23(plan_repo, """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: partial
    progress: 80
    reason: 等待平臺審核
    adjustment: 每日跟進審核進度
  - task: douyin-live/selection
    planned: 完成首場直播選品
    done: partial
    progress: 70
    reason: 部分庫存不足
    adjustment: 缺貨款以同類商品替換
""")
    plan_repo.write("plans/reports/w24.yaml", """\
        kind: report
        week: 2024-W24
        department: marketing
        entries:
          - task: douyin-live/selection
            planned: 鎖定庫存
            done: yes
    """)
    assert tracking(plan_repo) == [("PC602", "plans/reports/w24.yaml", 4)]
    [problem] = problems(plan_repo, "PC602")
    assert "直播賬號搭建" in problem.message


def test_pc602_a_task_done_in_its_own_file_and_never_reported_is_not_expected(plan_repo):
    plan_repo.write("plans/douyin-live.yaml", WORKSTREAM.replace(
        "    deliverable: 賬號完成企業認證\n", "    deliverable: 賬號完成企業認證\n    progress: 100\n"))
    write_w23(plan_repo, BOTH_DONE.split("  - task: douyin-live/selection")[0].replace(
        "douyin-live/account", "douyin-live/selection"))
    assert tracking(plan_repo) == []


def test_pc602_reports_of_weeks_after_as_of_are_not_checked(plan_repo):
    plan_repo.write("plans/reports/w23.yaml", """\
        kind: report
        week: 2024-W23
        department: marketing
        entries: []
    """)
    assert tracking(plan_repo, as_of="2024-06-02") == []
    assert [f[0] for f in tracking(plan_repo, as_of="2024-06-03")] == ["PC602", "PC602"]


def test_pc602_in_chinese(plan_repo):
    write_w23(plan_repo, """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: yes
""")
    [problem] = problems(plan_repo, "PC602", locale="zh-TW")
    assert problem.message == (
        "市場部 2024-W23 周報缺少任務「選品與庫存對接」(douyin-live/selection)的條目,該任務排期 "
        "2024-06-05 至 2024-06-15:請加上 `task: douyin-live/selection` 的條目")


# --- PC603 kpi-deviation ---------------------------------------------------------------------

def test_pc603_latest_kpi_more_than_ten_percent_below_target(plan_repo):
    # online-up-35 targets 540 萬元: 485 is 89.8%, just under the 90% line.
    write_w23(plan_repo, BOTH_DONE, "  - {goal: online-up-35, value: 485}\n")
    assert tracking(plan_repo) == [("PC603", "plans/reports/w23.yaml", 14)]
    [problem] = problems(plan_repo, "PC603")
    assert problem.severity is Severity.WARNING
    assert "90% of the target 540 萬元, more than 10% below" in problem.message


def test_pc603_exactly_at_the_threshold_is_not_a_deviation(plan_repo):
    write_w23(plan_repo, BOTH_DONE, "  - {goal: online-up-35, value: 486}\n")  # 90%
    assert tracking(plan_repo) == []


def test_pc603_threshold_is_configurable(plan_repo):
    write_w23(plan_repo, BOTH_DONE, "  - {goal: online-up-35, value: 485}\n")
    assert tracking(plan_repo, thresholds=Thresholds(kpi_deviation=20)) == []


def test_pc603_only_the_latest_counted_value_counts(plan_repo):
    plan_repo.write("plans/reports/w22.yaml", """\
        kind: report
        week: 2024-W22
        department: sales
        metrics:
          - {goal: online-up-35, value: 300}
    """)
    write_w23(plan_repo, BOTH_DONE, "  - {goal: online-up-35, value: 530}\n")
    # W24 has not ended at as_of: its value is not yet the goal's actual.
    plan_repo.write("plans/reports/w24.yaml", """\
        kind: report
        week: 2024-W24
        department: marketing
        entries:
          - task: douyin-live/selection
            planned: 鎖定庫存
            done: yes
        metrics:
          - {goal: online-up-35, value: 100}
    """)
    assert tracking(plan_repo) == []


def test_pc603_exceeded_is_a_note(plan_repo):
    write_w23(plan_repo, BOTH_DONE, "  - {goal: online-up-35, value: 600}\n")  # 111%
    assert tracking(plan_repo) == [("PC603", "plans/reports/w23.yaml", 14)]
    [problem] = problems(plan_repo, "PC603")
    assert problem.severity is Severity.INFO
    assert "111%" in problem.message and "raising the target" in problem.message


REVIEW = """\
kind: review
period: 2024-Q2
owner: zhang.min
rows:
  - dimension: 獲客效率
    metric: 新客獲客成本(CAC)
    unit: 元/人
    target: 50
    actual: 60
    direction: down
    analysis: 投放渠道轉化下降
    actions: 優化種草內容
    owner: wang.fang
  - dimension: 品牌影響
    metric: 品牌搜索量
    unit: 萬次
    target: 20
    actual: 19
    owner: chen.jie
"""


def test_pc603_review_row_below_target(base_repo):
    # CAC is lower-is-better: 50/60 = 83%; 19/20 = 95% is within 10%.
    base_repo.write("plans/reviews/2024-Q2.yaml", REVIEW)
    assert tracking(base_repo) == [("PC603", "plans/reviews/2024-Q2.yaml", 9)]
    [problem] = problems(base_repo, "PC603", locale="zh-TW")
    assert problem.message == ("評估 2024-Q2:新客獲客成本(CAC) 實際 60 元/人,目標 50 元/人,達成率 83%,"
                               "低於目標超過 10%:請在 `analysis` 寫明差異原因,在 `actions` 寫明改進措施")


def test_pc603_review_row_fixed(base_repo):
    base_repo.write("plans/reviews/2024-Q2.yaml", REVIEW.replace("actual: 60", "actual: 52"))
    assert tracking(base_repo) == []


def test_pc603_review_of_a_period_not_begun_is_not_checked(base_repo):
    base_repo.write("plans/reviews/2024-Q3.yaml", REVIEW.replace("2024-Q2", "2024-Q3"))
    assert tracking(base_repo) == []
    assert tracking(base_repo, as_of="2024-07-01") == [("PC603", "plans/reviews/2024-Q3.yaml", 9)]


# --- PC604 reason-missing --------------------------------------------------------------------

def test_pc604_partial_without_reason_points_at_the_entry(plan_repo):
    write_w23(plan_repo, """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: yes
    progress: 100
  - task: douyin-live/selection
    planned: 完成首場直播選品
    done: partial
    progress: 90
""")
    assert tracking(plan_repo) == [("PC604", "plans/reports/w23.yaml", 9)]
    [problem] = problems(plan_repo, "PC604")
    assert problem.severity is Severity.ERROR
    assert "選品與庫存對接" in problem.message and "`done: partial`" in problem.message


def test_pc604_an_empty_reason_is_pointed_at(plan_repo):
    write_w23(plan_repo, """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: no
    progress: 100
    reason: ""
  - task: douyin-live/selection
    planned: 完成首場直播選品
    done: yes
    progress: 100
""")
    assert tracking(plan_repo) == [("PC604", "plans/reports/w23.yaml", 9)]


def test_pc604_fixed_with_a_reason(plan_repo):
    write_w23(plan_repo, """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: yes
    progress: 100
  - task: douyin-live/selection
    planned: 完成首場直播選品
    done: partial
    progress: 100
    reason: 部分庫存不足
""")
    assert tracking(plan_repo) == []


# --- PC605 adjustment-missing ----------------------------------------------------------------

LAGGING = """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: yes
    progress: 100
  - task: douyin-live/selection
    planned: 完成首場直播選品
    done: partial
    progress: 60
    reason: 部分庫存不足
"""


def test_pc605_lagging_task_without_adjustment(plan_repo):
    # 選品與庫存對接 should be at 100% on 06-15 and is at 60%: 40 points behind.
    write_w23(plan_repo, LAGGING)
    assert tracking(plan_repo) == [("PC605", "plans/reports/w23.yaml", 9)]
    [problem] = problems(plan_repo, "PC605")
    assert "40 points behind plan" in problem.message and "2024-W23" in problem.message


def test_pc605_fixed_with_an_adjustment(plan_repo):
    write_w23(plan_repo, LAGGING + "    adjustment: 與產品部確認備貨,缺貨款以同類商品替換\n")
    assert tracking(plan_repo) == []


def test_pc605_schedule_lag_is_configurable(plan_repo):
    write_w23(plan_repo, LAGGING)
    assert tracking(plan_repo, thresholds=Thresholds(schedule_lag=40)) == []


def test_pc605_overdue_task_in_chinese(plan_repo):
    # 直播賬號搭建 ended 06-10 and stands at 95%: overdue, though only 5 points behind.
    write_w23(plan_repo, """\
  - task: douyin-live/account
    planned: 完成直播賬號企業認證
    done: partial
    progress: 95
    reason: 等待平臺審核
  - task: douyin-live/selection
    planned: 完成首場直播選品
    done: yes
    progress: 100
""")
    assert tracking(plan_repo) == [("PC605", "plans/reports/w23.yaml", 5)]
    [problem] = problems(plan_repo, "PC605", locale="zh-TW")
    assert problem.message == ("任務「直播賬號搭建」已逾期(計劃完成 2024-06-10),但最近一次周報條目(2024-W23)"
                               "沒有調整措施:請加上 `adjustment:` 說明調整措施和新的完成日期")


def test_pc605_only_the_latest_counted_entry_counts(plan_repo):
    plan_repo.write("plans/reports/w22.yaml", """\
        kind: report
        week: 2024-W22
        department: marketing
        entries:
          - task: douyin-live/account
            planned: 提交企業認證資料
            done: yes
            progress: 100
          - task: douyin-live/selection
            planned: 啟動選品
            done: partial
            progress: 10
            reason: 供應商報價延遲
            adjustment: 改用備選供應商
    """)
    write_w23(plan_repo, LAGGING)
    assert tracking(plan_repo) == [("PC605", "plans/reports/w23.yaml", 9)]


def test_pc605_an_adjustment_in_the_report_of_the_week_in_progress_counts(plan_repo):
    write_w23(plan_repo, LAGGING)
    plan_repo.write("plans/reports/w24.yaml", """\
        kind: report
        week: 2024-W24
        department: marketing
        entries:
          - task: douyin-live/selection
            planned: 鎖定庫存
            done: partial
            progress: 70
            reason: 部分庫存不足
            adjustment: 缺貨款以同類商品替換
    """)
    assert tracking(plan_repo) == []


def test_pc605_a_lagging_task_without_any_entry_is_left_to_pc602(plan_repo):
    plan_repo.write("plans/reports/w23.yaml", """\
        kind: report
        week: 2024-W23
        department: sales
        entries: []
    """)
    # 王芳's 直播腳本策劃 starts in W24: the sales report of W23 owes nothing, and
    # the lagging marketing tasks have no entry at all.
    assert tracking(plan_repo) == []


# --- the catalogue ---------------------------------------------------------------------------

def test_tracking_rules_are_documented():
    from plancode.rules import REGISTRY

    for code, slug in [("PC601", "report-unknown-task"), ("PC602", "report-missing-task"),
                       ("PC603", "kpi-deviation"), ("PC604", "reason-missing"),
                       ("PC605", "adjustment-missing")]:
        entry = REGISTRY[code]
        assert entry.slug == slug and entry.check is not None
        assert "Failing" in entry.doc and "Fixed" in entry.doc and "```yaml" in entry.doc
    assert REGISTRY["PC603"].options == ("thresholds.kpi_deviation",)
    assert REGISTRY["PC605"].options == ("thresholds.schedule_lag",)
