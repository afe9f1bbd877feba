"""The CI pieces plan repositories use, checked with the real tools: actionlint (and the
shellcheck it runs on `run:` scripts) on the workflows and the action, and pre-commit
installing this repository's hook into a fresh environment and running it on a plan
repository."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from plancode.commands.diff import MARKER
from plancode.commands.init import ACTION_REPOSITORY, starter_files

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_DAY = dt.date(2024, 6, 15)
BIN = Path(sys.executable).parent
#: the tools come with the test extra, as wheels carrying their binaries
TOOLS_ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
GIT_ENV = {"GIT_AUTHOR_NAME": "李偉", "GIT_AUTHOR_EMAIL": "liwei@example.com",
           "GIT_COMMITTER_NAME": "李偉", "GIT_COMMITTER_EMAIL": "liwei@example.com"}


def actionlint(folder: Path) -> subprocess.CompletedProcess:
    assert shutil.which("actionlint", path=TOOLS_ENV["PATH"]), "actionlint is missing: pip install -e '.[test]'"
    assert shutil.which("shellcheck", path=TOOLS_ENV["PATH"]), "shellcheck is missing: pip install -e '.[test]'"
    return subprocess.run(["actionlint", "-no-color"], cwd=folder, env=TOOLS_ENV, capture_output=True,
                          text=True, timeout=120)


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, env={**os.environ, **GIT_ENV}, check=True,
                          capture_output=True, text=True).stdout


def a_git_repository_with(tmp_path: Path, files: dict[str, bytes | str]) -> Path:
    folder = tmp_path / "repository"
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    git(folder, "init", "-q")
    return folder


# --- this repository's workflow and action -------------------------------------------------------

def test_this_repositorys_workflow_and_action_pass_actionlint(tmp_path):
    folder = a_git_repository_with(tmp_path, {
        ".github/workflows/test.yml": (REPO / ".github/workflows/test.yml").read_text("utf-8"),
        "action.yml": (REPO / "action.yml").read_text("utf-8"),
    })
    result = actionlint(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_does_catch_a_wrong_input_to_the_action(tmp_path):
    """The check above can fail: the workflow's `uses: ./` is checked against action.yml."""
    workflow = (REPO / ".github/workflows/test.yml").read_text("utf-8").replace(
        'pages: "false"', 'pages: "false"\n          page: "true"')
    folder = a_git_repository_with(tmp_path, {".github/workflows/test.yml": workflow,
                                              "action.yml": (REPO / "action.yml").read_text("utf-8")})
    result = actionlint(folder)
    assert result.returncode == 1
    assert 'input "page" is not defined in action' in result.stdout


def test_the_test_workflow_runs_readmes_test_command_on_python_3_10_to_3_13():
    workflow = yaml.safe_load((REPO / ".github/workflows/test.yml").read_text("utf-8"))
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["python"] == ["3.10", "3.11", "3.12", "3.13"]
    readme_command = re.search(r"```sh\n(python3 -m venv .venv && .venv/bin/pip install -e '\.\[test\]' "
                               r"&& \.venv/bin/pytest)\n```", (REPO / "README.md").read_text("utf-8"))[1]
    assert [step["run"] for step in job["steps"] if "run" in step] == [readme_command]


def test_the_action_is_composite_and_comments_with_the_marker_plancode_diff_writes():
    action = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = {step.get("name") or step.get("uses"): step for step in action["runs"]["steps"]}
    assert "check --format github" in steps["plancode check"]["run"]
    assert 'diff "$BASE" HEAD --format markdown' in steps["plancode diff"]["run"]
    comment = steps["Comment the plan changes"]
    assert comment["uses"].startswith("actions/github-script@")
    assert f"const marker = '{MARKER}';" in comment["with"]["script"]
    assert "updateComment" in comment["with"]["script"] and "createComment" in comment["with"]["script"]
    assert steps["Upload the site for GitHub Pages"]["uses"].startswith("actions/upload-pages-artifact@")
    # the plancode of the action's own tag is installed, not whatever PyPI has
    assert "github.action_path" in steps["Install plancode"]["env"]["PLANCODE_SOURCE"]


def test_the_actions_shell_scripts_pass_shellcheck(tmp_path):
    """actionlint checks a workflow's scripts but not an action's: shellcheck them here."""
    action = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
    scripts = [step for step in action["runs"]["steps"] if "run" in step]
    assert len(scripts) >= 5
    for number, step in enumerate(scripts):
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], f"{step['name']}: pass expressions through env, not inline"
        script = tmp_path / f"step{number}.sh"
        script.write_text("#!/usr/bin/env bash\n" + step["run"], encoding="utf-8")
        result = subprocess.run(["shellcheck", "--severity=style", str(script)], env=TOOLS_ENV,
                                capture_output=True, text=True)
        assert result.returncode == 0, f"{step['name']}:\n{result.stdout}"


# --- the workflow `plancode init` writes ---------------------------------------------------------

def test_the_workflow_init_writes_passes_actionlint_against_this_action(tmp_path):
    """With `uses: OWNER/plancode@vX` pointed at this checkout's action.yml, actionlint
    checks every input the workflow passes as well as the workflow itself."""
    files = starter_files(EXAMPLE_DAY)
    workflow = files[".github/workflows/plans.yml"].decode("utf-8")
    assert re.search(rf"uses: {re.escape(ACTION_REPOSITORY)}@(v\d+\.\d+\.\d+|main)$", workflow, re.M)
    local = re.sub(rf"uses: {re.escape(ACTION_REPOSITORY)}@\S+", "uses: ./", workflow)
    folder = a_git_repository_with(tmp_path, {".github/workflows/plans.yml": local,
                                              "action.yml": (REPO / "action.yml").read_text("utf-8")})
    result = actionlint(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    as_written = a_git_repository_with(tmp_path / "as-written", {".github/workflows/plans.yml": workflow})
    assert actionlint(as_written).returncode == 0


def test_the_init_workflow_checks_pull_requests_and_deploys_main_to_pages():
    files = starter_files(EXAMPLE_DAY)
    workflow = yaml.load(files[".github/workflows/plans.yml"], Loader=yaml.BaseLoader)
    assert set(workflow["on"]) == {"pull_request", "push", "workflow_dispatch"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    plans, deploy = workflow["jobs"]["plans"], workflow["jobs"]["deploy"]
    assert plans["steps"][0]["with"]["fetch-depth"] == "0"
    assert plans["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert deploy["needs"] == "plans"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]


# --- the pre-commit hook ---------------------------------------------------------------------------

HOOK_TEAM = """\
kind: team
departments:
  - {id: marketing, name: 市場部, lead: li.wei}
people:
  - {id: li.wei, name: 李偉, department: marketing, role: 經理}
  - {id: chen.jie, name: 陳杰, department: marketing, role: 專員}
"""
HOOK_STRATEGY = """\
kind: strategy
id: fy2024
title: 2024 年度營銷策略
period: 2024
owner: li.wei
goals:
  - id: online-up-35
    title: 線上渠道銷售額提升35%
    owner: li.wei
    metric: {name: 線上銷售額, unit: 萬元, baseline: 400, target: 540}
    due: 2024-12-31
"""
HOOK_WORKSTREAM = """\
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
tasks:
  - id: account
    name: 直播賬號搭建
    owner: {owner}
    start: 2024-06-01
    end: 2024-06-10
    progress: 100
    deliverable: 賬號完成企業認證
"""


def test_the_manifest_runs_plancode_check_on_the_whole_repository():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (hook,) = hooks
    assert hook["id"] == "plancode-check"
    assert hook["entry"] == "plancode check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "plans/2024/workstreams/douyin-live.yaml")
    assert re.search(hook["files"], "plans/team.yml")
    assert not re.search(hook["files"], "README.md")
    config = yaml.safe_load(starter_files(EXAMPLE_DAY)[".pre-commit-config.yaml"])
    assert config["repos"][0]["hooks"] == [{"id": "plancode-check"}]


def _snapshot_of_this_checkout(target: Path) -> None:
    """This working tree's package as a one-commit git repository: pre-commit installs
    hooks from a commit, and what is under test is the working tree, committed or not."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    target.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, target / name)
    for folder in ("src", "schema"):
        shutil.copytree(REPO / folder, target / folder, ignore=ignore)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "plancode under test")


INSTALL_TIMEOUT = 900  # seconds: a fresh environment, from PyPI or pip's cache


def test_pre_commit_try_repo_installs_the_hook_and_guards_a_plan_repository(tmp_path):
    source = tmp_path / "plancode"
    _snapshot_of_this_checkout(source)
    plans = a_git_repository_with(tmp_path, {
        "plancode.yaml": "as_of: 2024-06-15\nlocale: zh-CN\n",
        "plans/team.yaml": HOOK_TEAM,
        "plans/strategy.yaml": HOOK_STRATEGY,
        # wang.wu is not in the team: a finding the hook must stop
        "plans/douyin-live.yaml": HOOK_WORKSTREAM.format(owner="wang.wu"),
    })
    git(plans, "add", "-A")
    # PIP_COMPILE=0: pip does not byte-compile jinja2, openpyxl and the rest into each of the two
    # hook environments (Python compiles what the hook imports when it runs): about half
    # of this test's time
    env = {**TOOLS_ENV, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_COMPILE": "0", "NO_COLOR": "1"}

    def run(*command: str) -> subprocess.CompletedProcess:
        try:
            result = subprocess.run(command, cwd=plans, env=env, capture_output=True, text=True,
                                    timeout=INSTALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"pre-commit did not install plancode into a new environment within {INSTALL_TIMEOUT} s: "
                        "it needs PyPI (or pip's cache) for plancode's dependencies")
        output = result.stdout + result.stderr
        if "An unexpected error has occurred" in output:
            log = tmp_path / "pre-commit-home" / "pre-commit.log"
            pytest.fail("pre-commit could not install plancode (PyPI must be reachable for its "
                        "dependencies):\n" + output[-3000:] + (log.read_text("utf-8")[-3000:] if log.exists() else ""))
        return result

    tried = run(str(BIN / "pre-commit"), "try-repo", str(source), "plancode-check", "--all-files")
    assert tried.returncode == 1, tried.stdout + tried.stderr
    assert re.search(r"plancode check\.+Failed", tried.stdout)
    assert "plans/douyin-live.yaml:8:12: PC202 错误" in tried.stdout, tried.stdout  # zh-CN: Simplified

    # the config `plancode init` writes, pointed at the same commit: `git commit` is guarded
    config = starter_files(EXAMPLE_DAY)[".pre-commit-config.yaml"].decode("utf-8")
    config = config.replace(f"https://github.com/{ACTION_REPOSITORY}", str(source))
    config = re.sub(r"rev: \S+", f"rev: {git(source, 'rev-parse', 'HEAD').strip()}", config)
    (plans / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(plans, "add", ".pre-commit-config.yaml")
    assert run(str(BIN / "pre-commit"), "install").returncode == 0
    refused = run("git", "commit", "-m", "抖音直播帶貨計劃")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "PC202" in refused.stdout + refused.stderr
    assert run("git", "rev-parse", "--verify", "-q", "HEAD").returncode != 0  # nothing committed
    (plans / "plans/douyin-live.yaml").write_text(HOOK_WORKSTREAM.format(owner="chen.jie"), encoding="utf-8")
    git(plans, "add", "-A")
    accepted = run("git", "commit", "-m", "抖音直播帶貨計劃")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert re.search(r"plancode check\.+Passed", accepted.stdout + accepted.stderr)
    assert git(plans, "log", "--format=%s").strip() == "抖音直播帶貨計劃"


def test_the_notify_workflow_init_writes_runs_on_weekday_mornings_and_passes_actionlint(tmp_path):
    files = starter_files(EXAMPLE_DAY)
    text = files[".github/workflows/notify.yml"].decode("utf-8")
    workflow = yaml.load(text, Loader=yaml.BaseLoader)
    assert workflow["on"]["schedule"] == [{"cron": "0 1 * * 1-5"}]  # 09:00 in China, Monday to Friday
    [job] = workflow["jobs"].values()
    env = job["steps"][-1]["env"]
    assert env["PLANCODE_WEBHOOK_URL"] == "${{ secrets.PLANCODE_WEBHOOK_URL }}"
    assert env["PLANCODE_WEBHOOK_SECRET"] == "${{ secrets.PLANCODE_WEBHOOK_SECRET }}"
    assert "plancode notify" in job["steps"][-1]["run"]
    folder = a_git_repository_with(tmp_path, {".github/workflows/notify.yml": text})
    result = actionlint(folder)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_release_workflow_builds_on_a_tag_and_publishes_with_trusted_publishing(tmp_path):
    text = (REPO / ".github/workflows/release.yml").read_text("utf-8")
    workflow = yaml.load(text, Loader=yaml.BaseLoader)
    assert workflow["on"]["push"]["tags"] == ["v*.*.*"]
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["steps"][0]["with"]["fetch-depth"] == "0"  # the tags, for the version
    assert any("python -m build" in step.get("run", "") for step in build["steps"])
    assert publish["permissions"] == {"id-token": "write"}  # no stored token
    assert publish["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    result = actionlint(a_git_repository_with(tmp_path, {".github/workflows/release.yml": text}))
    assert result.returncode == 0, result.stdout + result.stderr
