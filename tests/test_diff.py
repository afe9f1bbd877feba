"""The semantic diff of two plans (plancode.diff), its three printed formats and the
textconv view. Plans are inline YAML written to two folders; no git here (see
test_history.py for revisions)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from plancode.commands.diff import MARKER, md, to_json, to_markdown, to_text
from plancode.commands.textconv import canonical_lines
from plancode.diff import Phrases, baseline_dates, changes_since_baseline, diff_plans
from plancode.history import Snapshot

from conftest import STRATEGY, TEAM, PlanRepo, dedent

LIVE = """\
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
    budget: 5000
  - id: selection
    name: 選品與庫存對接
    owner: li.wei
    after: [account]
    start: 2024-06-05
    end: 2024-06-15
    progress: 90
    budget: 2000
  - id: script
    name: 直播腳本策劃
    owner: wang.fang
    after: [selection]
    end: 2024-06-20
    progress: 70
    budget: 3000
  - id: first-live
    name: 首場直播執行
    owner: li.wei
    after: [script]
    milestone: true
    start: 2024-06-25
    end: 2024-06-25
    budget: 12000
"""

REVIEW = """\
kind: review
period: 2024-Q2
owner: zhang.min
rows:
  - dimension: 獲客效率
    metric: 新客獲客成本(CAC)
    unit: 元/人
    target: 50
    actual: 45
    direction: down
    owner: wang.fang
  - metric: 品牌搜索量
    unit: 萬次
    target: 20
    actual: 25
    owner: chen.jie
"""

BASE = {"plans/team.yaml": TEAM, "plans/strategy.yaml": STRATEGY,
        "plans/workstreams/douyin-live.yaml": LIVE, "plans/reviews/2024-Q2.yaml": REVIEW}


def snapshot(folder: Path, files: dict[str, str]) -> Snapshot:
    repo = PlanRepo(folder)
    for name, text in files.items():
        repo.write(name, text)
    ws = repo.workspace()
    return Snapshot(folder.name, ws.plan, folder / "plans")


FILES = {"live": "plans/workstreams/douyin-live.yaml", "strategy": "plans/strategy.yaml",
         "review": "plans/reviews/2024-Q2.yaml", "team": "plans/team.yaml"}


def edited(**replacements: tuple[str, str]) -> dict[str, str]:
    """BASE with an ``(old, new)`` text replacement in each named file (see FILES)."""
    files = dict(BASE)
    for key, (old, new) in replacements.items():
        name = FILES[key]
        assert old in files[name], old
        files[name] = files[name].replace(old, new)
    return files


@pytest.fixture
def pair(tmp_path):
    def make(new_files: dict[str, str], old_files: dict[str, str] = BASE):
        a = snapshot(tmp_path / "a", old_files)
        b = snapshot(tmp_path / "b", new_files)
        return a, b, diff_plans(a.plan, b.plan, a.plans_root, b.plans_root)
    return make


def facts(diff) -> list[tuple]:
    return [(c.entity, c.id, c.field, c.old, c.new) for c in diff.changes]


def test_the_same_plans_have_no_changes(pair):
    _, _, diff = pair(BASE)
    assert diff.changes == ()
    assert Phrases("en").summary(diff) == "no changes"
    assert Phrases("zh-TW").summary(diff) == "沒有變動"


def test_a_later_end_is_a_slip_in_days_and_risky(pair):
    _, _, diff = pair(edited(live=("    start: 2024-06-25\n    end: 2024-06-25",
                                          "    start: 2024-07-07\n    end: 2024-07-07")))
    end = next(c for c in diff.changes if c.field == "end")
    assert (end.id, end.old, end.new, end.delta, end.note, end.risky) == (
        "douyin-live/first-live", dt.date(2024, 6, 25), dt.date(2024, 7, 7), 12, "slipped", True)
    assert Phrases("en").describe(end) == "end 2024-06-25 → 2024-07-07 (+12 days)"
    assert Phrases("zh-TW").describe(end) == "結束時間 2024-06-25 → 2024-07-07(+12 天)"
    assert Phrases("en").summary(diff).startswith("1 task slipped (max +12 days: 首場直播執行)")


def test_a_predecessor_slip_moves_the_derived_start_of_its_successor(pair):
    # script has no start: it begins the day after selection ends
    _, _, diff = pair(edited(live=("    end: 2024-06-15\n    progress: 90",
                                          "    end: 2024-06-18\n    progress: 90")))
    assert [(c.id, c.field, c.delta) for c in diff.changes if c.field in ("start", "end")] == [
        ("douyin-live/selection", "end", 3), ("douyin-live/script", "start", 3)]


def test_owner_changes_name_the_people(pair):
    _, _, diff = pair(edited(live=("    name: 首場直播執行\n    owner: li.wei",
                                          "    name: 首場直播執行\n    owner: chen.jie")))
    owner = diff.changes[0]
    assert (owner.field, owner.old, owner.new, owner.old_name, owner.new_name, owner.risky) == (
        "owner", "li.wei", "chen.jie", "李偉", "陳杰", True)
    assert Phrases("en").summary(diff) == "首場直播執行 now owned by 陳杰"
    assert Phrases("zh-TW").summary(diff) == "首場直播執行 改由 陳杰 負責"
    assert Phrases("en").describe(owner) == "now owned by 陳杰 (was 李偉)"


def test_a_new_name_under_the_same_id_is_a_rename_not_a_removal(pair):
    _, _, diff = pair(edited(live=("name: 直播腳本策劃", "name: 直播腳本與話術策劃")))
    assert facts(diff) == [("task", "douyin-live/script", "renamed", "直播腳本策劃", "直播腳本與話術策劃")]


@pytest.mark.parametrize("old, new, direction, note", [
    ("target: 540}", "target: 500}", "up", "lowered"),
    ("target: 540}", "target: 600}", "up", "raised"),
    ("target: 540}", "target: 600, direction: down}", "down", None),  # direction flipped: undefined
])
def test_targets_are_lowered_or_raised_given_their_direction(pair, old, new, direction, note):
    _, _, diff = pair(edited(strategy=(old, new)))
    target = next(c for c in diff.changes if c.field == "target")
    assert (target.id, target.note, target.risky) == ("online-up-35", note, note == "lowered")


def test_for_a_lower_is_better_kpi_a_higher_target_is_lowered(pair):
    _, _, diff = pair(edited(review=("    target: 50\n    actual: 45", "    target: 55\n    actual: 45")))
    target = next(c for c in diff.changes if c.field == "target")
    assert (target.entity, target.id, target.note) == ("review", "2024-Q2/新客獲客成本(CAC)", "lowered")
    assert Phrases("en").describe(target) == "target 50 元/人 → 55 元/人 (lowered)"
    assert Phrases("zh-TW").describe(target) == "目標值 50 元/人 → 55 元/人(下調)"
    assert "1 target lowered" in Phrases("en").summary(diff)


def test_review_rows_report_achievement_per_kpi(pair):
    _, _, diff = pair(edited(review=("    actual: 45", "    actual: 48")))
    achievement = next(c for c in diff.changes if c.field == "achievement")
    assert (achievement.old, achievement.new, achievement.delta) == (111, 104, -7)
    assert Phrases("en").describe(achievement) == "achievement 111% → 104% (-7 points)"


def test_budget_deltas_add_up_in_the_summary(pair):
    added = LIVE.replace("budget: 12000", "budget: 20000") + (
        "  - {id: second-live, name: 第二場直播執行, owner: chen.jie, after: [first-live],\n"
        "     start: 2024-07-21, end: 2024-07-21, budget: 32000}\n")
    files = dict(BASE, **{"plans/workstreams/douyin-live.yaml": added})
    _, _, diff = pair(files)
    assert [(c.field, c.delta) for c in diff.changes if c.entity == "task"] == [("budget", 8000), ("added", 32000)]
    assert diff.summary.budget_delta == 40000
    assert Phrases("en").summary(diff) == "budget +¥40,000, 1 task added"
    assert Phrases("zh-TW").summary(diff) == "預算 +¥40,000,新增 1 項任務"


def test_removed_tasks_are_risky_and_count_against_the_budget(pair):
    files = dict(BASE, **{"plans/workstreams/douyin-live.yaml": LIVE.split("  - id: first-live")[0]})
    _, _, diff = pair(files)
    removed = diff.changes[0]
    assert (removed.id, removed.field, removed.delta, removed.risky) == ("douyin-live/first-live", "removed", -12000, True)
    assert Phrases("en").summary(diff) == "budget -¥12,000, 1 task removed"


def test_predecessor_and_progress_changes(pair):
    _, _, diff = pair(edited(live=("    after: [script]\n", "    after: [selection]\n")))
    change = next(c for c in diff.changes if c.field == "predecessors")
    assert (change.old, change.new, change.new_name) == (["douyin-live/script"], ["douyin-live/selection"], "選品與庫存對接")
    _, _, diff = pair(edited(live=("    progress: 70", "    progress: 85")))
    assert [(c.field, c.old, c.new, c.delta) for c in diff.changes] == [("progress", 70, 85, 15)]


def test_goals_added_removed_and_due_moved(pair):
    strategy = STRATEGY.replace("        due: 2024-12-31\n        budget: 100000",
                                "        due: 2025-01-31\n        budget: 100000")
    strategy += ("  - {id: brand-search-20, title: 品牌搜索量季度達20萬次, owner: chen.jie, due: 2024-06-30,\n"
                 "     metric: {name: 品牌搜索量, unit: 萬次, baseline: 15, target: 20}}\n")
    _, _, diff = pair(dict(BASE, **{"plans/strategy.yaml": strategy}))
    assert [(c.id, c.field, c.delta) for c in diff.changes if c.entity == "goal"] == [
        ("online-up-35", "due", 31), ("brand-search-20", "added", None)]
    due = diff.changes[0]
    assert (due.note, due.risky) == ("later", True)
    assert "1 goal added" in Phrases("en").summary(diff)


def test_team_changes(pair):
    team = (TEAM.replace("{id: chen.jie, name: 陳杰, department: marketing", "{id: chen.jie, name: 陳杰, department: sales")
            .replace("  - {id: wang.fang, name: 王芳, department: sales, role: 主管}\n", "")
            + "  - {id: liu.yang, name: 劉洋, department: sales, role: 助理}\n")
    files = dict(BASE, **{"plans/team.yaml": team})
    files["plans/reviews/2024-Q2.yaml"] = REVIEW.replace("wang.fang", "zhang.min")
    files["plans/workstreams/douyin-live.yaml"] = LIVE.replace("wang.fang", "li.wei")
    _, _, diff = pair(files)
    people = [(c.id, c.field, c.old_name, c.new_name) for c in diff.changes if c.entity == "person"]
    assert people == [("chen.jie", "department", "市場部", "銷售部"), ("liu.yang", "added", None, "銷售部"),
                      ("wang.fang", "removed", "銷售部", None)]
    assert diff.summary.team_changes == 3
    assert "3 team changes" in Phrases("en").summary(diff)


def test_a_workstream_moved_to_another_file_is_one_move(pair):
    files = dict(BASE)
    files["plans/2024/q3/live.yaml"] = files.pop("plans/workstreams/douyin-live.yaml")
    _, _, diff = pair(files)
    assert facts(diff) == [("workstream", "douyin-live", "file", "workstreams/douyin-live.yaml", "2024/q3/live.yaml")]
    assert Phrases("en").summary(diff) == "1 other change"


def test_what_an_unreadable_file_defined_is_not_reported_removed(pair):
    a, b, _ = pair(BASE)
    diff = diff_plans(a.plan, snapshot(a.plans_root.parent.parent / "c", {k: v for k, v in BASE.items()
                                                                          if "douyin" not in k}).plan,
                      a.plans_root, None, ((), {"workstreams/douyin-live.yaml"}))
    assert diff.changes == ()


def test_baseline_dates_and_changes_since_baseline(pair):
    a, b, _ = pair(edited(live=("    end: 2024-06-15\n    progress: 90", "    end: 2024-06-18\n    progress: 90")))
    dates = baseline_dates(a.plan)
    assert dates["douyin-live/script"] == (dt.date(2024, 6, 16), dt.date(2024, 6, 20))
    rows = {r.task: r for r in changes_since_baseline(a.plan, b.plan)}
    script = rows["douyin-live/script"]
    assert (script.state, script.start_slip, script.end_slip, script.slipped) == ("moved", 3, 0, False)
    assert (rows["douyin-live/selection"].end_slip, rows["douyin-live/selection"].slipped) == (3, True)
    assert (rows["douyin-live/first-live"].state, rows["douyin-live/first-live"].milestone) == ("unchanged", True)


# --- the printed formats ---------------------------------------------------------------------

def test_text_puts_the_summary_and_risky_changes_first(pair):
    a, b, diff = pair(edited(live=("    start: 2024-06-25\n    end: 2024-06-25", "    start: 2024-06-28\n    end: 2024-06-28")))
    lines = to_text(diff, a, b, "en").splitlines()
    assert lines[:5] == [
        "Plan changes a → b",
        "Summary: 1 task slipped (max +3 days: 首場直播執行), 1 other change",
        "",
        "Needs attention:",
        "  ! Task 首場直播執行 (douyin-live/first-live): end 2024-06-25 → 2024-06-28 (+3 days)",
    ]
    assert "  首場直播執行 (douyin-live/first-live)" in lines
    assert "      start 2024-06-25 → 2024-06-28 (+3 days)" in lines


def test_markdown_is_one_comment_with_marker_summary_risky_and_details(pair):
    a, b, diff = pair(edited(live=("    name: 首場直播執行\n    owner: li.wei", "    name: 首場直播執行\n    owner: chen.jie")))
    text = to_markdown(diff, a, b, "zh-TW", site_url="https://plans.example.com/")
    assert text.startswith(MARKER + "\n### 計劃變動 `a` → `b`\n\n**首場直播執行 改由 陳杰 負責**\n")
    assert "#### ⚠️ 需要關注" in text
    assert "| 任務 | 首場直播執行 `douyin-live/first-live` | 改由 陳杰 負責(原為 李偉) |" in text
    assert text.index("<details>") > text.index("需要關注")
    assert "<summary>全部變動(1 處)</summary>" in text and text.rstrip().endswith("https://plans.example.com/")


@pytest.mark.parametrize("raw, escaped", [
    ("直播 | 帶貨", "直播 \\| 帶貨"),
    ("第一行\n第二行", "第一行<br>第二行"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("`rm -rf`", "\\`rm -rf\\`"),
    ("*粗體* _斜體_ [鏈接](x)", "\\*粗體\\* \\_斜體\\_ \\[鏈接\\](x)"),
    ("@chen.jie 請跟進", "\u2060&#64;chen.jie 請跟進"),
])
def test_markdown_cells_are_escaped(raw, escaped):
    assert md(raw) == escaped


def test_markdown_escapes_names_from_the_plan(pair):
    hostile = '"直播 | <b>腳本</b> `x` @all"'
    a, b, diff = pair(edited(live=("name: 直播腳本策劃", f"name: {hostile}")))
    text = to_markdown(diff, a, b, "en")
    assert "直播 \\| &lt;b&gt;腳本&lt;/b&gt; \\`x\\` \u2060&#64;all" in text
    assert "<b>" not in text and "@all" not in text


def test_markdown_stays_under_githubs_limit_and_points_to_the_site(tmp_path):
    tasks = "".join(f"  - {{id: t{i}, name: 第{i}場直播執行任務名稱很長很長, owner: li.wei, "
                    f"start: 2024-06-01, end: 2024-06-{1 + i % 28:02d}}}\n" for i in range(1500))
    big = "kind: workstream\nid: big\ntitle: 大量任務\ngoal: online-up-35\nowner: li.wei\ntasks:\n" + tasks
    a = snapshot(tmp_path / "a", dict(BASE, **{"plans/big.yaml": big}))
    moved = big.replace("很長很長", "改名了").replace("start: 2024-06-01", "start: 2024-05-31")
    b = snapshot(tmp_path / "b", dict(BASE, **{"plans/big.yaml": moved}))
    diff = diff_plans(a.plan, b.plan)
    text = to_markdown(diff, a, b, "en", site_url="https://plans.example.com/", args=("2024-Q2", ""))
    assert len(diff.changes) == 3000 and len(text) <= 65_536
    assert text.startswith(MARKER)
    rows = text.count("\n| ") - 1  # less the header row
    assert rows > 500  # as many rows as fit
    assert text.rstrip().endswith(
        f"{3000 - rows} more changes not shown here: run `plancode diff 2024-Q2` for all of them; "
        "the site has every task and goal: https://plans.example.com/")


def test_json_shape(pair):
    a, b, diff = pair(edited(live=("    start: 2024-06-25\n    end: 2024-06-25", "    start: 2024-06-28\n    end: 2024-06-28")))
    data = json.loads(to_json(diff, a, b, "en"))
    assert set(data) == {"version", "from", "to", "summary", "changes"}
    assert data["version"] == 1
    assert data["from"] == {"label": "a", "commit": None, "missing": None, "unreadable": []}
    assert set(data["summary"]) == {
        "text", "changes", "risky", "tasks_added", "tasks_removed", "tasks_renamed", "tasks_slipped",
        "max_slip_days", "max_slip_task", "targets_lowered", "targets_raised", "budget_delta", "currency",
        "owner_changes", "goals_added", "goals_removed", "team_changes"}
    assert (data["summary"]["tasks_slipped"], data["summary"]["max_slip_days"], data["summary"]["max_slip_task"]) == (
        1, 3, "douyin-live/first-live")
    assert data["changes"][1] == {
        "entity": "task", "id": "douyin-live/first-live", "name": "首場直播執行", "field": "end",
        "old": "2024-06-25", "new": "2024-06-28", "delta": 3, "note": "slipped", "risky": True,
        "old_name": None, "new_name": None, "unit": None, "text": "end 2024-06-25 → 2024-06-28 (+3 days)"}


# --- textconv ------------------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    from plancode.i18n import Messages
    from plancode.loader import load_text

    doc, problems = load_text(dedent(text).encode(), Path("x.yaml"), "x.yaml", Messages("en"))
    assert not problems
    return canonical_lines(doc.data)


def test_textconv_prints_one_fact_per_line():
    assert _lines("""
        kind: workstream
        id: douyin-live
        title: 抖音直播帶貨計劃
        tasks:
          - id: selection
            name: 選品與庫存對接
            owner: li.wei
            after: [account]
            end: 2024-06-15
            risks: [{risk: 部分庫存不足, owner: li.wei}]
    """) == [
        "kind = workstream",
        "workstream douyin-live.title = 抖音直播帶貨計劃",
        "task douyin-live/selection.name = 選品與庫存對接",
        "task douyin-live/selection.owner = li.wei",
        "task douyin-live/selection.end = 2024-06-15",
        "task douyin-live/selection.after = [account]",
        "task douyin-live/selection.risks[0].owner = li.wei",
        "task douyin-live/selection.risks[0].risk = 部分庫存不足",
    ]


def test_textconv_ignores_formatting_key_order_and_comments():
    block = """
        kind: strategy
        id: fy2024
        title: 年度策略   # 註釋
        goals:
          - id: cac-50
            metric:
              name: 新客獲客成本
              target: 50
              direction: down
    """
    flow = """
        kind: strategy
        title: "年度策略"
        id: fy2024
        goals: [{metric: {direction: down, target: 50, name: 新客獲客成本}, id: cac-50}]
    """
    assert _lines(block) == _lines(flow)
    assert "goal cac-50.metric.target = 50" in _lines(block)


def test_textconv_names_report_entries_and_review_rows():
    assert "report 2024-W24/marketing.entries[douyin-live/account].progress = 100" in _lines("""
        kind: report
        week: 2024-W24
        department: marketing
        entries: [{task: douyin-live/account, progress: 100, done: "yes"}]
    """)
    assert "review 2024-Q2.rows[品牌搜索量].actual = 25" in _lines("""
        kind: review
        period: 2024-Q2
        rows: [{metric: 品牌搜索量, target: 20, actual: 25}]
    """)


def test_textconv_quotes_text_only_when_it_must():
    lines = _lines("""
        kind: team
        people:
          - {id: li.wei, name: 李偉, role: "  經理", notes: "第一行\\n第二行"}
    """)
    assert 'person li.wei.role = "  經理"' in lines
    assert 'person li.wei.notes = "第一行\\n第二行"' in lines
    assert "person li.wei.name = 李偉" in lines


def test_textconv_prints_an_unreadable_file_as_it_is(repo):
    raw = "kind: workstream\n  id: [broken\n".encode()
    path = repo.write("plans/broken.yaml", raw)
    result = repo.run("textconv", str(path))
    assert result.exit_code == 0 and result.stdout_bytes == raw
