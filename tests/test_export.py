"""`plancode export --format json` writes its tables row by row (issue #7: whole, the
document took 2.5 GB at 100,000 tasks), and the bytes stay exactly what one
``json.dumps`` of all the rows made before."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plancode.export import ROWS, TABLES, to_json
from plancode.workspace import load_config, load_workspace

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/generate.py)


def dumped(plan, tables: tuple[str, ...]) -> str:
    """The export as it was made before it was streamed: every row, then one string."""
    return json.dumps({name: list(ROWS[name](plan)) for name in tables}, ensure_ascii=False, indent=2) + "\n"


def workspace(root: Path):
    """The pipeline as the command runs it, with the repository's plancode.yaml."""
    return load_workspace(load_config(None, root), cwd=root)


def plancode(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plancode", *args], cwd=cwd, capture_output=True)


@pytest.fixture(scope="module")
def examples():
    return workspace(REPO)


@pytest.fixture(scope="module")
def generated_1k(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated-1k")
    generate.generate(1000, out)
    return out


@pytest.mark.parametrize("tables", [
    TABLES, ("tasks",), ("goals",), ("reviews",), ("reports",), ("reports", "tasks"), (),
    ("tasks", "goals", "tasks"),
])
def test_json_is_byte_for_byte_one_dump_of_the_tables(examples, tables):
    assert examples.plan.reports and any(e.results for r in examples.plan.reports for e in r.entries)
    assert to_json(examples.plan, tables) == dumped(examples.plan, tables)


def test_an_empty_table_is_an_empty_list(base_repo):
    plan = base_repo.workspace().plan
    assert not plan.reviews and not plan.tasks
    assert to_json(plan) == dumped(plan, TABLES)
    assert json.loads(to_json(plan))["reviews"] == []


def test_the_command_writes_the_same_bytes_to_stdout_and_to_a_file(examples, tmp_path):
    expected = dumped(examples.plan, TABLES).encode("utf-8")
    printed = plancode(REPO, "export", "--format", "json")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == expected
    project = tmp_path / "project"  # --output lies inside the project (SPEC §5.7)
    shutil.copytree(REPO / "plans", project / "plans")
    shutil.copy(REPO / "plancode.yaml", project)
    written = plancode(project, "export", "--output", "out/plans.json")
    assert written.returncode == 0, written.stderr
    assert (project / "out/plans.json").read_bytes() == expected
    one = plancode(project, "export", "--what", "reviews", "--output", str(project / "reviews.json"))
    assert one.returncode == 0, one.stderr
    assert (project / "reviews.json").read_bytes() == dumped(examples.plan, ("reviews",)).encode("utf-8")
    # outside the project: exit 2, nothing written, and the way to keep it there said
    outside = plancode(project, "export", "--output", str(tmp_path / "plans.json"))
    assert outside.returncode == 2 and not (tmp_path / "plans.json").exists()
    assert "> 文件".encode() in outside.stderr  # the examples are zh-TW


def test_a_generated_1000_task_repository_exports_the_same_bytes(generated_1k, tmp_path):
    ws = workspace(generated_1k)
    assert len(ws.plan.tasks) == 1000
    expected = dumped(ws.plan, TABLES)
    assert to_json(ws.plan) == expected
    target = generated_1k / "exports" / f"{tmp_path.name}.json"  # inside the project (SPEC §5.7)
    written = plancode(generated_1k, "export", "--format", "json", "--output", str(target))
    assert written.returncode == 0, written.stderr
    assert target.read_bytes() == expected.encode("utf-8")
    target.unlink()
