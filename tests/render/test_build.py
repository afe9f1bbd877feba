"""``plancode build`` (issue #4): the site and the reports written where they belong,
byte-identical for the same plans, replaced whole and atomically, never over a folder
that is not plancode's, and charts drawn once."""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import cli_in
from plancode.cli import main
from plancode.render import output

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory) -> Path:
    """A chart cache the tests share: drawing is what makes a build slow."""
    return tmp_path_factory.mktemp("shared-cache")


@pytest.fixture
def examples(tmp_path: Path, monkeypatch, shared_cache: Path) -> Path:
    """A copy of the example repository (plancode.yaml + plans/), with the shared cache."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "plancode.yaml", root / "plancode.yaml")
    shutil.copytree(REPO / "plans", root / "plans")
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    return root


@pytest.fixture
def fresh(examples: Path, tmp_path: Path, monkeypatch) -> Path:
    """The example repository with an empty chart cache of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return examples


def run(cwd: Path, *args: str):
    return cli_in(cwd, "--locale", "en", *args)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_the_site_and_the_reports_beside_the_config(fresh):
    examples = fresh
    result = run(examples / "plans", "build")  # from a sub-folder: paths are the config's
    assert result.exit_code == 0, result.output
    site, reports = examples / "site", examples / "reports"
    assert (site / "index.html").is_file() and (site / "static" / "site.css").is_file()
    assert (site / "workstream-douyin-live.html").is_file() and (site / "week-2024-W23.html").is_file()
    assert (reports / "charts" / "burnup.svg").is_file()
    assert not list((reports / "charts").glob("gantt-*.svg"))  # the reports' Gantt is Mermaid
    assert not (site / "charts").exists()  # the site draws its charts in its pages
    assert (site / output.MARKER).is_file() and (reports / output.MARKER).is_file()
    assert (reports / "README.md").is_file()
    pages = len(list(site.glob("*.html")))
    lines = result.output.splitlines()
    assert lines[0] == f"site: {pages} pages, {len(tree(site))} files written to {site.as_posix()}/"
    assert lines[1].startswith("reports: ") and lines[1].endswith(f"written to {reports.as_posix()}/")
    assert lines[2] == "charts: 6 drawn, 0 cached"
    assert not list(examples.glob(".*plancode-*"))  # no staging folder left behind


def test_a_second_build_of_unchanged_plans_stops_early_and_touches_nothing(fresh):
    examples = fresh
    assert run(examples, "build").exit_code == 0
    site = {p: p.stat().st_mtime_ns for p in (examples / "site").rglob("*")}

    result = run(examples, "build")
    assert result.exit_code == 0, result.output
    assert result.output == ("site/ and reports/ are up to date: no plan, setting or history changed since they "
                             "were built (--no-cache builds anyway)\n")
    assert {p: p.stat().st_mtime_ns for p in (examples / "site").rglob("*")} == site


@pytest.mark.parametrize("change", ["plan", "config", "option", "history"])
def test_any_change_to_the_inputs_builds_again(fresh, change):
    examples = fresh
    assert run(examples, "build").exit_code == 0
    args = ["build"]
    if change == "plan":
        ws = examples / "plans" / "2024" / "workstreams" / "douyin-live.yaml"
        ws.write_text(ws.read_text(encoding="utf-8").replace("直播腳本策劃", "直播腳本策劃與彩排", 1), encoding="utf-8")
    elif change == "config":
        config = examples / "plancode.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    elif change == "option":
        args = ["--as-of", "2024-06-30", "build"]
    else:  # the pages show each plan file's last commit: committing them changes the site
        git = ["git", "-c", "user.name=張敏", "-c", "user.email=zhang@example.com"]
        subprocess.run(["git", "init", "-q"], cwd=examples, check=True)
        subprocess.run([*git, "add", "plans", "plancode.yaml"], cwd=examples, check=True)
        subprocess.run([*git, "commit", "-qm", "plans"], cwd=examples, check=True)
    result = run(examples, *args)
    assert result.exit_code == 0, result.output
    assert "up to date" not in result.output and "charts: " in result.output
    if change == "plan":
        assert "直播腳本策劃與彩排" in (examples / "site" / "workstream-douyin-live.html").read_text("utf-8")
    if change == "history":
        assert "張敏" in (examples / "site" / "index.html").read_text("utf-8")


def test_a_build_into_new_folders_draws_no_chart_and_writes_the_same_bytes(fresh, tmp_path):
    examples = fresh
    assert run(examples, "build").exit_code == 0
    first_site, first_reports = tree(examples / "site"), tree(examples / "reports")
    cached = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "plancode").rglob("*.svg")}
    # burn-up, load, two achievement and two KPI charts: as files for the reports, and as
    # the site draws them in its pages
    assert len([p for p in cached if p.parent.name == "charts" and p.parent.parent.name == "plancode"]) == 6
    assert len(cached) == 12

    result = run(examples, "build", "--out", "again/site", "--markdown", "again/reports")
    assert result.exit_code == 0, result.output
    assert "charts: 0 drawn, 6 cached" in result.output.splitlines()
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "plancode").rglob("*.svg")} == cached
    assert tree(examples / "again" / "site") == first_site
    assert tree(examples / "again" / "reports") == first_reports

    # without the cache every chart is drawn again, to the same bytes, and in one process
    # as in several
    for jobs in ("1", "2"):
        result = run(examples, "build", "--no-cache", "--jobs", jobs, "--out", "fresh/site", "--markdown",
                     "fresh/reports")
        assert "charts: 6 drawn, 0 cached" in result.output.splitlines()
        assert "Building" not in result.output  # not a terminal: no progress bar
        assert tree(examples / "fresh" / "site") == first_site
        assert tree(examples / "fresh" / "reports") == first_reports


def test_output_paths_on_the_command_line_are_relative_to_the_working_directory(examples):
    (examples / "work").mkdir()
    result = run(examples / "work", "build", "--out", "public", "--markdown", "docs/reports")
    assert result.exit_code == 0, result.output
    assert (examples / "work" / "public" / "index.html").is_file()
    assert (examples / "work" / "docs" / "reports" / "README.md").is_file()
    assert not (examples / "site").exists()


def test_refuses_to_replace_a_folder_plancode_did_not_make(examples):
    user = examples / "site"
    user.mkdir()
    (user / "notes.txt").write_text("mine", encoding="utf-8")
    result = run(examples, "build")
    assert result.exit_code == 2
    assert "site is not empty and was not made by plancode (it has no .plancode-build file)" in result.output
    assert tree(user) == {"notes.txt": b"mine"}
    assert not (examples / "reports").exists()  # refused before anything was written


def test_an_empty_folder_is_used(examples):
    (examples / "site").mkdir()
    assert run(examples, "build").exit_code == 0
    assert (examples / "site" / "index.html").is_file()


def test_a_file_in_the_way_is_refused(examples):
    (examples / "reports").write_text("not a folder", encoding="utf-8")
    result = run(examples, "build")
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output


def test_the_two_outputs_must_be_different_folders(examples):
    result = run(examples, "build", "--out", "out", "--markdown", "out/reports")
    assert result.exit_code == 2
    assert "two different folders" in result.output


def test_plans_with_errors_build_nothing(examples):
    ws = examples / "plans" / "2024" / "workstreams" / "douyin-live.yaml"
    ws.write_text(ws.read_text(encoding="utf-8").replace("owner: chen.jie", "owner: nobody", 1), encoding="utf-8")
    result = run(examples, "build")
    assert result.exit_code == 1
    assert "PC202" in result.output
    assert "nothing was built" in result.output
    assert not (examples / "site").exists() and not (examples / "reports").exists()


def test_a_rebuild_replaces_the_whole_tree(examples):
    assert run(examples, "build").exit_code == 0
    (examples / "site" / "stale.html").write_text("old", encoding="utf-8")
    (examples / "plans" / "2024" / "workstreams" / "loyalty.yaml").unlink()
    assert run(examples, "build").exit_code == 0
    assert not (examples / "site" / "stale.html").exists()
    assert not (examples / "site" / "workstream-loyalty.html").exists()
    assert not (examples / "reports" / "charts" / "gantt-loyalty.svg").exists()
    assert (examples / "site" / "workstream-douyin-live.html").is_file()


def test_a_failed_write_leaves_the_previous_tree_whole(tmp_path):
    target = tmp_path / "site"
    output.write_tree({"index.html": b"v1", "charts/a.svg": b"<svg/>"}, target)
    before = tree(target)
    # "page" is written as a file, then "page/inner.html" cannot be: the build dies midway
    with pytest.raises(OSError):
        output.write_tree({"index.html": b"v2", "page": b"x", "page/inner.html": b"y"}, target)
    assert tree(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the staging folder is gone


def test_generated_paths_stay_inside_the_tree(tmp_path):
    for bad in ("../escape.html", "/etc/passwd", "a/../../b", ".plancode-build", "a\\b"):
        with pytest.raises(ValueError):
            output.write_tree({bad: b"x"}, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_a_baseline_revision_is_read_from_git(examples):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "plans"]):
        subprocess.run(command, cwd=examples, check=True, env=env)
    ws = examples / "plans" / "2024" / "workstreams" / "douyin-live.yaml"
    ws.write_text(ws.read_text(encoding="utf-8").replace("end: 2024-06-20", "end: 2024-06-22"), encoding="utf-8")
    plain = run(examples, "build", "--out", "plain", "--markdown", "plain-reports")
    assert plain.exit_code == 0, plain.output
    result = run(examples, "build", "--baseline", "HEAD")
    assert result.exit_code == 0, result.output
    assert "baseline: task dates of HEAD drawn behind the Gantt bars" in result.output
    baseline_bars = re.findall(r'class="g-baseline"', (examples / "site" / "workstream-douyin-live.html").read_text("utf-8"))
    assert baseline_bars and not re.findall(r'class="g-baseline"', (examples / "plain" / "workstream-douyin-live.html").read_text("utf-8"))

    missing = run(examples, "build", "--baseline", "no-such-revision")
    assert missing.exit_code == 2
    assert "no-such-revision" in missing.output
    assert "Traceback" not in missing.output


def test_a_progress_bar_on_a_terminal(fresh):
    examples = fresh
    master, slave = os.openpty()
    env = dict(os.environ, COLUMNS="100")
    process = subprocess.Popen([sys.executable, "-m", "plancode", "--locale", "en", "build"], cwd=examples,
                               stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert process.wait(timeout=60) == 0, seen.decode(errors="replace")
    text = seen.decode("utf-8", errors="replace")
    total = re.findall(r"Building.*?(\d+)/(\d+)", text)
    assert total and total[-1][0] == total[-1][1], text  # charts and pages, counted to the end
    assert "charts: 6 drawn, 0 cached" in text


def test_messages_in_chinese(examples):
    previous = os.getcwd()
    os.chdir(examples)
    try:
        result = CliRunner().invoke(main, ["build"], catch_exceptions=False)  # the config's zh-CN
    finally:
        os.chdir(previous)
    assert result.exit_code == 0
    assert re.search(r"^圖表:繪製 \d+ 個,緩存 \d+ 個$", result.output, re.M)
    assert "網站:" in result.output and "已寫入" in result.output


def test_cached_charts_are_copied_into_the_outputs_with_a_written_files_permissions(fresh, tmp_path):
    examples = fresh
    assert run(examples, "build").exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    cache = sorted((tmp_path / "cache" / "plancode" / "charts").glob("*.svg"))
    assert cache and all(p.stat().st_mode & 0o777 == 0o666 & ~umask for p in cache)
    first = tree(examples / "reports")
    for private in cache[:3]:  # as older versions wrote them: the copies get a written file's mode
        private.chmod(0o600)
    result = run(examples, "build", "--out", "again/site", "--markdown", "again/reports")
    assert "charts: 0 drawn, 6 cached" in result.output
    charts = sorted((examples / "again" / "reports" / "charts").glob("*.svg"))
    assert all(p.stat().st_mode & 0o777 == 0o666 & ~umask for p in charts)
    # copies, never links: an edit in place in the output must not reach the cache
    assert all(p.stat().st_nlink == 1 for p in charts)
    assert tree(examples / "again" / "reports") == first
    # the cache replaces an entry: the output keeps its bytes
    copied = next(p for p in charts if p.name.startswith("achievement"))
    source = next(p for p in cache if p.read_bytes() == copied.read_bytes())
    before = copied.read_bytes()
    replacement = source.with_suffix(".tmp")
    replacement.write_text("<svg>changed</svg>", encoding="utf-8")
    os.replace(replacement, source)
    assert copied.read_bytes() == before
