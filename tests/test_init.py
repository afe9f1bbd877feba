"""`plancode init`: a new plan repository whose example is clean on the day it is made,
with schemas, editor settings, workflow, pre-commit config and .gitattributes; it never
replaces a file."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import os
import re
from pathlib import Path

import pytest

from conftest import cli_in
from plancode.commands.init import TEXTCONV, example_monday, starter_files
from plancode.validate import schema_text

EXPECTED = [
    "plancode.yaml", "plans/team.yaml", "plans/2024/strategy.yaml",
    "plans/2024/workstreams/douyin-live.yaml", "plans/2024/reports/2024-W23-marketing.yaml",
    "plans/2024/reviews/2024-Q1.yaml", ".github/workflows/plans.yml", ".github/workflows/notify.yml", ".pre-commit-config.yaml",
    ".gitattributes", ".gitignore", ".vscode/settings.json",
    "schema/config.schema.json", "schema/defs.schema.json", "schema/team.schema.json",
    "schema/strategy.schema.json", "schema/workstream.schema.json", "schema/report.schema.json",
    "schema/review.schema.json",
]


def run(cwd: Path, *args: str):
    return cli_in(cwd, *args)


def init(tmp_path: Path, day: str = "2024-06-15", *extra: str):
    return run(tmp_path, "--locale", "en", "--as-of", day, "init", "team-plans", *extra)


def test_init_writes_a_plan_repository_and_says_what_it_created(tmp_path):
    result = init(tmp_path)
    assert result.exit_code == 0, result.output
    target = tmp_path / "team-plans"
    written = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file() and ".git" not in p.relative_to(target).parts)
    assert written == sorted(EXPECTED)
    for name in EXPECTED:
        assert f"created  team-plans/{name}" in result.output
    assert "19 files created, 0 skipped in team-plans" in result.output
    # a git repository on the branch the workflow deploys, with a textconv that needs no PATH
    assert "initialised a git repository on branch main" in result.output
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=target, capture_output=True, text=True, check=True).stdout.strip()

    assert git("symbolic-ref", "--short", "HEAD") == "main"
    assert git("config", "diff.plancode.textconv") == TEXTCONV
    assert " -m plancode textconv" in TEXTCONV


@pytest.mark.parametrize("locale, title", [("zh-TW", "抖音直播帶貨計劃"), ("zh-CN", "抖音直播带货计划"),
                                           ("en", "Douyin live-stream sales")])
def test_the_example_is_in_the_locale_and_has_every_kind_and_check_finds_it_clean(tmp_path, locale, title):
    run(tmp_path, "--locale", locale, "--as-of", "2024-06-15", "init", "team-plans")
    target = tmp_path / "team-plans"
    kinds = sorted(re.search(r"^kind: (\w+)", p.read_text("utf-8"), re.M)[1]
                   for p in (target / "plans").rglob("*.yaml"))
    assert kinds == ["report", "review", "strategy", "team", "workstream"]
    assert title in (target / "plans/2024/workstreams/douyin-live.yaml").read_text("utf-8")
    assert f"locale: {locale} " in (target / "plancode.yaml").read_text("utf-8")
    checked = run(target, "--locale", "en", "--as-of", "2024-06-15", "check")
    assert checked.exit_code == 0, checked.output
    assert checked.output == "5 files checked, no problems\n"


def test_the_simplified_example_has_no_traditional_character_and_its_site_neither(tmp_path):
    """zh-CN: the starter plans, check's output and every page and report of the built
    site read the same after OpenCC's own t2s: no Traditional character is left."""
    import opencc

    t2s = opencc.OpenCC("t2s").convert
    run(tmp_path, "--locale", "zh-CN", "--as-of", "2024-06-15", "init", "team-plans")
    target = tmp_path / "team-plans"
    texts = {str(p): p.read_text("utf-8") for p in (target / "plans").rglob("*.yaml")}
    checked = run(target, "--as-of", "2024-06-20", "check")
    assert "已检查 5 个文件" in checked.output, checked.output
    texts["check"] = checked.output
    built = run(target, "--as-of", "2024-06-20", "build", "--out", "site", "--markdown", "reports")
    assert built.exit_code == 0, built.output
    texts["build"] = built.output
    pages = [*(target / "site").rglob("*.html"), *(target / "reports").rglob("*.md")]
    assert len(pages) > 5
    texts.update({str(p): p.read_text("utf-8") for p in pages})
    assert "总览" in texts[str(target / "site/index.html")]
    left = {name: sorted({c for c, s in zip(text, t2s(text)) if c != s}) for name, text in texts.items()}
    assert {name: chars for name, chars in left.items() if chars} == {}


@pytest.mark.parametrize("day", ["2024-01-02", "2024-02-29", "2024-06-15", "2024-09-30", "2024-12-02",
                                 "2024-12-30", "2025-03-09", "2026-11-23"])
def test_the_example_is_clean_on_the_day_it_is_created(tmp_path, day):
    """Its dates sit around the day it is made: a finished task, one in progress with last
    week's report, the next ones to come — so the first `plancode check` is clean."""
    assert init(tmp_path, day).exit_code == 0
    checked = run(tmp_path / "team-plans", "--locale", "en", "--as-of", day, "check", "--strict")
    assert checked.exit_code == 0, checked.output
    assert checked.output.endswith("no problems\n")


@pytest.mark.parametrize("later", ["2024-07-01", "2024-08-20", "2024-12-31"])
def test_as_time_passes_the_example_earns_warnings_never_errors(tmp_path, later):
    init(tmp_path, "2024-06-15")
    checked = run(tmp_path / "team-plans", "--locale", "en", "--as-of", later, "check")
    assert checked.exit_code == 0, checked.output
    assert " 0 errors" in checked.output.splitlines()[-1]


def test_the_example_stays_within_one_year():
    for day in (dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 12, 1)):
        monday = example_monday(day)
        assert monday.weekday() == 0
        assert (monday - dt.timedelta(days=35)).year == (monday + dt.timedelta(days=28)).year
        assert monday >= day - dt.timedelta(days=6)  # never a past year's example


def test_init_is_deterministic_for_a_day():
    assert starter_files(dt.date(2024, 6, 15)) == starter_files(dt.date(2024, 6, 15))
    assert starter_files(dt.date(2024, 6, 15)) == starter_files(dt.date(2024, 6, 16))  # same week


def test_init_never_replaces_a_file_it_skips_it_and_says_so(tmp_path):
    mine = "title: 我們自己的計劃\nplans: plans\n"
    (tmp_path / "team-plans").mkdir()
    (tmp_path / "team-plans/plancode.yaml").write_text(mine, encoding="utf-8")
    result = init(tmp_path)
    assert result.exit_code == 0
    assert "skipped  team-plans/plancode.yaml (it exists; left as it is)" in result.output
    assert (tmp_path / "team-plans/plancode.yaml").read_text("utf-8") == mine
    assert "18 files created, 1 skipped" in result.output
    again = init(tmp_path)
    assert "0 files created, 19 skipped" in again.output
    assert "Next:" not in again.output


def test_init_has_no_force_option(tmp_path):
    result = init(tmp_path, "2024-06-15", "--force")
    assert result.exit_code == 2
    assert re.search(r"No such option.*--force", result.output)


def test_init_in_the_current_folder_and_in_chinese(tmp_path):
    result = run(tmp_path, "--locale", "zh-CN", "--as-of", "2024-06-15", "init")
    assert result.exit_code == 0
    assert "已建立  plancode.yaml" in result.output
    assert "已在 . 建立 19 个文件,略过 0 个" in result.output
    assert "抖音直播带货计划" in (tmp_path / "plans/2024/workstreams/douyin-live.yaml").read_text("utf-8")


def test_the_schemas_are_plancodes_and_every_modeline_and_editor_mapping_resolves(tmp_path):
    init(tmp_path)
    target = tmp_path / "team-plans"
    for kind in ("team", "strategy", "workstream", "report", "review", "config", "defs"):
        assert (target / f"schema/{kind}.schema.json").read_text("utf-8") == schema_text(kind)
    plan_files = [target / "plancode.yaml", *(target / "plans").rglob("*.yaml")]
    for path in plan_files:
        first = path.read_text("utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path}: no modeline"
        kind = "config" if path.name == "plancode.yaml" else re.search(
            r"^kind: (\w+)", path.read_text("utf-8"), re.M)[1]
        assert (path.parent / match[1]).resolve() == (target / f"schema/{kind}.schema.json").resolve()
    settings = json.loads((target / ".vscode/settings.json").read_text("utf-8"))
    mapped: dict[str, str] = {}
    for schema, globs in settings["yaml.schemas"].items():
        assert (target / schema).is_file(), schema
        for path in plan_files:
            relative = path.relative_to(target).as_posix()
            if any(fnmatch.fnmatch(relative, glob) for glob in globs):
                mapped[relative] = Path(schema).name
    assert len(mapped) == len(plan_files)  # every example file is mapped, once
    assert mapped["plans/2024/workstreams/douyin-live.yaml"] == "workstream.schema.json"


def test_gitattributes_routes_plan_files_through_the_textconv(tmp_path):
    init(tmp_path)
    text = (tmp_path / "team-plans/.gitattributes").read_text("utf-8")
    assert "plans/**/*.yaml diff=plancode" in text.splitlines()
    assert 'git config diff.plancode.textconv "plancode textconv"' in text  # and the python -m form
    config = (tmp_path / "team-plans/.pre-commit-config.yaml").read_text("utf-8")
    assert re.search(r"rev: (v\d+\.\d+\.\d+|main)$", config, re.M) and "id: plancode-check" in config


def test_the_next_weekly_report_of_the_example_carries_over_last_weeks_partial_item(tmp_path):
    run(tmp_path, "--locale", "zh-TW", "--as-of", "2024-06-15", "init", "team-plans")
    target = tmp_path / "team-plans"
    result = run(target, "--as-of", "2024-06-15", "new", "report", "--department", "marketing", "--stdout")
    assert result.exit_code == 0, result.output
    assert "week: 2024-W24" in result.output
    assert "# 延續:2024-W23 部分完成\n  - task: douyin-live/selection" in result.output


def test_the_installed_wheel_carries_the_starter_files(tmp_path, installed_wheel):
    """`plancode init` from the wheel alone (not this checkout): the starter files and the
    schemas are package data."""
    import subprocess
    import sys

    target, elsewhere = installed_wheel, tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    plancode = [sys.executable, "-m", "plancode", "--locale", "en", "--as-of", "2024-06-15"]
    made = subprocess.run([*plancode, "init", "plans-repo"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "19 files created" in made.stdout
    located = subprocess.run([sys.executable, "-c", "import plancode.starter as s; print(s.__file__)"],
                             cwd=elsewhere, env=env, capture_output=True, text=True).stdout
    assert located.startswith(str(target))
    checked = subprocess.run([*plancode, "check"], cwd=elsewhere / "plans-repo", env=env, capture_output=True,
                             text=True)
    assert checked.returncode == 0 and checked.stdout.endswith("no problems\n"), checked.stdout + checked.stderr


def test_git_diff_reads_plans_through_the_textconv_without_plancode_on_path(tmp_path):
    import subprocess

    init(tmp_path)
    target = tmp_path / "team-plans"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}
    assert subprocess.run(["sh", "-c", "command -v plancode"], env=env, capture_output=True).returncode != 0
    subprocess.run(["git", "add", "-A"], cwd=target, env=env, check=True)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=target, env=env, check=True)
    ws = target / "plans/2024/workstreams/douyin-live.yaml"
    ws.write_text(ws.read_text("utf-8").replace("    owner: li.wei\n    after: [account]",
                                                  "    owner: chen.jie\n    after: [account]"), "utf-8")
    diff = subprocess.run(["git", "diff"], cwd=target, env=env, capture_output=True, text=True)
    assert diff.returncode == 0, diff.stderr
    assert "+task douyin-live/selection.owner = chen.jie" in diff.stdout, diff.stdout + diff.stderr
