"""PC2 · owner rules: each case is an inline plan and the findings it must give.

The base repository (conftest) has the people li.wei 李偉, zhang.min 張敏, chen.jie 陳杰
and wang.fang 王芳, the departments marketing and sales, and the goals sales-up-30 >
online-up-35 of strategy fy2024 (period 2024); as_of is 2024-06-15. Only PC2 findings
are compared: the fixtures are not about the other families.
"""

from __future__ import annotations

import pytest

from plancode.config import Thresholds
from plancode.problems import Severity
from plancode.rules import REGISTRY

WS = "plans/ws.yaml"


def owner_findings(repo, **kwargs):
    return [f for f in repo.findings(**kwargs) if f[0].startswith("PC2")]


def problems(repo, code, **kwargs):
    return [p for p in repo.workspace(**kwargs).problems if p.code == code]


def workstream(tasks: str, head: str = "owner: li.wei\n") -> str:
    """A workstream linked to online-up-35; ``tasks`` start on line 7 (after `head`)."""
    return ("kind: workstream\nid: douyin-live\ntitle: 抖音直播帶貨計劃\ngoal: online-up-35\n"
            + head + "tasks:\n" + tasks)


TASKS_OWNED = """\
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-07-01
    end: 2024-07-10
    deliverable: 賬號完成企業認證
  - id: script
    name: 直播腳本策劃
    owner: wang.fang
    start: 2024-07-05
    end: 2024-07-20
    deliverable: 首場直播腳本
"""


# --- PC201 owner-missing -------------------------------------------------------------------

def test_task_without_owner_is_reported_at_the_task(base_repo):
    base_repo.write(WS, workstream("""\
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-07-01
    end: 2024-07-10
  - id: script
    name: 直播腳本策劃
    start: 2024-07-05
    end: 2024-07-20
"""))
    assert owner_findings(base_repo) == [("PC201", WS, 12)]
    [problem] = problems(base_repo, "PC201")
    assert problem.severity == Severity.ERROR
    assert "直播腳本策劃" in problem.message and "plans/team.yaml" in problem.message
    assert "li.wei" in problem.hint  # the workstream's owner, as a lead


def test_task_with_owner_is_fine(base_repo):
    base_repo.write(WS, workstream(TASKS_OWNED))
    assert owner_findings(base_repo) == []


def test_cancelled_task_needs_no_owner(base_repo):
    base_repo.write(WS, workstream("""\
  - id: script
    name: 直播腳本策劃
    status: cancelled
    start: 2024-07-05
    end: 2024-07-20
"""))
    assert owner_findings(base_repo) == []


def test_goal_without_owner_at_any_level(base_repo):
    base_repo.write("plans/strategy.yaml", """\
        kind: strategy
        id: fy2024
        title: 2024 年度營銷策略
        period: 2024
        goals:
          - id: sales-up-30
            title: 年度銷售額提升30%
            owner: zhang.min
            metric: {name: 銷售額, unit: 萬元, baseline: 1000, target: 1300}
            due: 2024-12-31
            goals:
              - id: online-up-35
                title: 線上渠道銷售額提升35%
                metric: {name: 線上銷售額, unit: 萬元, baseline: 400, target: 540}
                due: 2024-12-31
          - id: leads-1000
            title: 季度提供有效線索1000條
            metric: {name: 有效線索, unit: 條, target: 1000}
            due: 2024-12-31
        """)
    # the strategy's own owner is optional: no finding for it
    assert owner_findings(base_repo) == [("PC201", "plans/strategy.yaml", 12),
                                         ("PC201", "plans/strategy.yaml", 16)]
    hints = [p.hint for p in problems(base_repo, "PC201")]
    assert "zhang.min" in hints[0] and hints[1] == ""


def test_zh_cn_message_names_the_task_and_the_fix(base_repo):
    base_repo.write(WS, workstream("""\
  - id: script
    name: 直播腳本策劃
    start: 2024-07-05
    end: 2024-07-20
"""))
    [problem] = problems(base_repo, "PC201", locale="zh-TW")
    assert problem.message == ("任務「直播腳本策劃」沒有負責人:請加上 `owner:`,"
                               "填寫 plans/team.yaml 中的人員 id")


# --- PC202 owner-unknown -------------------------------------------------------------------

def test_unknown_owner_is_pc202_only_with_a_suggestion(base_repo):
    base_repo.write(WS, workstream(TASKS_OWNED.replace("owner: chen.jie", "owner: chen.jei")))
    assert owner_findings(base_repo) == [("PC202", WS, 9)]  # and no PC201
    [problem] = problems(base_repo, "PC202")
    assert "chen.jei" in problem.message and "直播賬號搭建" in problem.message
    assert "`chen.jie`" in problem.hint


def test_unknown_name_without_a_close_match_says_where_to_add_it(base_repo):
    base_repo.write(WS, workstream(TASKS_OWNED.replace("owner: chen.jie", "owner: xiao.ming")))
    [problem] = problems(base_repo, "PC202")
    assert "plans/team.yaml" in problem.hint and "people:" in problem.hint


def test_an_unknown_id_is_reported_once_per_file_at_its_first_use(base_repo):
    base_repo.write(WS, workstream("""\
  - id: account
    name: 直播賬號搭建
    owner: xiao.ming
    start: 2024-07-01
    end: 2024-07-10
    risks: [{risk: 設備調試風險, owner: xiao.ming}]
  - id: script
    name: 直播腳本策劃
    owner: xiao.ming
    start: 2024-07-05
    end: 2024-07-20
  - id: selection
    name: 選品與庫存對接
    owner: chen.jei
    start: 2024-07-05
    end: 2024-07-20
""", head="owner: xiao.ming\n"))
    base_repo.write("plans/content.yaml", """\
        kind: workstream
        id: douyin-content
        title: 抖音內容運營
        goal: online-up-35
        tasks:
          - id: videos
            name: 抖音短視頻發布5條
            owner: xiao.ming
            start: 2024-07-01
            end: 2024-07-07
        """)
    assert owner_findings(base_repo) == [
        ("PC202", "plans/content.yaml", 8),
        ("PC202", WS, 5),  # the workstream's owner: first use; 3 more below
        ("PC202", WS, 20),  # a different id
    ]
    first = next(p for p in problems(base_repo, "PC202") if p.line == 5)
    assert "3 more times" in first.message


def test_every_kind_of_person_reference_is_checked(base_repo):
    base_repo.write("plans/team.yaml", """\
        kind: team
        departments:
          - {id: marketing, name: 市場部, lead: li.wey}
          - {id: sales, name: 銷售部, lead: zhang.min}
        people:
          - {id: li.wei, name: 李偉, department: marketing}
          - {id: zhang.min, name: 張敏, department: sales}
          - {id: chen.jie, name: 陳杰, department: marketing}
          - {id: wang.fang, name: 王芳, department: sales}
        """)
    base_repo.write("plans/strategy2.yaml", """\
        kind: strategy
        id: fy2024-h2
        title: 下半年策略
        period: 2024-H2
        owner: zhang.mim
        goals:
          - id: leads-1000
            title: 季度提供有效線索1000條
            owner: li.wie
            metric: {name: 有效線索, unit: 條, target: 1000}
            due: 2024-12-31
        """)
    base_repo.write(WS, workstream(
        TASKS_OWNED + "    risks: [{risk: 主播檔期沖突, owner: wang.fung}]\n",
        head="owner: lee.wei\n"))
    base_repo.write("plans/reports/w24.yaml", """\
        kind: report
        week: 2024-W24
        department: marketing
        author: li.vei
        entries:
          - {task: douyin-live/account, done: yes, progress: 100}
        """)
    base_repo.write("plans/reviews/q2.yaml", """\
        kind: review
        period: 2024-Q2
        owner: zang.min
        rows:
          - dimension: 獲客效率
            metric: 新客獲客成本(CAC)
            target: 50
            actual: 45
            direction: down
            owner: wang.fagn
        """)
    assert owner_findings(base_repo) == [
        ("PC202", "plans/reports/w24.yaml", 4),
        ("PC202", "plans/reviews/q2.yaml", 3),
        ("PC202", "plans/reviews/q2.yaml", 10),
        ("PC202", "plans/strategy2.yaml", 5),
        ("PC202", "plans/strategy2.yaml", 9),
        ("PC202", "plans/team.yaml", 3),
        ("PC202", WS, 5),
        ("PC202", WS, 19),
    ]


def test_without_a_team_each_file_gets_one_finding(base_repo):
    repo = base_repo
    (repo.root / "plans/team.yaml").unlink()
    repo.write(WS, workstream(TASKS_OWNED))
    assert owner_findings(repo) == [("PC202", "plans/strategy.yaml", 5),
                                    ("PC202", WS, 5)]
    strategy_problem, ws_problem = problems(repo, "PC202")
    assert "1 other person id" in strategy_problem.message
    # li.wei is the first; chen.jie and wang.fang are counted, not reported
    assert "li.wei" in ws_problem.message and "2 other person ids" in ws_problem.message
    assert "kind: team" in ws_problem.hint


def test_people_of_an_invalid_team_file_are_not_reported_again(base_repo):
    repo = base_repo
    repo.write("plans/team.yaml", """\
        kind: team
        people:
          - {id: li.wei, name: 李偉, department: marketing, onwer: x}
          - {id: zhang.min, name: 張敏}
          - {id: chen.jie, name: 陳杰}
          - {id: wang.fang, name: 王芳}
        """)
    repo.write(WS, workstream(TASKS_OWNED))
    assert owner_findings(repo) == []
    assert "PC101" in repo.codes()


def test_unknown_owner_message_in_chinese(base_repo):
    base_repo.write(WS, workstream(TASKS_OWNED.replace("owner: chen.jie", "owner: chen.jei")))
    [problem] = problems(base_repo, "PC202", locale="zh-TW")
    assert problem.message == "任務「直播賬號搭建」:負責人 `chen.jei` 不是團隊中的人員"
    assert problem.hint.startswith("是不是想寫 `chen.jie`?")


# --- PC203 owner-several -------------------------------------------------------------------

def test_several_owners_is_declared_and_found_by_validation(base_repo):
    assert REGISTRY["PC203"].slug == "owner-several"
    assert REGISTRY["PC203"].severity == Severity.ERROR and REGISTRY["PC203"].check is None
    assert "唯一負責人" in REGISTRY["PC203"].doc
    base_repo.write(WS, workstream(TASKS_OWNED.replace("owner: chen.jie", "owner: [li.wei, chen.jie]")))
    assert owner_findings(base_repo) == [("PC203", WS, 9)]


# --- PC204 owner-overloaded ----------------------------------------------------------------

OVERLOADED = """\
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-07-01
    end: 2024-07-10
  - id: samples
    name: 樣品寄送
    owner: chen.jie
    start: 2024-07-03
    end: 2024-07-12
  - id: rehearsal
    name: 直播彩排
    owner: chen.jie
    start: 2024-07-05
    end: 2024-07-06
  - id: review
    name: 直播復盤
    owner: chen.jie
    start: 2024-07-06
    end: 2024-07-08
  - id: second-live
    name: 第二場直播
    owner: chen.jie
    start: 2024-07-11
    end: 2024-07-11
"""


def test_overload_is_reported_once_per_episode_at_the_task_that_tips_it(base_repo):
    base_repo.write(WS, workstream(OVERLOADED))
    # open tasks per day: 07-01..02 1, 03..04 2, 05 3, 06 4, 07..08 3, 09..11 2, 12 1.
    # Limit 2: one episode, 07-05..07-08, started by rehearsal (its owner: line 19).
    limit_2 = Thresholds(max_concurrent_tasks=2)
    assert owner_findings(base_repo, thresholds=limit_2) == [("PC204", WS, 19)]
    [problem] = problems(base_repo, "PC204", thresholds=limit_2)
    assert problem.severity == Severity.WARNING
    assert problem.message.startswith("陳杰 (`chen.jie`) owns 3 open tasks at the same time "
                                      "on 2024-07-05, more than 2: ")
    assert problem.message.endswith("直播賬號搭建, 樣品寄送, 直播彩排")


@pytest.mark.parametrize("limit, line", [(1, 14), (3, 24)])
def test_the_limit_decides_where_the_episode_starts(base_repo, limit, line):
    base_repo.write(WS, workstream(OVERLOADED))
    # limit 1: 07-03..07-11 (samples tips it); limit 3: 07-06 only (review tips it)
    assert owner_findings(base_repo, thresholds=Thresholds(max_concurrent_tasks=limit)) == [
        ("PC204", WS, line)]


@pytest.mark.parametrize("limit", [4, 5])
def test_no_overload_at_or_under_the_limit(base_repo, limit):
    base_repo.write(WS, workstream(OVERLOADED))
    assert owner_findings(base_repo, thresholds=Thresholds(max_concurrent_tasks=limit)) == []


def test_two_separate_episodes_give_two_findings(base_repo):
    base_repo.write(WS, workstream("""\
  - {id: a, name: 任務甲, owner: chen.jie, start: 2024-07-01, end: 2024-07-31}
  - {id: b, name: 任務乙, owner: chen.jie, start: 2024-07-02, end: 2024-07-03}
  - {id: c, name: 任務丙, owner: chen.jie, start: 2024-07-20, end: 2024-07-21}
"""))
    assert owner_findings(base_repo, thresholds=Thresholds(max_concurrent_tasks=1)) == [
        ("PC204", WS, 8), ("PC204", WS, 9)]


def test_capacity_overrides_the_threshold(base_repo):
    team = (base_repo.root / "plans/team.yaml").read_text(encoding="utf-8")
    base_repo.write(WS, workstream(OVERLOADED))
    base_repo.write("plans/team.yaml", team.replace("role: 專員}", "role: 專員, capacity: 4}"))
    assert owner_findings(base_repo, thresholds=Thresholds(max_concurrent_tasks=2)) == []
    base_repo.write("plans/team.yaml", team.replace("role: 專員}", "role: 專員, capacity: 1}"))
    assert owner_findings(base_repo) == [("PC204", WS, 14)]


def test_done_and_cancelled_tasks_are_not_open_work(base_repo):
    done = OVERLOADED.replace("end: 2024-07-10\n", "end: 2024-07-10\n    progress: 100\n")
    base_repo.write(WS, workstream(
        done.replace("end: 2024-07-12\n", "end: 2024-07-12\n    status: cancelled\n")))
    # left open: rehearsal 07-05..06, review 07-06..08, second-live 07-11: 2 on 07-06
    assert owner_findings(base_repo, thresholds=Thresholds(max_concurrent_tasks=1)) == [
        ("PC204", WS, 26)]


def test_a_long_list_of_tasks_is_cut_after_four(base_repo):
    tasks = "".join(f"  - {{id: t{i}, name: 任務{i}, owner: chen.jie, start: 2024-07-0{i}, "
                    f"end: 2024-07-20}}\n" for i in range(1, 8))
    base_repo.write(WS, workstream(tasks))
    [problem] = problems(base_repo, "PC204")  # default limit 5: the 6th task tips it
    assert (problem.line, problem.message.split(": ", 1)[1]) == (12, "任務1, 任務2, 任務3, 任務4 and 2 more")


def test_overload_message_in_chinese(base_repo):
    base_repo.write(WS, workstream(OVERLOADED))
    [problem] = problems(base_repo, "PC204", locale="zh-TW",
                         thresholds=Thresholds(max_concurrent_tasks=3))
    assert problem.message == ("陳杰(`chen.jie`)在 2024-07-06 同時負責 4 個未完成任務,超過上限 3:"
                               "直播賬號搭建、樣品寄送、直播彩排、直播復盤")
