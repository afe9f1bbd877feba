"""Schema validation: the finding points at the offending key or value and says what to
do, in the user's language."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from plancode.validate import KINDS, SCHEMA_NAMES, schema_text

WS_HEAD = """\
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
tasks:
"""


def test_every_shipped_schema_is_a_valid_draft_2020_12_schema():
    for name in SCHEMA_NAMES:
        schema = json.loads(schema_text(name))
        Draft202012Validator.check_schema(schema)
        assert schema["$id"].endswith(f"/{name}.schema.json")


def _properties(schema, path=""):
    """Every (path, property schema) pair, through $defs and nested objects."""
    for name, sub in schema.get("properties", {}).items():
        yield f"{path}.{name}", sub
        yield from _properties(sub, f"{path}.{name}")
        if isinstance(sub.get("items"), dict):
            yield from _properties(sub["items"], f"{path}.{name}[]")
    for name, sub in schema.get("$defs", {}).items():
        yield from _properties(sub, f"{path}#{name}")


def test_every_field_is_described_for_editors():
    for name in SCHEMA_NAMES:
        schema = json.loads(schema_text(name))
        undocumented = [p for p, sub in _properties(schema) if "description" not in sub]
        assert undocumented == [], name


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_examples_that_validate(kind):
    schema = json.loads(schema_text(kind))
    assert schema["examples"]


@pytest.mark.parametrize(
    ("task", "code", "line", "words"),
    [
        ("onwer: chen.jie", "PC101", 9, ["`onwer`", "task `account` (直播賬號搭建)", "`owner`"]),
        ("end: 2024-02-30", "PC101", 9, ["2024-02-30", "calendar date"]),
        ("end: 2024/06/10", "PC101", 9, ["2024/06/10", "YYYY-MM-DD"]),
        ("progress: 120", "PC101", 9, ["at most 100"]),
        ("progress: 九十", "PC101", 9, ["`progress`", "a number"]),
        ("status: done", "PC101", 9, ["blocked", "cancelled"]),
        ("milestone: yes", "PC101", 9, ["true or false"]),
        ("owner: [chen.jie, li.wei]", "PC203", 9, ["more than one person"]),
        ("owner: 陳杰、李偉", "PC203", 9, ["more than one person"]),
        ("after: [bad id]", "PC101", 9, ["bad id"]),
        ("days: 3", "PC101", 9, ["both `end` and `days`"]),
    ],
)
def test_a_schema_error_points_at_the_offending_line(base_repo, task, code, line, words):
    end = "" if task.startswith("end") else "    end: 2024-06-10\n"
    base_repo.write("plans/ws.yaml", WS_HEAD + f"""\
  - id: account
    name: 直播賬號搭建
    start: 2024-06-01
    {task}
""" + end)
    problems = base_repo.workspace().problems
    assert [(p.code, p.path, p.line) for p in problems] == [(code, "plans/ws.yaml", line)]
    text = problems[0].message + " " + problems[0].hint
    for word in words:
        assert word in text


def test_done_must_be_yes_no_or_partial(base_repo):
    base_repo.write("plans/r.yaml", """
        kind: report
        week: 2024-W23
        department: marketing
        entries:
          - task: douyin-live/account
            done: true
    """)
    problems = base_repo.workspace().problems
    assert [(p.code, p.line) for p in problems] == [("PC101", 6)]
    assert "yes, no, partial" in problems[0].message


def test_week_53_of_a_52_week_year_is_refused(base_repo):
    base_repo.write("plans/r.yaml", "kind: report\nweek: 2024-W53\ndepartment: marketing\n")
    assert base_repo.findings() == [("PC101", "plans/r.yaml", 2)]


def test_missing_required_field_points_at_the_record(base_repo):
    base_repo.write("plans/ws.yaml", WS_HEAD + "  - id: account\n    owner: chen.jie\n")
    problems = base_repo.workspace().problems
    assert [(p.code, p.line) for p in problems] == [("PC101", 6)]
    assert "needs `name`" in problems[0].message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("title: x\n", 1, "no `kind:`"),
        ("kind: gantt\n", 1, "`kind: gantt`"),
        ("- a\n- b\n", 1, "key: value"),
        ("", 1, "no `kind:`"),
    ],
)
def test_kind_is_required_and_known(base_repo, text, line, words):
    base_repo.write("plans/x.yaml", text)
    problems = base_repo.workspace().problems
    assert [(p.code, p.line) for p in problems] == [("PC103", line)]
    assert words in problems[0].message


def test_messages_follow_the_locale(base_repo):
    base_repo.write("plans/ws.yaml", WS_HEAD + "  - id: a\n    name: 直播賬號搭建\n    onwer: x\n")
    problem = base_repo.workspace(locale="zh-TW").problems[0]
    assert problem.message == "任務 `a` (直播賬號搭建)沒有 `onwer` 這個欄位"
    assert problem.hint == "是不是想寫 `owner`?"


def test_an_invalid_file_does_not_cascade_into_unresolved_references(base_repo):
    base_repo.write("plans/ws.yaml", WS_HEAD + "  - id: account\n    name: 直播賬號搭建\n    onwer: x\n")
    base_repo.write("plans/other.yaml", """
        kind: workstream
        id: other
        title: 其他
        goal: online-up-35
        tasks:
          - {id: t, name: 任務, owner: li.wei, start: 2024-06-01, end: 2024-06-02, progress: 100, deliverable: 報告, after: [douyin-live/account]}
    """)
    assert base_repo.codes() == ["PC101"]
