"""`plancode check` replays the findings of identical inputs, and only of identical inputs."""

from __future__ import annotations

import json
import os
from pathlib import Path

WS = """
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
tasks:
  - id: account
    name: 直播賬號搭建
    onwer: chen.jie
"""


def _entries() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "plancode" / "check").glob("*.json"))


def _tamper(marker: str) -> None:
    """Rewrite every stored finding's message: a replay then shows the marker."""
    for entry in _entries():
        stored = json.loads(entry.read_text("utf-8"))
        for problem in stored["problems"]:
            problem["message"] = marker
        entry.write_text(json.dumps(stored), encoding="utf-8")


def test_identical_inputs_replay_the_stored_findings(base_repo):
    base_repo.write("plans/ws.yaml", WS)
    first = base_repo.run("check")
    assert first.exit_code == 1 and len(_entries()) == 1
    _tamper("REPLAYED")
    second = base_repo.run("check")
    assert second.exit_code == 1
    assert "plans/ws.yaml:8:5: PC101 error REPLAYED" in second.output
    assert "REPLAYED" not in base_repo.run("check", "--no-cache").output


def test_any_change_to_the_inputs_is_a_miss(base_repo):
    base_repo.write("plans/ws.yaml", WS)
    base_repo.run("check")
    _tamper("STALE")
    changes = [
        lambda: base_repo.write("plans/ws.yaml", WS.replace("onwer", "owner")),  # a plan file
        lambda: base_repo.write("plans/extra.yaml", "kind: team\n"),  # a new file
        lambda: base_repo.write("plancode.yaml", "as_of: 2024-06-16\nlocale: en\n"),  # the config
    ]
    for change in changes:
        change()
        assert "STALE" not in base_repo.run("check").output
        _tamper("STALE")
    for options in (["--as-of", "2024-07-01", "check"], ["--locale", "zh-CN", "check"],
                    ["check", "--select", "PC1"], ["check", "plans/ws.yaml"]):
        assert "STALE" not in base_repo.run(*options).output


def test_a_damaged_entry_is_a_miss(base_repo):
    base_repo.write("plans/ws.yaml", WS)
    base_repo.run("check")
    for entry in _entries():
        entry.write_text("{not json", encoding="utf-8")
    result = base_repo.run("check")
    assert result.exit_code == 1 and "`onwer` is not a field" in result.output
