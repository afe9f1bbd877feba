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
