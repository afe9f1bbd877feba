"""Shared helpers: a plan repository written from inline YAML into a temp dir, and the
real CLI run on it.

A test reads as a spec: the YAML it checks is inline, and the expectation is a list of
(code, file, line).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from plancode.cli import main
from plancode.config import Config
from plancode.workspace import load_workspace

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "plans"


def plancode_process(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """The installed CLI in a process of its own (``python -m plancode``), as a user runs it."""
    return subprocess.run([sys.executable, "-m", "plancode", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1"})

TEAM = """\
kind: team
departments:
  - {id: marketing, name: 市場部, lead: li.wei}
  - {id: sales, name: 銷售部, lead: zhang.min}
people:
  - {id: li.wei, name: 李偉, department: marketing, role: 經理}
  - {id: zhang.min, name: 張敏, department: sales, role: 銷售總監}
  - {id: chen.jie, name: 陳杰, department: marketing, role: 專員}
  - {id: wang.fang, name: 王芳, department: sales, role: 主管}
"""

STRATEGY = """\
kind: strategy
id: fy2024
title: 2024 年度營銷策略
period: 2024
owner: zhang.min
budget: {total: 1000000, currency: CNY, contingency: 12, allocation: {promotion: 40, channel: 30}}
goals:
  - id: sales-up-30
    title: 年度銷售額提升30%
    owner: zhang.min
    metric: {name: 銷售額, unit: 萬元, baseline: 1000, target: 1300}
    due: 2024-12-31
    priority: high
    budget: 300000
    goals:
      - id: online-up-35
        title: 線上渠道銷售額提升35%
        owner: li.wei
        metric: {name: 線上銷售額, unit: 萬元, baseline: 400, target: 540}
        due: 2024-12-31
        budget: 100000
"""

CONFIG = "as_of: 2024-06-15\nlocale: en\n"


def cli_in(cwd: Path, *args: str):
    """The real CLI in this process (click's runner), with ``cwd`` as the working directory."""
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class PlanRepo:
    """A plan repository in a temp dir: ``plancode.yaml`` and files under ``plans/``."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(dedent(text), encoding="utf-8")
        return path

    def workspace(self, as_of: str = "2024-06-15", cache: bool = True, **config_fields):
        """The pipeline on this repository (no plancode.yaml read: pass Config fields)."""
        config = Config(root=self.root, as_of=dt.date.fromisoformat(as_of), locale="en")
        return load_workspace(dataclasses.replace(config, **config_fields), cwd=self.root, cache=cache)

    def findings(self, **kwargs) -> list[tuple[str, str, int]]:
        """(code, path relative to the repository, line) of every finding."""
        return [(p.code, p.path, p.line) for p in self.workspace(**kwargs).problems]

    def codes(self, **kwargs) -> list[str]:
        return [p.code for p in self.workspace(**kwargs).problems]

    def run(self, *args: str):
        """The real CLI, with the repository as the working directory."""
        return cli_in(self.root, *args)


@pytest.fixture
def repo(tmp_path: Path) -> PlanRepo:
    """An empty plan repository with a config (as_of 2024-06-15, English messages)."""
    r = PlanRepo(tmp_path)
    r.write("plancode.yaml", CONFIG)
    return r


@pytest.fixture
def base_repo(repo: PlanRepo) -> PlanRepo:
    """A valid repository with the team and the strategy above: add the file under test."""
    repo.write("plans/team.yaml", TEAM)
    repo.write("plans/strategy.yaml", STRATEGY)
    return repo


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory) -> Path:
    """plancode built as a wheel and installed (without its dependencies) into a folder of
    its own, once per test process: put the folder on PYTHONPATH to run the wheel alone.

    The wheel is built from a copy of the source, never in this checkout: setuptools
    writes ``build/`` and ``*.egg-info`` beside the sources, and tests run in parallel."""
    base = tmp_path_factory.mktemp("wheel")
    source, wheels, target = base / "source", base / "wheels", base / "site"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for folder in ("src", "schema"):
        shutil.copytree(REPO / folder, source / folder, ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
                   check=True, capture_output=True)
    wheel = next(wheels.glob("plancode-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    return target


#: the tests that take longest (tens of seconds each), started first so that the parallel
#: workers (pytest-xdist, see pyproject.toml) do not end on one of them while the other idles
SLOW_FIRST = (
    "tests/test_workflows.py::test_pre_commit_try_repo_installs_the_hook_and_guards_a_plan_repository",
    "tests/test_scaling.py::",
    "tests/test_fuzz_render.py::",
    "tests/test_faults.py::test_a_build_killed_with_sigkill",
    "tests/render/test_browser.py::",
    "tests/test_faults.py::test_two_builds_at_once",
)


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        return next((i for i, prefix in enumerate(SLOW_FIRST) if item.nodeid.startswith(prefix)),
                    len(SLOW_FIRST))

    items.sort(key=rank)  # stable: the order within each group stays the collection order


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own plancode cache (check results, charts), never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def hostile_report_and_review(h) -> list[tuple[str, str]]:
    """A weekly report and a review whose every text field is ``h(field name)`` (a YAML
    string carrying a hostile payload), for the plans of the hostile-text tests; their
    report names the task ``live/account``, their KPI the goal ``sales-up-30``."""
    return [
        ("plans/w23.yaml", f"""\
        kind: report
        week: 2024-W23
        department: marketing
        author: li.wei
        notes: {h("report-notes")}
        entries:
          - task: live/account
            planned: {h("planned")}
            done: partial
            progress: 10
            reason: {h("reason")}
            adjustment: {h("adjustment")}
            results: {{{h("result-key")}: {h("result-value")}}}
            spent: 100
            support: {h("support")}
            next: {h("next")}
        metrics:
          - {{goal: sales-up-30, value: 9, note: {h("kpi-note")}}}
        """),
        ("plans/q2.yaml", f"""\
        kind: review
        period: 2024-Q2
        owner: li.wei
        title: {h("review")}
        rows:
          - dimension: {h("dimension")}
            metric: {h("review-metric")}
            unit: {h("review-unit")}
            target: 50
            actual: 45
            direction: down
            analysis: {h("analysis")}
            actions: {h("actions")}
            owner: wang.fang
        """),
    ]
