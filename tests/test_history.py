"""Plans read from git revisions (plancode.history) through the real CLI: real
repositories made in temp dirs with the git command line, tags for quarters, files
renamed and moved, a shallow clone, a damaged repository."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plancode.diff import changes_since_baseline
from plancode.history import last_changes, load_plan_at
from plancode.workspace import load_config

from conftest import EXAMPLES, REPO, STRATEGY, TEAM, PlanRepo, cli_in

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command line")

LIVE = """\
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
owner: li.wei
tasks:
  - {id: account, name: 直播賬號搭建, owner: chen.jie, start: 2024-06-01, end: 2024-06-10, progress: 100}
  - {id: script, name: 直播腳本策劃, owner: wang.fang, after: [account], start: 2024-06-10, end: 2024-06-20}
  - {id: first-live, name: 首場直播執行, owner: chen.jie, after: [script], milestone: true,
     start: 2024-06-25, end: 2024-06-25, budget: 12000}
"""


class GitRepo(PlanRepo):
    """A plan repository that is also a git repository."""

    def git(self, *args: str, author: str = "李偉", date: str = "2024-04-01T09:00:00+08:00",
            cwd: Path | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "plans@example.com",
               "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "plans@example.com",
               "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        command = ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                   "-c", "tag.gpgsign=false", *args]
        return subprocess.run(command, cwd=cwd or self.root, env=env, check=True, capture_output=True,
                              text=True).stdout

    def commit(self, message: str, **who: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, **who)
        return self.git("rev-parse", "HEAD").strip()

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text("utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), "utf-8")

    def run_in(self, folder: Path, *args: str):
        return cli_in(folder, *args)


def new_repo(root: Path, config: str = "as_of: 2024-06-15\nlocale: en\n") -> GitRepo:
    repo = GitRepo(root)
    root.mkdir(parents=True, exist_ok=True)
    repo.git("init", "-q")
    repo.write("plancode.yaml", config)
    return repo


@pytest.fixture
def quarters(tmp_path) -> GitRepo:
    """Small Chinese plans tagged 2024-Q2, then changed and tagged 2024-Q3."""
    repo = new_repo(tmp_path / "plans-repo")
    repo.write("plans/team.yaml", TEAM)
    repo.write("plans/strategy.yaml", STRATEGY)
    repo.write("plans/workstreams/douyin-live.yaml", LIVE)
    repo.commit("Q2 計劃")
    repo.git("tag", "2024-Q2")
    repo.edit("plans/workstreams/douyin-live.yaml", "start: 2024-06-25, end: 2024-06-25",
              "start: 2024-07-07, end: 2024-07-07")
    repo.edit("plans/workstreams/douyin-live.yaml", "owner: wang.fang", "owner: chen.jie")
    repo.edit("plans/strategy.yaml", "baseline: 400, target: 540}", "baseline: 400, target: 500}")
    (repo.root / "plans/2024").mkdir()
    repo.git("mv", "plans/workstreams/douyin-live.yaml", "plans/2024/live.yaml")
    repo.commit("Q3: 首場直播延期", author="張敏", date="2024-07-01T10:00:00+08:00")
    repo.git("tag", "2024-Q3")
    return repo


def test_two_tags_diff_by_id_across_a_moved_file(quarters):
    result = quarters.run("diff", "2024-Q2", "2024-Q3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [
        "Plan changes 2024-Q2 → 2024-Q3",
        "Summary: 1 task slipped (max +12 days: 首場直播執行), 1 target lowered, 直播腳本策劃 now owned by 陳杰, "
        "2 other changes",
    ]
    assert "      moved to 2024/live.yaml (was workstreams/douyin-live.yaml)" in lines
    assert not any("removed" in line or "added" in line for line in lines)


def test_the_three_formats_in_chinese(quarters):
    text = quarters.run("--locale", "zh-TW", "diff", "2024-Q2", "2024-Q3").output
    assert "摘要: 1 項任務延期(最多 +12 天:首場直播執行),1 個目標值下調,直播腳本策劃 改由 陳杰 負責,其他變動 2 處" in text
    markdown = quarters.run("--locale", "zh-TW", "diff", "2024-Q2", "2024-Q3", "--format", "markdown").output
    assert markdown.startswith("<!-- plancode-diff -->\n")
    assert "| 目標 | 線上渠道銷售額提升35% `online-up-35` | 目標值 540 萬元 → 500 萬元(下調) |" in markdown
    data = json.loads(quarters.run("diff", "2024-Q2", "2024-Q3", "--format", "json").output)
    assert data["from"]["commit"] == quarters.git("rev-parse", "2024-Q2").strip()
    assert (data["summary"]["tasks_slipped"], data["summary"]["targets_lowered"],
            data["summary"]["owner_changes"]) == (1, 1, [{"id": "douyin-live/script", "name": "直播腳本策劃",
                                                          "owner": "陳杰"}])
    assert [(c["entity"], c["id"], c["field"]) for c in data["changes"]] == [
        ("goal", "online-up-35", "target"), ("workstream", "douyin-live", "file"),
        ("task", "douyin-live/script", "owner"), ("task", "douyin-live/first-live", "start"),
        ("task", "douyin-live/first-live", "end")]


def test_rev_b_defaults_to_the_working_tree_which_is_never_touched(quarters):
    quarters.edit("plans/2024/live.yaml", "name: 直播賬號搭建", "name: 企業直播賬號搭建")
    status = quarters.git("status", "--porcelain")
    head = quarters.git("rev-parse", "HEAD")
    result = quarters.run("diff", "2024-Q3")
    assert result.output.splitlines()[:2] == ["Plan changes 2024-Q3 → working tree", "Summary: 1 task renamed"]
    assert quarters.git("status", "--porcelain") == status and quarters.git("rev-parse", "HEAD") == head


def test_plancode_yaml_in_a_subfolder_and_a_plans_root_that_moved(tmp_path):
    repo = new_repo(tmp_path / "company")
    (repo.root / "plancode.yaml").unlink()
    repo.write("README.md", "公司倉庫\n")
    repo.write("marketing/plancode.yaml", "as_of: 2024-06-15\nlocale: en\nplans: plans\n")
    repo.write("marketing/plans/team.yaml", TEAM)
    repo.write("marketing/plans/strategy.yaml", STRATEGY)
    repo.write("marketing/plans/live.yaml", LIVE)
    repo.commit("plans")
    repo.git("tag", "v1")
    repo.git("mv", "marketing/plans", "marketing/planning")
    repo.write("marketing/plancode.yaml", "as_of: 2024-06-15\nlocale: en\nplans: planning\n")
    repo.edit("marketing/planning/live.yaml", "end: 2024-06-20", "end: 2024-06-22")
    repo.commit("plans/ → planning/")
    result = repo.run_in(repo.root / "marketing" / "planning", "diff", "v1", "HEAD")
    assert result.exit_code == 0, result.output
    # the files kept their place under the plans root: nothing moved, one task slipped
    assert result.output.splitlines()[1] == "Summary: 1 task slipped (max +2 days: 直播腳本策劃)"


def test_an_unknown_revision_is_exit_2_with_where_to_look(quarters):
    result = quarters.run("diff", "2024-Q9")
    assert result.exit_code == 2
    assert "unknown revision 2024-Q9" in result.stderr and "git tag" in result.stderr
    assert quarters.run("diff", "--", "--output=x").exit_code == 2


def test_a_shallow_clone_says_to_fetch_the_history(quarters, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{quarters.root}", str(clone)], check=True)
    shallow = GitRepo(clone)
    result = shallow.run("diff", "2024-Q2")
    assert result.exit_code == 2
    assert "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr
    log = shallow.run("log", "douyin-live/first-live")
    assert log.exit_code == 0
    assert "history stops at" in log.output and "fetch-depth: 0" in log.output
    assert "added" not in log.output  # the boundary commit did not add the task


def test_outside_git_a_revision_is_exit_2_but_two_folders_compare(tmp_path):
    # the copy lies inside the project folder: nothing outside it is read (SPEC §5.7)
    new = PlanRepo(tmp_path / "new")
    old = PlanRepo(new.root / "old")
    for repo in (old, new):
        repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\n")
        repo.write("plans/team.yaml", TEAM)
        repo.write("plans/strategy.yaml", STRATEGY)
    old.write("plans/live.yaml", LIVE)
    new.write("plans/2024/live.yaml", LIVE.replace("end: 2024-06-20", "end: 2024-06-23"))
    result = new.run("diff", "2024-Q2")
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.stderr and "plancode diff DIR_A DIR_B" in result.stderr
    result = new.run("diff", "old/", ".")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "Summary: 1 task slipped (max +3 days: 直播腳本策劃), 1 other change"


def test_a_damaged_repository_is_a_clear_message(quarters):
    blob = quarters.git("rev-parse", "2024-Q2:plans/team.yaml").strip()
    (quarters.root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    result = quarters.run("diff", "2024-Q2")
    assert result.exit_code == 2
    assert "the git repository is damaged" in result.stderr and blob[:12] in result.stderr
    assert "Traceback" not in result.output


def test_a_revision_that_does_not_parse_still_diffs_what_it_can(quarters):
    quarters.write("plans/broken.yaml", "kind: workstream\nid: x\n  title: [壞了\n")
    quarters.edit("plans/2024/live.yaml", "name: 直播賬號搭建", "nmae: 直播賬號搭建")
    quarters.edit("plans/strategy.yaml", "target: 1300}", "target: 1200}")
    quarters.commit("壞掉的提交")
    result = quarters.run("diff", "2024-Q3", "HEAD")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1] == "Summary: 1 target lowered; 2 files could not be read"
    assert "Not read at HEAD (left out of the comparison):" in lines
    assert any(line.startswith("  plans/broken.yaml:3:8: PC100") for line in lines)
    assert any(line.startswith("  plans/2024/live.yaml:") and "PC101" in line for line in lines)
    assert not any("removed" in line for line in lines)  # unknown, not gone
    data = json.loads(quarters.run("diff", "2024-Q3", "HEAD", "--format", "json").output)
    assert {(p["path"], p["code"]) for p in data["to"]["unreadable"]} == {
        ("plans/broken.yaml", "PC100"), ("plans/2024/live.yaml", "PC101")}


def test_log_lists_the_commits_that_changed_one_task(quarters):
    quarters.edit("plans/2024/live.yaml", "name: 直播賬號搭建", "name: 企業直播賬號搭建")
    quarters.commit("改名", author="王芳", date="2024-07-05T08:30:00+08:00")
    quarters.write("notes.txt", "不是計劃\n")
    quarters.commit("筆記")
    result = quarters.run("log", "first-live")  # a bare id naming one task
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "douyin-live/first-live 首場直播執行",
        f"{quarters.git('rev-parse', '--short=7', '2024-Q3').strip()}  2024-07-01 10:00  張敏  Q3: 首場直播延期",
        "    start 2024-06-25 → 2024-07-07 (+12 days)",
        "    end 2024-06-25 → 2024-07-07 (+12 days)",
        f"{quarters.git('rev-parse', '--short=7', '2024-Q2').strip()}  2024-04-01 09:00  李偉  Q2 計劃",
        "    added: 2024-06-25 → 2024-06-25, owned by 陳杰, budget ¥12,000",
    ]
    goal = json.loads(quarters.run("log", "online-up-35", "--format", "json").output)
    assert [(c["author"], [x["field"] for x in c["changes"]]) for c in goal["commits"]] == [
        ("張敏", ["target"]), ("李偉", ["added"])]
    assert [c["author"] for c in json.loads(quarters.run("log", "account", "-n", "1", "--format", "json")
                                            .output)["commits"]] == ["王芳"]


def test_log_of_an_unknown_id_suggests_one(quarters):
    result = quarters.run("log", "douyin-live/first-liv")
    assert result.exit_code == 2
    assert "did you mean douyin-live/first-live," in result.stderr


def test_last_changes_per_plan_file(quarters, tmp_path):
    config = load_config(None, quarters.root)
    changes = last_changes(config, quarters.root)
    assert changes == {
        "plans/2024/live.yaml": (changes["plans/2024/live.yaml"][0], "張敏"),
        "plans/strategy.yaml": (changes["plans/strategy.yaml"][0], "張敏"),
        "plans/team.yaml": (changes["plans/team.yaml"][0], "李偉"),
    }
    assert str(changes["plans/team.yaml"][0]) == "2024-04-01"
    assert str(changes["plans/strategy.yaml"][0]) == "2024-07-01"
    outside = PlanRepo(tmp_path / "outside")
    outside.write("plans/team.yaml", TEAM)
    assert last_changes(load_config(None, outside.root), outside.root) == {}


def test_last_changes_say_nothing_before_the_first_commit_nor_in_a_damaged_repository(tmp_path):
    """The site's "last changed" line says nothing, and the build goes on, when git has no
    commit to give or cannot read HEAD's."""
    repo = new_repo(tmp_path / "repo")
    repo.write("plans/team.yaml", TEAM)
    config = load_config(None, repo.root)
    assert last_changes(config, repo.root) == {}  # no commit yet
    repo.commit("team")
    assert list(last_changes(config, repo.root)) == ["plans/team.yaml"]
    head = repo.git("rev-parse", "HEAD").strip()
    obj = repo.root / ".git" / "objects" / head[:2] / head[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"damaged")  # HEAD names a commit git cannot read
    assert last_changes(config, repo.root) == {}


def test_load_plan_at_gives_the_baseline_for_build(quarters):
    config = load_config(None, quarters.root)
    base = load_plan_at("2024-Q2", config, quarters.root)
    current = load_plan_at("HEAD", config, quarters.root)
    assert str(base.tasks["douyin-live/first-live"].end) == "2024-06-25"
    rows = {r.task: r for r in changes_since_baseline(base, current)}
    assert (rows["douyin-live/first-live"].end_slip, rows["douyin-live/first-live"].slipped) == (12, True)
    assert rows["douyin-live/account"].state == "unchanged"


def test_git_diff_reads_facts_through_the_textconv_driver(quarters):
    quarters.git("config", "diff.plancode.textconv", f"{shlex.quote(sys.executable)} -m plancode textconv")
    quarters.write(".gitattributes", "*.yaml diff=plancode\n")
    out = quarters.git("diff", "2024-Q2", "2024-Q3", "--", "plans/strategy.yaml")
    assert "-goal online-up-35.metric.target = 540\n+goal online-up-35.metric.target = 500\n" in out


def test_two_tagged_quarters_of_the_example_plans(tmp_path):
    """The acceptance scenario: the example plans tagged 2024-Q2, then a quarter later a
    task slipped, a target lowered, an owner changed and a workstream file moved."""
    repo = new_repo(tmp_path / "acme")
    shutil.copy(REPO / "plancode.yaml", repo.root / "plancode.yaml")
    shutil.copytree(EXAMPLES, repo.root / "plans")
    repo.commit("2024 Q2 計劃")
    repo.git("tag", "2024-Q2")
    live = "plans/2024/workstreams/douyin-live.yaml"
    repo.edit(live, "    start: 2024-06-25\n    end: 2024-06-25", "    start: 2024-07-07\n    end: 2024-07-07")
    repo.edit(live, "    name: 直播腳本策劃\n    owner: wang.fang", "    name: 直播腳本策劃\n    owner: chen.jie")
    repo.edit("plans/2024/strategy.yaml", "baseline: 60, target: 50, direction: down}",
              "baseline: 60, target: 55, direction: down}")
    (repo.root / "plans/2024/q3").mkdir()
    repo.git("mv", "plans/2024/workstreams/loyalty.yaml", "plans/2024/q3/loyalty.yaml")
    repo.commit("2024 Q3 調整", author="張敏", date="2024-07-01T10:00:00+08:00")
    repo.git("tag", "2024-Q3")

    text = repo.run("diff", "2024-Q2", "2024-Q3").output
    assert text.splitlines()[1] == (
        "摘要: 1 項任務延期(最多 +12 天:首場直播執行),1 個目標值下調,直播腳本策劃 改由 陳杰 負責,其他變動 3 處")
    assert "  ! 任務 直播腳本策劃 (douyin-live/script): 改由 陳杰 負責(原為 王芳)" in text
    assert "      移至 2024/q3/loyalty.yaml(原在 2024/workstreams/loyalty.yaml)" in text
    markdown = repo.run("--locale", "en", "diff", "2024-Q2", "2024-Q3", "--format", "markdown").output
    assert "| Goal | 新客獲客成本降至50元/人 `cac-50` | target 50 元/人 → 55 元/人 (lowered) |" in markdown
    data = json.loads(repo.run("diff", "2024-Q2", "2024-Q3", "--format", "json").output)
    summary = data["summary"]
    assert (summary["tasks_slipped"], summary["max_slip_days"], summary["targets_lowered"],
            len(summary["owner_changes"]), summary["tasks_removed"]) == (1, 12, 1, 1, 0)


def test_last_changes_of_committed_files_while_others_are_new_or_staged(tmp_path):
    """A plan file not in HEAD's tree (new, or only staged) has no last commit, and the
    others keep theirs; plans in a folder git ignores have none at all."""
    repo = new_repo(tmp_path / "repo")
    repo.write("plans/team.yaml", TEAM)
    repo.commit("team")
    repo.write("plans/strategy.yaml", STRATEGY)
    repo.commit("strategy", author="張敏", date="2024-07-01T09:00:00+08:00")
    repo.write("plans/2024/live.yaml", LIVE)  # new, not committed
    config = load_config(None, repo.root)
    expected = {"plans/strategy.yaml": (dt.date(2024, 7, 1), "張敏"), "plans/team.yaml": (dt.date(2024, 4, 1), "李偉")}
    assert last_changes(config, repo.root) == expected
    repo.git("add", "plans/2024/live.yaml")  # staged: still no commit of its own
    assert last_changes(config, repo.root) == expected
    (repo.root / ".gitignore").write_text("ignored/\n", encoding="utf-8")
    shutil.copytree(repo.root / "plans", repo.root / "ignored/plans")
    (repo.root / "ignored/plancode.yaml").write_text("as_of: 2024-06-15\nlocale: en\n", encoding="utf-8")
    inside = load_config(None, repo.root / "ignored")
    assert last_changes(inside, repo.root / "ignored") == {}
