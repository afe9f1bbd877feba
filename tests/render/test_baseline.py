"""``plancode build --baseline REV`` and the plan files' history (issue #5): the "changes
since baseline" page of the site and of the Markdown reports, and who changed each plan
file last — from real git repositories made in temp dirs, through the real command.

A quarter's story: the plans are tagged 2024-Q2 by 李偉; on 2024-07-01 張敏 moves the
script three days later and the first live show (a milestone) twelve, adds a rehearsal
before it and drops the store batch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from plancode.render.baseline import since_baseline, slip
from plancode.render.labels import Labels
from plancode.render.markdown import markdown_files
from plancode.render.site import NAV, site_files

from conftest import STRATEGY, TEAM, PlanRepo
from test_history import GitRepo, new_repo
from test_site import Page

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command line")

LIVE = """\
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
owner: li.wei
tasks:
  - {id: account, name: 直播賬號搭建, owner: chen.jie, start: 2024-06-01, end: 2024-06-10, progress: 100,
     deliverable: 賬號完成企業認證}
  - {id: script, name: 直播腳本策劃, owner: wang.fang, after: [account], start: 2024-06-10, end: 2024-06-20,
     deliverable: 腳本審核通過}
  - {id: first-live, name: 首場直播執行, owner: chen.jie, after: [script], milestone: true,
     start: 2024-06-25, end: 2024-06-25, deliverable: 首場直播完成}
"""

STORES = """\
kind: workstream
id: stores
title: 線下門店拓展
goal: sales-up-30
owner: zhang.min
tasks:
  - {id: batch1, name: 拓展5家新門店, owner: wang.fang, start: 2024-06-03, end: 2024-06-14, deliverable: 簽約5家門店}
"""


@pytest.fixture
def quarter(tmp_path, monkeypatch) -> GitRepo:
    """The plans at 2024-Q2 (by 李偉, 2024-04-01), then 張敏's change of 2024-07-01."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = new_repo(tmp_path / "plans-repo")
    repo.write("plans/team.yaml", TEAM)
    repo.write("plans/strategy.yaml", STRATEGY)
    repo.write("plans/live.yaml", LIVE)
    repo.write("plans/stores.yaml", STORES)
    repo.commit("2024 Q2 計劃")
    repo.git("tag", "2024-Q2")
    repo.edit("plans/live.yaml", "start: 2024-06-10, end: 2024-06-20", "start: 2024-06-10, end: 2024-06-23")
    repo.edit("plans/live.yaml", "after: [script], milestone: true,\n     start: 2024-06-25, end: 2024-06-25",
              "after: [rehearsal], milestone: true,\n     start: 2024-07-07, end: 2024-07-07")
    repo.edit("plans/live.yaml", "  - {id: first-live", "  - {id: rehearsal, name: 直播彩排, owner: chen.jie, "
              "after: [script], start: 2024-07-01, end: 2024-07-05,\n     deliverable: 彩排完成}\n  - {id: first-live")
    (repo.root / "plans/stores.yaml").unlink()
    repo.commit("Q3: 首場直播延期", author="張敏", date="2024-07-01T10:00:00+08:00")
    return repo


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def gfm(markdown: str) -> Page:
    return Page(cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE))


# --- the baseline page, built by the real command ----------------------------------------------

def test_the_site_shows_each_tasks_slip_since_the_baseline(quarter):
    result = quarter.run("build", "--baseline", "2024-Q2")
    assert result.exit_code == 0, result.output
    assert "changes since 2024-Q2: 2 slipped, 2 moved, 1 added, 1 removed (baseline.html, baseline.md)" in (
        result.output.splitlines())

    site = quarter.root / "site"
    page = Page((site / "baseline.html").read_text("utf-8"))
    # the summary at the top: how many slipped, and the worst
    assert "2 Tasks slipped" in page.text
    assert "+12 days Largest slip: 首場直播執行" in page.text
    rows = {cells[0].split(" ")[0]: cells for cells in page.rows("baseline-table")[1:]}
    assert rows["直播腳本策劃"][3:] == ["2024-06-10 – 2024-06-20", "2024-06-10 – 2024-06-23", "0", "+3 days", "Moved"]
    assert rows["首場直播執行"][3:] == ["2024-06-25", "2024-07-07", "+12 days", "+12 days", "Moved"]
    assert rows["直播彩排"][3:] == ["—", "2024-07-01 – 2024-07-05", "—", "—", "Added"]
    assert rows["拓展5家新門店"][1:] == ["線下門店拓展", "王芳", "2024-06-03 – 2024-06-14", "—", "—", "—", "Removed"]
    assert rows["直播賬號搭建"][5:] == ["0", "0", "Unchanged"]
    assert list(rows) == ["直播賬號搭建", "直播腳本策劃", "直播彩排", "首場直播執行", "拓展5家新門店"]  # plan order
    # a section for the milestone, with the tasks leading to it that changed
    assert page.find("section", id="milestone-douyin-live/first-live")
    leading = [cells[0].split(" ")[0] for cells in page.rows("table-1")[1:]]
    assert leading == ["直播腳本策劃", "直播彩排"]
    # removed tasks have no page to link to; the others link to their row
    assert page.find("a", href="workstream-douyin-live.html#task-script")

    # every page links the baseline page, after the usual navigation
    for name in ("index.html", "workstream-douyin-live.html", "baseline.html"):
        nav = [a["href"] for a in Page((site / name).read_text("utf-8")).find("a") if "href" in a]
        assert nav[1:len(NAV) + 2] == [href for _, href in NAV] + ["baseline.html"], name


def test_the_reports_have_baseline_md_linked_from_the_index(quarter):
    assert quarter.run("build", "--baseline", "2024-Q2").exit_code == 0
    reports = quarter.root / "reports"
    index = gfm((reports / "README.md").read_text("utf-8"))
    assert index.find("a", href="baseline.md")
    assert "Changes since baseline: slipped: 2 (max +12 days: 首場直播執行)" in index.text

    page = gfm((reports / "baseline.md").read_text("utf-8"))
    assert "Tasks slipped: 2" in page.text and "Largest slip: +12 days: 首場直播執行" in page.text
    assert "◆ 首場直播執行 (Moved)" in page.text  # the milestone's own section
    table = page.rows("table-2")  # after the milestone's table of leading tasks
    assert table[0] == ["Task", "Workstream", "Owner", "Baseline dates", "Current dates", "Start moved",
                        "End moved", "Change"]
    by_task = {row[0]: row for row in table[1:]}
    assert by_task["直播腳本策劃"][5:] == ["0", "+3 days", "Moved"]
    assert by_task["◆ 首場直播執行"][3:] == ["2024-06-25", "2024-07-07", "+12 days", "+12 days", "Moved"]
    assert by_task["拓展5家新門店"][1] == "線下門店拓展"  # no link: the workstream is gone
    assert page.find("a", href="workstreams/douyin-live.md")
    assert not page.find("a", href="workstreams/stores.md")


def test_in_chinese_a_slip_reads_plus_days(quarter):
    assert quarter.run("--locale", "zh-TW", "build", "--baseline", "2024-Q2").exit_code == 0
    page = Page((quarter.root / "site" / "baseline.html").read_text("utf-8"))
    assert "基線以來的變化" in page.text
    assert "+12 天 最大延期: 首場直播執行" in page.text
    rows = {cells[0].split(" ")[0]: cells for cells in page.rows("baseline-table")[1:]}
    assert rows["直播腳本策劃"][6:] == ["+3 天", "日期調整"]
    readme = (quarter.root / "reports" / "README.md").read_text("utf-8")
    assert "[基線以來的變化](baseline.md): 延期 2 項(最多 +12 天:首場直播執行)" in readme


def test_a_baseline_build_is_byte_identical_twice(quarter):
    assert quarter.run("build", "--baseline", "2024-Q2").exit_code == 0
    again = quarter.run("build", "--baseline", "2024-Q2", "--out", "again/site", "--markdown", "again/reports")
    assert again.exit_code == 0, again.output
    assert files(quarter.root / "site") == files(quarter.root / "again" / "site")
    assert files(quarter.root / "reports") == files(quarter.root / "again" / "reports")


def test_without_a_baseline_there_is_no_baseline_page(quarter):
    assert quarter.run("build").exit_code == 0
    assert not (quarter.root / "site" / "baseline.html").exists()
    assert not (quarter.root / "reports" / "baseline.md").exists()
    assert "baseline.html" not in (quarter.root / "site" / "index.html").read_text("utf-8")
    assert "baseline.md" not in (quarter.root / "reports" / "README.md").read_text("utf-8")


def test_a_baseline_file_that_cannot_be_read_is_named_and_its_tasks_are_not_called_added(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = new_repo(tmp_path / "plans-repo")
    repo.write("plans/team.yaml", TEAM)
    repo.write("plans/strategy.yaml", STRATEGY)
    repo.write("plans/live.yaml", LIVE)
    repo.write("plans/stores.yaml", STORES.replace("tasks:\n", "tasks: [\n"))  # broken at the baseline
    repo.commit("計劃")
    repo.git("tag", "base")
    repo.write("plans/stores.yaml", STORES)
    repo.commit("修正門店計劃")

    result = repo.run("build", "--baseline", "base")
    assert result.exit_code == 0, result.output
    assert "1 files of base could not be read; their tasks are not compared" in result.output
    page = Page((repo.root / "site" / "baseline.html").read_text("utf-8"))
    assert page.find("div", id="unreadable")
    assert "plans/stores.yaml" in page.text
    assert "拓展5家新門店" not in page.text  # unknown at the baseline, not "added"
    report = (repo.root / "reports" / "baseline.md").read_text("utf-8")
    assert "could not be read" in report and "plans/stores.yaml" in report


def test_an_unknown_baseline_revision_is_exit_2(quarter):
    result = quarter.run("build", "--baseline", "2023-Q4")
    assert result.exit_code == 2
    assert "unknown revision 2023-Q4" in result.output
    assert not (quarter.root / "site").exists()


# --- the plan files' history --------------------------------------------------------------------

def test_the_dashboard_and_workstream_pages_say_who_changed_each_file_last(quarter):
    assert quarter.run("build").exit_code == 0
    site = quarter.root / "site"
    dashboard = Page((site / "index.html").read_text("utf-8"))
    table = {cells[0].split(" ")[0]: cells for cells in dashboard.rows("plan-files-table")[1:]}
    assert list(table) == ["plans/live.yaml", "plans/strategy.yaml", "plans/team.yaml"]
    assert table["plans/live.yaml"] == ["plans/live.yaml 抖音直播帶貨計劃", "Workstream", "2024-07-01", "張敏"]
    assert table["plans/team.yaml"][1:] == ["Team", "2024-04-01", "李偉"]
    assert dashboard.find("a", href="workstream-douyin-live.html")
    workstream = Page((site / "workstream-douyin-live.html").read_text("utf-8"))
    assert "Last changed 2024-07-01 by 張敏" in workstream.text

    assert quarter.run("--locale", "zh-TW", "build").exit_code == 0
    workstream = (site / "workstream-douyin-live.html").read_text("utf-8")
    assert '<p class="note last-changed">最後修改:2024-07-01 張敏</p>' in workstream


def test_a_file_not_committed_yet_says_so(quarter):
    quarter.write("plans/new-stores.yaml", STORES)
    assert quarter.run("build").exit_code == 0
    dashboard = Page((quarter.root / "site" / "index.html").read_text("utf-8"))
    row = dashboard.row("plan-files-table", "plans/new-stores.yaml")[1]
    assert row[1:] == ["Workstream", "not committed yet"]
    assert "Last changed" not in (quarter.root / "site" / "workstream-stores.html").read_text("utf-8")


def test_outside_git_the_site_builds_without_history(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = PlanRepo(tmp_path / "plain")
    repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\n")
    repo.write("plans/team.yaml", TEAM)
    repo.write("plans/strategy.yaml", STRATEGY)
    repo.write("plans/live.yaml", LIVE)
    result = repo.run("build")
    assert result.exit_code == 0, result.output
    site = repo.root / "site"
    assert 'id="plan-files"' not in (site / "index.html").read_text("utf-8")
    assert "last-changed" not in (site / "workstream-douyin-live.html").read_text("utf-8")
    assert "Last changed" not in "".join(p.read_text("utf-8") for p in site.glob("*.html"))


# --- escaping, in memory ---------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script> | **x** [l](javascript:alert(1))'


def test_plan_text_on_the_baseline_pages_renders_as_text(base_repo):
    base_repo.write("plans/live.yaml", LIVE)
    base = base_repo.workspace().plan
    base_repo.write("plans/live.yaml", LIVE.replace("name: 直播腳本策劃", f"name: {HOSTILE!r}").replace(
        "end: 2024-06-20", "end: 2024-06-22"))
    ws = base_repo.workspace()
    assert ws.plan.tasks["douyin-live/script"].name == HOSTILE
    changes = since_baseline(base, ws.plan, "<b>rev</b>")
    labels = Labels("en")
    site = site_files(ws.plan, ws.config, labels, {}, since_baseline=changes,
                      last_changes={"plans/live.yaml": (base.as_of, "<i>張敏</i>")})
    html = site["baseline.html"].decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>rev</b>" not in html and "&lt;b&gt;rev&lt;/b&gt;" in html
    assert "<i>張敏</i>" not in site["index.html"].decode()
    assert "&lt;i&gt;張敏&lt;/i&gt;" in site["workstream-douyin-live.html"].decode()

    md = markdown_files(ws.plan, ws.config, labels, {}, since_baseline=changes)["baseline.md"].decode()
    page = gfm(md)
    assert not page.find("script") and not [a for a in page.find("a") if a.get("href", "").startswith("javascript")]
    by_task = {row[0]: row for row in page.rows("table-1")[1:]}
    assert by_task[HOSTILE][6:] == ["+2 days", "Moved"]  # the whole name, as text, in its own cell
    assert "Baseline: <b>rev</b>" in page.text


def test_slips_are_signed_days():
    en, zh = Labels("en"), Labels("zh-TW")
    assert [slip(d, en) for d in (None, 0, 1, 3, -1, -8)] == ["—", "0", "+1 day", "+3 days", "−1 day", "−8 days"]
    assert [slip(d, zh) for d in (3, -2)] == ["+3 天", "−2 天"]
