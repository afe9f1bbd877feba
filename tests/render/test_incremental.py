"""Incremental builds (issue #14): after a change, a build renders only the pages whose
inputs changed and takes the others from its previous output — and every file is then
byte for byte what a cold build (``--no-cache``, into empty folders) of the changed plans
writes. Each change below is made to a copy of the example plans built once before."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import cli_in
from plancode.cli import main
from plancode.render import fragments, output

REPO = Path(__file__).resolve().parents[2]
WORKSTREAMS = Path("plans") / "2024" / "workstreams"
REPORTS = Path("plans") / "2024" / "reports"


@pytest.fixture
def examples(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "plancode.yaml", root / "plancode.yaml")
    shutil.copytree(REPO / "plans", root / "plans")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return root


def run(cwd: Path, *args: str):
    result = cli_in(cwd, "--locale", "en", *args)
    assert result.exit_code == 0, result.output
    return result


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def counts(output_text: str) -> tuple[int, int] | None:
    """(rendered, unchanged) from the build's 'pages:' line; None when it has none (every
    page rendered)."""
    found = re.search(r"^pages: (\d+) rendered, (\d+) unchanged", output_text, re.M)
    return (int(found[1]), int(found[2])) if found else None


def assert_as_cold(root: Path, *args: str) -> None:
    """The outputs are what a cold build of the same plans writes: every file, the
    markers (with their page keys) included."""
    run(root, *args, "build", "--no-cache", "--out", "cold/site", "--markdown", "cold/reports")
    assert tree(root / "site") == tree(root / "cold" / "site")
    assert tree(root / "reports") == tree(root / "cold" / "reports")


# Each change: (file, old text, new text). The names show what is changed; the
# comments what it shows beyond its own workstream's pages.
CHANGES = {
    # a task's name: its workstream's pages, the goal tree, the weeks naming it, the README
    "task name": (WORKSTREAMS / "douyin-live.yaml", "name: 選品與庫存對接", "name: 選品、庫存與物流對接"),
    # a task's own progress: the dashboard's counts, goal progress, the portfolio, alerts
    "task progress": (WORKSTREAMS / "douyin-live.yaml", "progress: 70", "progress: 20"),
    # a task's dates: its successors' forecast and the critical chain, the weeks it is due in
    "task dates": (WORKSTREAMS / "douyin-live.yaml", "end: 2024-06-15", "end: 2024-06-18"),
    # a task's owner: the people page, the week pages' owner column and filters
    "task owner": (WORKSTREAMS / "douyin-live.yaml", "name: 直播腳本策劃\n    owner: wang.fang",
                   "name: 直播腳本策劃\n    owner: zhao.lei"),
    # a task added: its workstream's table and Gantt, the weeks it is due in
    "task added": (WORKSTREAMS / "douyin-live.yaml", "        owner: chen.jie\n",
                   "        owner: chen.jie\n  - {id: replay, name: 直播復盤, owner: chen.jie, start: 2024-06-26, "
                   "end: 2024-06-28, after: [first-live]}\n"),
    # a report entry's progress: the task's progress, every page showing it
    "report entry": (REPORTS / "2024-W23-marketing.yaml", "progress: 90", "progress: 60"),
    # a person's name: every page naming them
    "person": (Path("plans") / "team.yaml", "name: 王芳", "name: 王芳芳"),
    # a goal's title: the goal pages and every workstream linking to it
    "goal": (Path("plans") / "2024" / "strategy.yaml", "title: 線上渠道銷售額提升35%", "title: 線上渠道銷售額提升40%"),
    # a comment: the same plan, so the same pages (each taken from before)
    "comment": (Path("plans") / "2024" / "strategy.yaml", "kind: strategy", "kind: strategy\n# a comment"),
    # the config: everything
    "config": (Path("plancode.yaml"), "schedule_lag: 10", "schedule_lag: 5"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_build_after_a_change_writes_what_a_cold_build_writes(examples, change):
    run(examples, "build")
    before = {p.name: p.stat().st_ino for p in (examples / "site").glob("workstream-*.html")}
    path, old, new = CHANGES[change]
    edit(examples / path, old, new)

    result = run(examples, "build")
    assert_as_cold(examples)
    found = counts(result.output)
    if change == "task name":
        # the other workstreams' pages were taken from the previous output, not rendered
        assert found is not None and found[1] > 0, result.output
        after = {p.name: p.stat().st_ino for p in (examples / "site").glob("workstream-*.html")}
        assert after["workstream-douyin-live.html"] != before["workstream-douyin-live.html"]
        assert after["workstream-lead-gen.html"] == before["workstream-lead-gen.html"]  # the same file, linked
    if change == "task name":
        site = examples / "site"
        assert "選品、庫存與物流對接" in (site / "week-2024-W23.html").read_text("utf-8")
        assert "選品、庫存與物流對接" in (site / "goals.html").read_text("utf-8")
    if change in ("person", "config", "goal", "report entry", "task progress", "task owner", "task dates"):
        # what every page may show (a goal's progress is its tasks', a department's
        # figures count its people's tasks, earned value sums the tasks' dates): nothing
        # is taken from before
        assert found is None, result.output
    if change == "comment":
        assert found is not None and found[1] == 38 - found[0], result.output


@pytest.mark.parametrize("args", [["--as-of", "2024-06-30"], ["--locale", "zh-CN"]],
                         ids=["as-of", "locale"])
def test_an_option_that_changes_every_page_renders_every_page(examples, args):
    run(examples, "build")
    result = run(examples, *args, "build")
    assert counts(result.output) is None, result.output
    assert_as_cold(examples, *args)


def test_several_changes_in_a_row_stay_as_cold(examples):
    run(examples, "build")
    for n, name in enumerate(("直播賬號搭建", "選品與庫存對接", "直播腳本策劃")):
        edit(examples / WORKSTREAMS / "douyin-live.yaml", f"name: {name}", f"name: {name}{n}")
        run(examples, "build")
        assert_as_cold(examples)
    # and back: pages named before are keyed as before
    ws = examples / WORKSTREAMS / "douyin-live.yaml"
    shutil.copy(REPO / WORKSTREAMS / "douyin-live.yaml", ws)
    run(examples, "build")
    assert_as_cold(examples)


def test_a_page_edited_by_hand_is_rendered_again(examples):
    run(examples, "build")
    page = examples / "site" / "workstream-lead-gen.html"
    text = page.read_text("utf-8")
    page.write_text(text.replace("<h1>", "<h1>X", 1)[:-1], encoding="utf-8")  # the same size
    assert page.stat().st_size == len(text.encode())
    edit(examples / WORKSTREAMS / "douyin-live.yaml", "name: 直播賬號搭建", "name: 直播賬號搭建與認證")
    run(examples, "build")
    assert page.read_text("utf-8") == text
    assert_as_cold(examples)


def test_no_cache_takes_nothing_from_before_and_records_the_keys(examples):
    run(examples, "build")
    edit(examples / WORKSTREAMS / "douyin-live.yaml", "name: 直播賬號搭建", "name: 直播賬號搭建與認證")
    result = run(examples, "build", "--no-cache")
    assert counts(result.output) is None
    pages = output.pages_of(examples / "site")
    assert "workstream-lead-gen.html" in pages and "week-2024-W23.html" in pages
    assert "index.html" not in pages  # an overview: rendered on every build
    # the next build may take them
    edit(examples / WORKSTREAMS / "douyin-live.yaml", "name: 直播腳本策劃", "name: 直播腳本策劃與彩排")
    found = counts(run(examples, "build").output)
    assert found is not None and found[1] > 0
    assert_as_cold(examples)


def test_reuse_refuses_a_file_that_is_not_as_recorded(tmp_path):
    target = tmp_path / "site"
    with output.Tree(target) as built:
        built.write("a.html", b"first")
        built.keep("a.html", "key", __import__("hashlib").sha256(b"first").hexdigest())
        built.commit("inputs")
    recorded = output.pages_of(target)
    assert recorded == {"a.html": ("key", __import__("hashlib").sha256(b"first").hexdigest())}
    (target / "a.html").write_bytes(b"fir5t")
    with output.Tree(target) as again:
        assert not again.reuse("a.html", *recorded["a.html"])
        assert not again.reuse("missing.html", *recorded["a.html"])
    (target / "a.html").write_bytes(b"first")
    with output.Tree(target) as again:
        assert again.reuse("a.html", *recorded["a.html"])
        again.commit("inputs")
    assert (target / "a.html").read_bytes() == b"first"
    assert output.pages_of(target) == recorded


def test_a_warning_the_config_makes_an_error_stops_the_build(examples):
    """The build runs only the rules whose findings can be errors: a rule that warns by
    default runs when plancode.yaml makes its code an error."""
    previous = os.getcwd()
    os.chdir(examples)
    try:
        assert CliRunner().invoke(main, ["--locale", "en", "build"]).exit_code == 0  # PC405 warns
        config = examples / "plancode.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "rules: {PC405: error}\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["--locale", "en", "build"])
    finally:
        os.chdir(previous)
    assert result.exit_code == 1
    assert "PC405 error" in result.output and "nothing was built" in result.output


def git(root: Path, *args: str, author: str = "張敏") -> None:
    subprocess.run(["git", "-c", f"user.name={author}", "-c", "user.email=plans@example.com",
                    "-c", "commit.gpgsign=false", *args], cwd=root, check=True, capture_output=True)


def test_a_commit_renders_the_pages_that_show_its_file(examples):
    """Each workstream page says when and by whom its file last changed: a commit of one
    file renders that workstream's pages (and the overviews) again, not the others."""
    git(examples, "init", "-q")
    git(examples, "add", "plans", "plancode.yaml")
    git(examples, "commit", "-qm", "plans")
    run(examples, "build")
    before = {p.name: p.stat().st_ino for p in (examples / "site").glob("workstream-*.html")}
    edit(examples / WORKSTREAMS / "lead-gen.yaml", "kind: workstream", "kind: workstream\n# reviewed")
    git(examples, "commit", "-qam", "reviewed", author="李偉")
    result = run(examples, "build")
    assert_as_cold(examples)
    after = {p.name: p.stat().st_ino for p in (examples / "site").glob("workstream-*.html")}
    assert "李偉" in (examples / "site" / "workstream-lead-gen.html").read_text("utf-8")
    assert after["workstream-lead-gen.html"] != before["workstream-lead-gen.html"]
    assert after["workstream-douyin-live.html"] == before["workstream-douyin-live.html"]
    assert counts(result.output) is not None


def test_a_build_with_a_baseline_stays_as_cold(examples):
    git(examples, "init", "-q")
    git(examples, "add", "plans", "plancode.yaml")
    git(examples, "commit", "-qm", "plans")
    run(examples, "build")
    run(examples, "build", "--baseline", "HEAD")  # another baseline: every page again
    edit(examples / WORKSTREAMS / "douyin-live.yaml", "name: 直播腳本策劃", "name: 直播腳本策劃與彩排")
    run(examples, "build", "--baseline", "HEAD")
    run(examples, "build", "--no-cache", "--baseline", "HEAD", "--out", "cold/site", "--markdown", "cold/reports")
    assert tree(examples / "site") == tree(examples / "cold" / "site")
    assert tree(examples / "reports") == tree(examples / "cold" / "reports")
    assert (examples / "site" / "baseline.html").is_file()
    # and without it again: the baseline's pages are gone, the others as cold
    run(examples, "build")
    assert not (examples / "site" / "baseline.html").exists()
    assert_as_cold(examples)


def test_page_keys_describe_what_a_page_shows_or_give_none(examples):
    """A key changes with the settings and with any task the page shows; a value it
    cannot describe (an object printed by its address) gives the page no key."""
    import dataclasses

    from plancode import views
    from plancode.render.page_keys import PageKeys
    from plancode.workspace import load_config, load_workspace

    config = load_config(None, examples, None, None)
    plan = load_workspace(config, None, examples).plan
    keys = PageKeys(plan, "settings", {}, lambda doc: doc.path)
    week = next(w for w in views.weeks(plan, config) if w.week == "2024-W23")
    assert keys.week(week) is not None and keys.workstream("douyin-live") is not None
    assert PageKeys(plan, "other settings", {}, lambda doc: doc.path).week(week) != keys.week(week)
    # the same week with one of its tasks renamed: another key
    task = plan.tasks["douyin-live/selection"]
    renamed = dict(plan.tasks, **{task.full_id: dataclasses.replace(task, name="x")})
    other = PageKeys(dataclasses.replace(plan, tasks=renamed), "settings", {}, lambda doc: doc.path)
    assert other.workstream("douyin-live") != keys.workstream("douyin-live")
    assert other.workstream("lead-gen") == keys.workstream("lead-gen")
    odd = dataclasses.replace(week, departments=(object(),))
    assert PageKeys(plan, "settings", {}, lambda doc: doc.path).week(odd) is None
    # the goal decomposition's fragments: only the renamed task's goal's rows change
    before, after = keys.goal_fragments("goals.html"), other.goal_fragments("goals.html")
    assert task.goal in before and before[task.goal] != after[task.goal]
    assert {g: k for g, k in before.items() if g != task.goal} == {g: k for g, k in after.items() if g != task.goal}
    assert set(before) == {g.id for g in plan.goals.values() if g.tasks}
    assert keys.goal_fragments("README.md")[task.goal] != before[task.goal]  # a page's own


def test_a_chart_edited_in_place_in_the_output_is_not_kept_nor_cached(examples, tmp_path):
    """A cached chart put into the reports is the output's own file: an editor writing
    into it in place changes neither the chart cache (shared by every project) nor what
    the next build writes."""
    run(examples, "build")  # draws the charts into the cache
    shutil.rmtree(examples / "reports")
    run(examples, "build")  # takes them from the cache
    chart = sorted((examples / "reports" / "charts").glob("*.svg"))[0]
    data = chart.read_bytes()
    with chart.open("r+b") as handle:  # in place, as some editors save
        handle.write(data.replace(b"<svg", b"<svg data-edited='by hand'", 1))
    cache = tmp_path / "cache" / "plancode" / "charts"
    assert not any(b"by hand" in p.read_bytes() for p in cache.glob("*.svg"))
    run(examples, "build")
    assert chart.read_bytes() == data
    assert_as_cold(examples)


def test_the_two_folders_swapped_are_not_up_to_date(examples):
    """`--out reports --markdown site` after a default build: the same inputs, but each
    folder holds the other's pages, so the build must build (the site into reports/)."""
    run(examples, "build")
    result = run(examples, "build", "--out", "reports", "--markdown", "site")
    assert "up to date" not in result.output
    assert (examples / "reports" / "index.html").is_file() and (examples / "site" / "README.md").is_file()
    run(examples, "build", "--no-cache", "--out", "cold/reports", "--markdown", "cold/site")
    assert tree(examples / "site") == tree(examples / "cold" / "site")
    assert tree(examples / "reports") == tree(examples / "cold" / "reports")
    assert "up to date" not in run(examples, "build").output  # and back
    assert_as_cold(examples)


def test_a_page_edited_by_hand_to_the_same_size_is_not_up_to_date(examples):
    """An overview page (no key) edited by hand, its size kept, and nothing else changed:
    the build builds, and the page is the cold build's again."""
    run(examples, "build")
    page = examples / "site" / "index.html"
    text = page.read_text("utf-8")
    page.write_text(text.replace("<h1>", "<h2>", 1), encoding="utf-8")  # the same size
    assert "up to date" not in run(examples, "build").output
    assert page.read_text("utf-8") == text
    assert_as_cold(examples)
    assert "up to date" in run(examples, "build").output  # and then up to date again


def fragment_entries(cache: Path) -> dict[Path, bytes]:
    folder = cache / "plancode" / fragments.FOLDER
    return {p: p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != ".pruned" and p.parent.name != "charts"}  # not the pages' charts


def test_the_rows_of_the_goals_whose_tasks_did_not_change_are_not_rendered(examples, tmp_path):
    """goals.html and README.md list every task under its goal: after one task is renamed,
    a build makes again the rows of that task's goal only (one fragment in each page),
    reads the others from the cache, and writes what a cold build writes."""
    from plancode.workspace import load_config, load_workspace

    plan = load_workspace(load_config(None, examples, None, None), None, examples).plan
    goals = [g for g in plan.goals.values() if g.tasks]
    run(examples, "build", "--no-cache")
    assert fragment_entries(tmp_path / "cache") == {}  # --no-cache keeps nothing
    run(examples, "build", "--as-of", "2024-06-14")  # another as-of: every page, every fragment
    first = fragment_entries(tmp_path / "cache")
    assert len(first) == 2 * len(goals) > 2
    edit(examples / WORKSTREAMS / "douyin-live.yaml", "name: 選品與庫存對接", "name: 選品、庫存與物流對接")
    run(examples, "--as-of", "2024-06-14", "build", "--jobs", "2")  # the workers get the fragments' keys
    made = fragment_entries(tmp_path / "cache").keys() - first.keys()
    assert len(made) == 2, made
    assert any("選品、庫存與物流對接".encode() in data for path, data in fragment_entries(tmp_path / "cache").items()
               if path in made)
    assert_as_cold(examples, "--as-of", "2024-06-14")


def test_a_fragment_not_as_it_was_written_is_not_used(examples, tmp_path):
    """A fragment holds the SHA-256 of its text: one altered or cut short in the cache is
    made again, never put into a page."""
    run(examples, "build")
    entries = fragment_entries(tmp_path / "cache")
    assert entries
    altered = {}
    for n, (path, data) in enumerate(sorted(entries.items())):
        digest, _, body = data.partition(b"\n")
        altered[path] = digest + b"\n" + (b"<p>altered</p>" + body if n % 2 else body[:-3])
        path.write_bytes(altered[path])
    edit(examples / WORKSTREAMS / "douyin-live.yaml", "name: 直播腳本策劃", "name: 直播腳本策劃與彩排")
    run(examples, "build")
    assert_as_cold(examples)
    # the entries the build needed were made again and written whole
    now = fragment_entries(tmp_path / "cache")
    assert sum(now[path] != altered[path] for path in altered) >= len(altered) - 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the keys' helper is forked on Linux only")
@pytest.mark.parametrize("helper", ["sends", "killed"])
def test_the_keys_made_by_a_helper_are_the_keys_made_here(examples, helper):
    """A large build has its page keys made by a forked helper while it prepares the
    pages: the same keys as made in the build's own process, and when the helper dies
    before sending them, the build makes them itself."""
    import signal

    from plancode import views
    from plancode.commands.build import _Keys
    from plancode.workspace import load_config, load_workspace

    config = load_config(None, examples, None, None)
    plan = load_workspace(config, None, examples).plan
    weeks = views.weeks(plan, config)
    here = _Keys(plan, config, "settings", {}, fork=False)
    assert here.helper is None
    forked = _Keys(plan, config, "settings", {}, fork=True)
    assert forked.helper is not None
    if helper == "killed":
        os.kill(forked.helper.pid, signal.SIGKILL)
    try:
        for keys in (forked, here):
            found = ([keys.workstream(w) for w in plan.workstreams], [keys.week(w) for w in weeks],
                     keys.goal_fragments("goals.html"), keys.goal_fragments("README.md"))
            assert all(found[0]) and all(found[1]) and found[2] and found[3]
            if keys is forked:
                made = found
                assert bool(forked.found) == (helper == "sends")  # taken from the helper, or made here
        assert made == found
    finally:
        forked.close()
    assert not Path(f"/proc/{forked.helper.pid}").exists()
