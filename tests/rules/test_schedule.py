"""PC4 · schedule rules: each plan inline, the expected findings as (code, file, line).

The repository's as-of date is 2024-06-15 (see conftest). Findings are narrowed to the
PC4 family so that these specs do not depend on the other families' rules.
"""

from __future__ import annotations

from plancode.config import Thresholds

WS = "plans/douyin-live.yaml"


def schedule_findings(repo, **kwargs):
    return [f for f in repo.findings(**kwargs) if f[0].startswith("PC4")]


def schedule_problems(repo, **kwargs):
    return [p for p in repo.workspace(**kwargs).problems if p.code.startswith("PC4")]


# --- PC401 end before start ----------------------------------------------------------------------

def test_end_before_start_is_reported_once_without_cascades(base_repo):
    base_repo.write(WS, """
        kind: workstream
        id: douyin-live
        title: 抖音直播帶貨計劃
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            start: 2024-06-05
            end: 2024-05-15
            deliverable: 確定首場直播選品清單
          - id: script
            name: 直播腳本策劃
            owner: wang.fang
            after: [selection]
            end: 2024-05-10
            deliverable: 首場直播腳本通過審核
          - id: first-live
            name: 首場直播執行
            owner: chen.jie
            milestone: true
            start: 2024-06-25
            end: 2024-06-20
            deliverable: 完成首場直播
        """)
    # selection would also be "overdue" (end < as_of, progress 0), and script's start is
    # derived from selection's wrong end: neither is reported again. The milestone's
    # negative duration is PC401, not also PC407.
    assert schedule_findings(base_repo) == [("PC401", WS, 11), ("PC401", WS, 24)]
    message = schedule_problems(base_repo)[0].message
    assert "2024-05-15" in message and "2024-06-05" in message and "選品與庫存對接" in message


def test_end_before_derived_start(base_repo):
    base_repo.write(WS, """
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
            progress: 100
            deliverable: 賬號完成企業認證
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            after: [account]
            end: 2024-06-08
            deliverable: 確定首場直播選品清單
        """)
    assert schedule_findings(base_repo) == [("PC401", WS, 18)]
    problem = schedule_problems(base_repo)[0]
    assert "2024-06-11" in problem.message and "直播賬號搭建" in problem.message
    assert "2024-06-11" in problem.hint


def test_end_after_start_is_fine(base_repo):
    base_repo.write(WS, """
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
            progress: 100
            deliverable: 賬號完成企業認證
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            after: [account]
            end: 2024-06-20
            progress: 50
            deliverable: 確定首場直播選品清單
          - id: first-live
            name: 首場直播執行
            owner: chen.jie
            milestone: true
            start: 2024-06-25
            end: 2024-06-25
            deliverable: 完成首場直播
        """)
    assert schedule_findings(base_repo) == []


# --- PC402 unknown predecessor -------------------------------------------------------------------

def test_unknown_predecessor_points_at_the_reference_and_suggests_the_task(base_repo):
    base_repo.write(WS, """
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
            progress: 100
            deliverable: 賬號完成企業認證
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            after:
              - account
              - acount
              - short-videos
            start: 2024-06-11
            end: 2024-06-20
            progress: 50
            deliverable: 確定首場直播選品清單
        """)
    base_repo.write("plans/douyin-content.yaml", """
        kind: workstream
        id: douyin-content
        title: 抖音內容運營
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: short-videos
            name: 抖音短視頻發布5條
            owner: chen.jie
            start: 2024-06-03
            end: 2024-06-09
            progress: 100
            deliverable: 發布5條抖音短視頻
        """)
    assert schedule_findings(base_repo) == [("PC402", WS, 19), ("PC402", WS, 20)]
    typo, other_stream = schedule_problems(base_repo)
    assert "`acount`" in typo.message and "douyin-live/account" in typo.hint
    # a short id of another workstream: the fix is its full id
    assert other_stream.hint == "did you mean `douyin-content/short-videos`?"


def test_unknown_predecessor_hints_look_in_the_named_workstream_then_elsewhere(base_repo):
    base_repo.write(WS, """
        kind: workstream
        id: douyin-live
        title: 抖音直播帶貨計劃
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            after:
              - short-vidoes
              - douyin-contnet/short-videos
              - douyin-content/shrot-videos
              - no-such-task
            start: 2024-06-11
            end: 2024-06-20
            deliverable: 確定首場直播選品清單
        """)
    base_repo.write("plans/douyin-content.yaml", """
        kind: workstream
        id: douyin-content
        title: 抖音內容運營
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: short-videos
            name: 抖音短視頻發布5條
            owner: chen.jie
            start: 2024-06-03
            end: 2024-06-09
            deliverable: 發布5條抖音短視頻
        """)
    hints = [p.hint for p in schedule_problems(base_repo) if p.code == "PC402"]
    # a short id one typo from the only task with that id, in another workstream; a
    # misspelt workstream; a misspelt task of the named workstream
    assert hints[:3] == ["did you mean `douyin-content/short-videos`?"] * 3
    # nothing like it anywhere: where to look, not a guess
    assert hints[3].startswith("write `TASK` for a task of this workstream")


def test_unknown_predecessor_into_an_invalid_file_is_not_reported_again(base_repo):
    base_repo.write(WS, """
        kind: workstream
        id: douyin-live
        title: 抖音直播帶貨計劃
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            after: [douyin-content/short-videos]
            start: 2024-06-11
            end: 2024-06-20
            progress: 50
            deliverable: 確定首場直播選品清單
        """)
    base_repo.write("plans/douyin-content.yaml", """
        kind: workstream
        id: douyin-content
        title: 抖音內容運營
        owner: li.wei
        tasks:
          - id: short-videos
            name: 抖音短視頻發布5條
            onwer: chen.jie
        """)
    codes = base_repo.codes()
    assert "PC101" in codes and "PC402" not in codes


def test_known_predecessors_are_fine(base_repo):
    base_repo.write(WS, """
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
            progress: 100
            deliverable: 賬號完成企業認證
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            after: [account, douyin-live/account]
            start: 2024-06-11
            end: 2024-06-20
            progress: 50
            deliverable: 確定首場直播選品清單
        """)
    assert schedule_findings(base_repo) == []


# --- PC403 dependency cycle ----------------------------------------------------------------------

CYCLE = """
    kind: workstream
    id: douyin-live
    title: 抖音直播帶貨計劃
    goal: online-up-35
    owner: li.wei
    tasks:
      - id: script
        name: 直播腳本策劃
        owner: wang.fang
        after: [selection]
        start: 2024-06-10
        end: 2024-06-20
        progress: 70
        deliverable: 首場直播腳本通過審核
      - id: account
        name: 直播賬號搭建
        owner: chen.jie
        after: [{back}]
        start: 2024-06-01
        end: 2024-06-10
        progress: 100
        deliverable: 賬號完成企業認證
      - id: selection
        name: 選品與庫存對接
        owner: li.wei
        after: [account]
        start: 2024-06-05
        end: 2024-06-15
        progress: 90
        deliverable: 確定首場直播選品清單
    """


def test_cycle_is_reported_once_at_its_first_task_naming_the_whole_cycle(base_repo):
    base_repo.write(WS, CYCLE.format(back="script"))
    # once, at the first task in the file; the overlapping starts inside the cycle are
    # not reported as PC404 on top
    assert schedule_findings(base_repo) == [("PC403", WS, 10)]
    (problem,) = schedule_problems(base_repo)
    assert problem.message == (
        "tasks wait for each other in a circle: script → account → selection → script; "
        "none of them can ever start")


def test_cycle_across_workstreams_names_full_ids(base_repo):
    base_repo.write("plans/a-live.yaml", """
        kind: workstream
        id: live
        title: 抖音直播帶貨計劃
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: first-live
            name: 首場直播執行
            owner: chen.jie
            after: [content/perks]
            start: 2024-06-25
            end: 2024-06-25
            deliverable: 完成首場直播
        """)
    base_repo.write("plans/b-content.yaml", """
        kind: workstream
        id: content
        title: 抖音內容運營
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: perks
            name: 策劃直播福利活動
            owner: chen.jie
            after: [live/first-live]
            start: 2024-06-20
            end: 2024-06-24
            deliverable: 首場直播福利方案
        """)
    assert schedule_findings(base_repo) == [("PC403", "plans/a-live.yaml", 10)]
    (problem,) = schedule_problems(base_repo)
    assert "live/first-live → content/perks → live/first-live" in problem.message


def test_a_chain_without_cycle_is_fine(base_repo):
    base_repo.write(WS, CYCLE.format(back=""))
    # no cycle: the overlapping starts are now what is reported
    assert schedule_findings(base_repo) == [("PC404", WS, 11), ("PC404", WS, 27)]


# --- PC404 starts before a predecessor ends ------------------------------------------------------

GANTT = """
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
        progress: 100
        deliverable: 賬號完成企業認證
      - id: selection
        name: 選品與庫存對接
        owner: li.wei
        after: [account]
        start: {start}
        end: 2024-06-15
        progress: 90
        deliverable: 確定首場直播選品清單
      - id: first-live
        name: 首場直播執行
        owner: chen.jie
        after: [selection]
        milestone: true
        days: 1
        deliverable: 完成首場直播
    """


def test_start_before_predecessor_ends_is_a_warning_naming_the_overlap(base_repo):
    base_repo.write(WS, GANTT.format(start="2024-06-05"))
    assert schedule_findings(base_repo) == [("PC404", WS, 18)]
    (problem,) = schedule_problems(base_repo)
    assert str(problem.severity) == "warning"
    assert problem.message == ("task 選品與庫存對接 starts on 2024-06-05, before its predecessor "
                               "直播賬號搭建 ends on 2024-06-10: 6 days overlap")
    assert "2024-06-11" in problem.hint


def test_start_before_predecessor_message_in_chinese(base_repo):
    base_repo.write(WS, GANTT.format(start="2024-06-10"))
    (problem,) = schedule_problems(base_repo, locale="zh-TW")
    assert problem.message == ("任務 選品與庫存對接 於 2024-06-10 開始,早於前置任務 直播賬號搭建 "
                               "的結束日期 2024-06-10:兩者重疊 1 天")


def test_intended_overlap_can_be_suppressed_on_the_start_line(base_repo):
    base_repo.write(WS, GANTT.format(start="2024-06-05  # plancode: ignore[PC404]"))
    assert schedule_findings(base_repo) == []


def test_start_after_predecessor_ends_is_fine(base_repo):
    # first-live's start is derived (the day after selection ends): never an overlap
    base_repo.write(WS, GANTT.format(start="2024-06-11"))
    assert schedule_findings(base_repo) == []


def test_finished_task_and_cancelled_predecessor_are_not_judged(base_repo):
    base_repo.write(WS, """
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
            progress: 100
            deliverable: 賬號完成企業認證
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            after: [account]
            start: 2024-06-05
            end: 2024-06-12
            progress: 100
            deliverable: 確定首場直播選品清單
          - id: trial-live
            name: 試播
            owner: chen.jie
            start: 2024-06-12
            end: 2024-06-30
            status: cancelled
            deliverable: 完成一場試播
          - id: script
            name: 直播腳本策劃
            owner: wang.fang
            after: [trial-live]
            start: 2024-06-13
            end: 2024-06-20
            progress: 40
            deliverable: 首場直播腳本通過審核
        """)
    assert schedule_findings(base_repo) == []


# --- PC405 overdue -------------------------------------------------------------------------------

def test_overdue_task_and_milestone(base_repo):
    base_repo.write("plans/store-expansion.yaml", """
        kind: workstream
        id: store-expansion
        title: 門店拓展計劃
        goal: online-up-35
        owner: wang.fang
        tasks:
          - id: new-stores-batch1
            name: 拓展5家新門店
            owner: wang.fang
            start: 2024-06-03
            end: 2024-06-14
            progress: 60
            deliverable: 首批5家新門店完成簽約
          - id: contracts-signed
            name: 首批門店簽約完成
            owner: wang.fang
            milestone: true
            start: 2024-06-12
            end: 2024-06-12
            deliverable: 5份門店合同
        """)
    assert schedule_findings(base_repo) == [("PC405", "plans/store-expansion.yaml", 11),
                                            ("PC405", "plans/store-expansion.yaml", 19)]
    task, milestone = schedule_problems(base_repo)
    assert task.message == ("task 拓展5家新門店 was due on 2024-06-14 and is 1 day overdue at "
                            "2024-06-15, at 60% progress")
    assert milestone.message.startswith("milestone 首批門店簽約完成 was due on 2024-06-12 and is 3 days")


def test_overdue_reads_progress_from_the_latest_report(base_repo):
    base_repo.write("plans/store-expansion.yaml", """
        kind: workstream
        id: store-expansion
        title: 門店拓展計劃
        goal: online-up-35
        owner: wang.fang
        tasks:
          - id: new-stores-batch1
            name: 拓展5家新門店
            owner: wang.fang
            start: 2024-06-03
            end: 2024-06-09
            progress: 60
            deliverable: 首批5家新門店完成簽約
        """)
    base_repo.write("plans/2024-W23-sales.yaml", """
        kind: report
        week: 2024-W23
        department: sales
        author: zhang.min
        entries:
          - task: store-expansion/new-stores-batch1
            planned: 拓展5家新門店
            done: "yes"
            progress: 100
        """)
    assert schedule_findings(base_repo) == []


def test_finished_blocked_and_due_today_are_not_overdue_nor_behind(base_repo):
    # a milestone due today is neither overdue nor "100 points behind plan"
    base_repo.write("plans/store-expansion.yaml", """
        kind: workstream
        id: store-expansion
        title: 門店拓展計劃
        goal: online-up-35
        owner: wang.fang
        tasks:
          - id: new-stores-batch1
            name: 拓展5家新門店
            owner: wang.fang
            start: 2024-06-03
            end: 2024-06-14
            progress: 100
            deliverable: 首批5家新門店完成簽約
          - id: store-promotion
            name: 門店促銷活動執行
            owner: wang.fang
            start: 2024-06-01
            end: 2024-06-10
            status: blocked
            deliverable: 活動期間銷售額提升15%
          - id: contracts-signed
            name: 首批門店簽約完成
            owner: wang.fang
            milestone: true
            start: 2024-06-15
            end: 2024-06-15
            deliverable: 5份門店合同
        """)
    assert schedule_findings(base_repo) == []


# --- PC406 behind plan ---------------------------------------------------------------------------

def test_task_behind_plan_points_at_its_progress(base_repo):
    base_repo.write("plans/store-expansion.yaml", """
        kind: workstream
        id: store-expansion
        title: 門店拓展計劃
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: add-10-stores
            name: 增加10家合作門店
            owner: li.wei
            start: 2024-06-01
            end: 2024-06-20
            progress: 30
            deliverable: 簽約10家合作門店
        """)
    assert schedule_findings(base_repo) == [("PC406", "plans/store-expansion.yaml", 12)]
    (problem,) = schedule_problems(base_repo)
    assert problem.message == ("task 增加10家合作門店 is 45 points behind plan at 2024-06-15: "
                               "planned 75%, actual 30% (the task's own `progress`)")


def test_behind_plan_from_a_report_points_at_the_task(base_repo):
    base_repo.write("plans/store-expansion.yaml", """
        kind: workstream
        id: store-expansion
        title: 門店拓展計劃
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: add-10-stores
            name: 增加10家合作門店
            owner: li.wei
            start: 2024-06-01
            end: 2024-06-20
            deliverable: 簽約10家合作門店
        """)
    base_repo.write("plans/2024-W23-marketing.yaml", """
        kind: report
        week: 2024-W23
        department: marketing
        author: li.wei
        entries:
          - task: store-expansion/add-10-stores
            planned: 洽談10家門店
            done: partial
            progress: 20
            reason: 區域競爭激烈
            adjustment: 增加門店拓展人員1名
        """)
    assert schedule_findings(base_repo) == [("PC406", "plans/store-expansion.yaml", 7)]
    (problem,) = schedule_problems(base_repo, locale="zh-TW")
    assert problem.message == ("任務 增加10家合作門店 截至 2024-06-15 落後計劃 55 個百分點:"
                               "計劃進度 75%,實際進度 20%(來自 2024-W23 周報)")


def test_behind_plan_respects_the_threshold_and_leaves_overdue_to_pc405(base_repo):
    base_repo.write("plans/store-expansion.yaml", """
        kind: workstream
        id: store-expansion
        title: 門店拓展計劃
        goal: online-up-35
        owner: li.wei
        tasks:
          - id: add-10-stores
            name: 增加10家合作門店
            owner: li.wei
            start: 2024-06-01
            end: 2024-06-20
            progress: 30
            deliverable: 簽約10家合作門店
          - id: new-stores-batch1
            name: 拓展5家新門店
            owner: li.wei
            start: 2024-06-03
            end: 2024-06-14
            progress: 10
            deliverable: 首批5家新門店完成簽約
        """)
    # 45 points behind is within a tolerance of 50; 90 points behind but overdue is PC405
    assert schedule_findings(base_repo, thresholds=Thresholds(schedule_lag=50)) == [
        ("PC405", "plans/store-expansion.yaml", 18)]


def test_lag_at_the_threshold_is_fine(base_repo):
    # the template's 選品與庫存對接: 100% planned on its last day, 90% done — 10 points,
    # not more than the default 10
    base_repo.write(WS, GANTT.format(start="2024-06-11"))
    (selection,) = [t for t in base_repo.workspace().plan.tasks.values() if t.id == "selection"]
    assert selection.lag == 10
    assert schedule_findings(base_repo) == []


# --- PC407 milestone longer than one day ---------------------------------------------------------

MILESTONE = """
    kind: workstream
    id: douyin-live
    title: 抖音直播帶貨計劃
    goal: online-up-35
    owner: li.wei
    tasks:
      - id: first-live
        name: 首場直播執行
        owner: chen.jie
        milestone: true
        start: 2024-06-25
        {length}
        deliverable: 完成首場直播
    """


def test_milestone_longer_than_a_day_points_at_end(base_repo):
    base_repo.write(WS, MILESTONE.format(length="end: 2024-06-28"))
    assert schedule_findings(base_repo) == [("PC407", WS, 12)]
    (problem,) = schedule_problems(base_repo)
    assert "4 days" in problem.message


def test_milestone_longer_than_a_day_points_at_days(base_repo):
    base_repo.write(WS, MILESTONE.format(length="days: 3"))
    assert schedule_findings(base_repo) == [("PC407", WS, 12)]
    (problem,) = schedule_problems(base_repo)
    assert "2024-06-25 to 2024-06-27" in problem.message


def test_one_day_milestone_is_fine(base_repo):
    base_repo.write(WS, MILESTONE.format(length="end: 2024-06-25"))
    assert schedule_findings(base_repo) == []
