"""`plancode new report`: the skeleton of a department's weekly report — last week's
partly done items first, then the department's tasks active that week with their current
progress — valid as written, never written over."""

from __future__ import annotations

import re

import yaml

WORKSTREAM = """\
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
owner: li.wei
tasks:
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-06-01
    end: 2024-06-10
    progress: 100
    deliverable: 賬號完成企業認證
  - id: selection
    name: 選品與庫存對接
    owner: li.wei
    after: [account]
    start: 2024-06-11
    end: 2024-06-25
    progress: 30
    deliverable: 選品清單確認
  - id: script
    name: 直播腳本策劃
    owner: wang.fang
    start: 2024-06-10
    end: 2024-06-20
    deliverable: 腳本通過審核
  - id: posters
    name: 直播海報設計
    owner: chen.jie
    start: 2024-06-12
    end: 2024-06-14
    status: cancelled
    deliverable: 海報三款
  - id: first-live
    name: 首場直播執行
    owner: chen.jie
    start: 2024-06-25
    end: 2024-06-25
    milestone: true
    deliverable: 完成首場直播
  - id: kol
    name: 達人合作洽談
    owner: chen.jie
    start: 2024-06-03
    end: 2024-06-30
    deliverable: 簽約達人3位
"""

LAST_WEEK = """\
kind: report
week: 2024-W23
department: marketing
author: li.wei
entries:
  - task: douyin-live/account
    planned: 完成賬號認證
    done: yes
    progress: 100
  - task: douyin-live/kol
    planned: 聯繫10位達人
    done: partial
    progress: 40
    reason: 達人檔期已滿
    adjustment: 改為聯繫腰部達人
    next: 簽下首批2位達人
"""


def repo_with_plans(base_repo):
    base_repo.write("plans/douyin-live.yaml", WORKSTREAM)
    base_repo.write("plans/2024/reports/2024-W23-marketing.yaml", LAST_WEEK)
    return base_repo


def test_the_skeleton_lists_last_weeks_partial_items_first_then_the_active_tasks(base_repo):
    repo = repo_with_plans(base_repo)
    result = repo.run("--as-of", "2024-06-15", "new", "report", "--week", "2024-W24",
                      "--department", "marketing", "--stdout")
    assert result.exit_code == 0, result.output
    report = yaml.safe_load(result.output)
    assert [e["task"] for e in report["entries"]] == ["douyin-live/kol", "douyin-live/selection"]
    # kol: carried over (partial in W23), planned = what W23 said comes next, progress 40 from W23
    kol, selection = report["entries"]
    assert kol == {"task": "douyin-live/kol", "planned": "簽下首批2位達人", "progress": 40,
                   "reason": "", "adjustment": "", "support": "", "next": ""}
    # selection: marketing (li.wei), active in W24, current progress from the task itself
    assert selection["planned"] == "選品與庫存對接" and selection["progress"] == 30
    # left out: account (done), script (王芳 is in sales), posters (cancelled),
    # first-live (next week)
    assert report["author"] == "li.wei" and report["week"] == "2024-W24"
    text = result.output
    assert "  # carried over: partly done in 2024-W23\n  - task: douyin-live/kol" in text
    assert text.count("    # done:     # yes | no | partial") == 2
    assert "done" not in kol  # left for the author


def test_the_written_skeleton_passes_check_as_written(base_repo):
    repo = repo_with_plans(base_repo)
    result = repo.run("--as-of", "2024-06-20", "new", "report", "--week", "2024-W24",
                      "--department", "marketing")
    assert result.exit_code == 0, result.output
    path = repo.root / "plans/2024/reports/2024-W24-marketing.yaml"
    assert path.is_file()
    assert "wrote plans/2024/reports/2024-W24-marketing.yaml: 市場部, 2024-W24, 2 tasks, " \
           "1 carried over from 2024-W23" in result.output
    checked = repo.run("--as-of", "2024-06-20", "check", str(path.relative_to(repo.root)))
    assert checked.exit_code == 0, checked.output
    codes = re.findall(r" (PC\d{3}) ", checked.output)
    assert "PC101" not in codes and "PC602" not in codes, checked.output


def test_the_week_defaults_to_as_ofs_and_departments_are_separate(base_repo):
    repo = repo_with_plans(base_repo)
    result = repo.run("--as-of", "2024-06-12", "new", "report", "--department", "sales", "--stdout")
    report = yaml.safe_load(result.output)
    assert report["week"] == "2024-W24" and report["author"] == "zhang.min"
    assert [e["task"] for e in report["entries"]] == ["douyin-live/script"]


def test_a_week_without_tasks_gives_a_valid_empty_report(base_repo):
    repo = repo_with_plans(base_repo)
    result = repo.run("--as-of", "2024-06-15", "new", "report", "--week", "2024-W40", "--department", "sales")
    assert result.exit_code == 0
    text = (repo.root / "plans/2024/reports/2024-W40-sales.yaml").read_text("utf-8")
    assert "# no task of 銷售部 is scheduled in 2024-W40\nentries: []\n" in text
    assert repo.run("--as-of", "2024-06-15", "check").exit_code == 0


def test_it_refuses_to_overwrite_unless_forced(base_repo):
    repo = repo_with_plans(base_repo)
    path = repo.write("plans/2024/reports/2024-W24-marketing.yaml", LAST_WEEK.replace("W23", "W24"))
    before = path.read_bytes()
    refused = repo.run("--as-of", "2024-06-15", "new", "report", "--week", "2024-W24", "--department", "marketing")
    assert refused.exit_code == 2
    assert "plans/2024/reports/2024-W24-marketing.yaml already exists; it is left as it is " \
           "(use --force to replace it)" in refused.output
    assert path.read_bytes() == before
    forced = repo.run("--as-of", "2024-06-15", "new", "report", "--week", "2024-W24", "--department",
                      "marketing", "--force")
    assert forced.exit_code == 0
    assert "douyin-live/selection" in path.read_text("utf-8")
    assert not list(path.parent.glob(".*.tmp"))  # no temporary file left behind


def test_output_and_stdout(base_repo):
    repo = repo_with_plans(base_repo)
    shown = repo.run("--as-of", "2024-06-15", "new", "report", "--week", "2024-W24", "--department",
                     "marketing", "--stdout")
    assert not (repo.root / "plans/2024/reports/2024-W24-marketing.yaml").exists()
    assert shown.output.startswith("# Weekly report of 市場部 for 2024-W24 (2024-06-10 to 2024-06-16)")
    written = repo.run("--as-of", "2024-06-15", "new", "report", "--week", "2024-W24", "--department",
                       "marketing", "--output", "drafts/w24.yaml")
    assert written.exit_code == 0
    assert (repo.root / "drafts/w24.yaml").read_text("utf-8") == shown.output


def test_the_file_carries_a_modeline_when_the_repository_keeps_the_schemas(base_repo):
    repo = repo_with_plans(base_repo)
    repo.write("schema/report.schema.json", "{}")
    repo.run("--as-of", "2024-06-15", "new", "report", "--week", "2024-W24", "--department", "marketing")
    first = (repo.root / "plans/2024/reports/2024-W24-marketing.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schema/report.schema.json"


def test_unknown_department_and_bad_week_are_usage_errors(base_repo):
    repo = repo_with_plans(base_repo)
    unknown = repo.run("new", "report", "--week", "2024-W24", "--department", "finance")
    assert unknown.exit_code == 2
    assert "department `finance` is not in the team; known departments: marketing, sales" in unknown.output
    for week in ("2024-24", "2024-W54", "2023-W53"):
        bad = repo.run("new", "report", "--week", week, "--department", "marketing")
        assert bad.exit_code == 2
        assert f"{week} is not an ISO week" in bad.output


def test_chinese_messages(base_repo):
    repo = repo_with_plans(base_repo)
    result = repo.run("--locale", "zh-TW", "--as-of", "2024-06-15", "new", "report", "--week", "2024-W24",
                      "--department", "marketing")
    assert "已寫入 plans/2024/reports/2024-W24-marketing.yaml:市場部 2024-W24 的 2 項任務,其中 1 項延續自 2024-W23" \
        in result.output
    text = (repo.root / "plans/2024/reports/2024-W24-marketing.yaml").read_text("utf-8")
    assert text.startswith("# 市場部 2024-W24 周報(2024-06-10 至 2024-06-16)")
