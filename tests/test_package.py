"""The wheel carries the schemas and works outside the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_wheel_works_from_any_directory(tmp_path, installed_wheel):
    target, elsewhere = installed_wheel, tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-m", "plancode", "schema", "workstream"], cwd=elsewhere,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"].startswith("plancode workstream")
    # the whole pipeline runs from the wheel alone, on a copy of the example plans
    shutil.copytree(REPO / "plans", elsewhere / "plans")
    shutil.copy(REPO / "plancode.yaml", elsewhere / "plancode.yaml")
    checked = subprocess.run([sys.executable, "-m", "plancode", "check"], cwd=elsewhere, env=env,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "20" in checked.stdout.splitlines()[-1]
    located = subprocess.run([sys.executable, "-c", "import plancode; print(plancode.__file__)"],
                             cwd=elsewhere, env=env, capture_output=True, text=True).stdout
    assert located.startswith(str(target))


def test_a_release_is_versioned_by_its_tag_built_by_python_m_build_and_installs_from_the_wheel(tmp_path):
    """A copy of the sources in a git repository tagged v9.8.7: `python -m build` makes
    plancode-9.8.7 as sdist and wheel; the wheel installed alone says 9.8.7 and its
    `plancode init` points the action, the hook and the install at that tag of the
    repository named in the package's metadata."""
    import shutil
    import subprocess
    import sys

    from conftest import REPO

    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", "_version.py")
    for folder in ("src", "schema"):
        shutil.copytree(REPO / folder, source / folder, ignore=ignore)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "release"], ["tag", "v9.8.7"]):
        subprocess.run([*git, *step], cwd=source, check=True, capture_output=True)
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [
        "plancode-9.8.7-py3-none-any.whl", "plancode-9.8.7.tar.gz"]
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                    str(tmp_path / "dist/plancode-9.8.7-py3-none-any.whl")], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    version = subprocess.run([sys.executable, "-m", "plancode", "--version"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert version.stdout.strip() == "plancode, version 9.8.7"
    made = subprocess.run([sys.executable, "-m", "plancode", "--locale", "en", "init", "team"], cwd=tmp_path,
                          env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    team = tmp_path / "team"
    assert "uses: plancode/plancode@v9.8.7\n" in (team / ".github/workflows/plans.yml").read_text("utf-8")
    assert "rev: v9.8.7\n" in (team / ".pre-commit-config.yaml").read_text("utf-8")
    assert "git+https://github.com/plancode/plancode@v9.8.7" in (team / ".github/workflows/notify.yml").read_text()
    other = subprocess.run([sys.executable, "-m", "plancode", "init", "other", "--action", "acme/plancode-fork@v1.2.3"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert other.returncode == 0, other.stderr
    assert "uses: acme/plancode-fork@v1.2.3\n" in (tmp_path / "other/.github/workflows/plans.yml").read_text()
