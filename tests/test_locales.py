"""The three locales (SPEC §1, §3): zh-CN Simplified, zh-TW Traditional, en.

The Chinese is written once, in Traditional characters; zh-CN is derived with OpenCC.
These tests convert with OpenCC's own ``t2s`` directly (not through plancode's memo) and
check that nothing plancode writes under zh-CN changes: no Traditional character is left.
"""

from __future__ import annotations

import opencc
import pytest

from plancode import i18n
from plancode.i18n import CATALOG, NOUNS, SEVERITY_WORDS, Messages
from plancode.render.labels import LABELS, Labels
from plancode.rules import FAMILIES, REGISTRY
from plancode.rules.docs_zh import RATIONALE

T2S = opencc.OpenCC("t2s").convert


def traditional_left(text: str) -> set[str]:
    return {c for c, s in zip(text, T2S(text)) if c != s}


def every_pair():
    import plancode.commands.init  # noqa: F401  (modules register their messages when imported)
    import plancode.usage  # noqa: F401

    yield from (("catalog", k, v) for k, v in CATALOG.items())
    yield from (("noun", k, v) for k, v in NOUNS.items())
    yield from (("label", k, v) for k, v in LABELS.items())
    yield from (("severity", k, v) for k, v in SEVERITY_WORDS.items())
    yield from (("family", k, v) for k, v in FAMILIES.items())
    yield from (("rule title", k, r.title) for k, r in REGISTRY.items())


def test_every_catalogue_entry_in_zh_cn_is_simplified_and_zh_tw_is_as_written():
    zh_cn, zh_tw = Messages("zh-CN"), Messages("zh-TW")
    left = {}
    count = 0
    for kind, key, pair in every_pair():
        count += 1
        assert zh_tw.text(pair) == pair[1]
        simplified = zh_cn.text(pair)
        if traditional_left(simplified):
            left[f"{kind} {key}"] = "".join(sorted(traditional_left(simplified)))
    assert count > 300
    assert left == {}


def test_the_mainland_terms_replace_taiwanese_words_only_in_plancodes_own_text():
    m = Messages("zh-CN")
    assert m("schema-unknown-field", where="任務 `a` (程式)", field="x") == "任務 `a` (程式)没有 `x` 这个字段"  # the values as given
    assert "缩进" in m("yaml-syntax-hint-tab") and "縮排" in Messages("zh-TW")("yaml-syntax-hint-tab")


@pytest.mark.parametrize("locale, first, done", [
    ("en", "PC405 overdue (warning): Overdue", "Fixed: finish the work"),
    ("zh-TW", "PC405 overdue (警告): 逾期", "修正後:"),
    ("zh-CN", "PC405 overdue (警告): 逾期", "修正后:"),
])
def test_explain_in_each_locale(repo, locale, first, done):
    result = repo.run("explain", "pc405", "--locale", locale)
    assert result.exit_code == 0
    assert result.output.startswith(first + "\n")
    assert done in result.output
    assert "end: 2024-06-28" in result.output  # the example itself
    if locale == "zh-CN":
        assert traditional_left(result.output) == set()
        assert "年度计划要求重点项目有逾期预警" in result.output
    if locale != "en":
        assert "past its end date" not in result.output


def test_every_rule_has_a_chinese_rationale_and_its_examples():
    m = Messages("zh-CN")
    for code, rule in REGISTRY.items():
        text = rule.doc_in(m)
        assert text.startswith(m.text((RATIONALE[code], RATIONALE[code]))), code
        assert text.count("```") == rule.doc.count("```"), code
        assert traditional_left(text) == set(), code
    assert len(RATIONALE) >= 30



def test_every_rule_in_the_registry_has_a_chinese_rationale():
    """The next rule cannot forget its Chinese: explain would show English under zh-CN."""
    assert sorted(set(REGISTRY) - set(RATIONALE)) == []
    assert sorted(set(RATIONALE) - set(REGISTRY)) == []  # nor a paragraph for a rule that is gone


@pytest.mark.parametrize("code", ["PC306", "PC408", "PC409", "PC410", "PC503", "PC504"])
def test_the_second_release_rules_explain_in_chinese(repo, code):
    rule = REGISTRY[code]
    blocks = rule.doc.count("```") // 2
    zh_cn = repo.run("explain", code, "--locale", "zh-CN")
    zh_tw = repo.run("explain", code, "--locale", "zh-TW")
    assert zh_cn.exit_code == zh_tw.exit_code == 0
    assert traditional_left(zh_cn.output) == set(), zh_cn.output
    assert zh_cn.output.split("\n\n")[1] == Messages("zh-CN").text((RATIONALE[code], RATIONALE[code]))
    assert zh_tw.output.split("\n\n")[1] == RATIONALE[code]
    first_sentence = rule.doc.split(".")[0].strip()
    assert first_sentence not in zh_cn.output and first_sentence not in zh_tw.output  # not the English
    assert zh_cn.output.count("```") == zh_tw.output.count("```") == 2 * blocks  # the examples are kept
    assert "```yaml" in zh_cn.output
    if "Failing" in rule.doc:
        assert "错误示例:" in zh_cn.output and "錯誤示例:" in zh_tw.output
    if "Fixed" in rule.doc:
        assert "修正后:" in zh_cn.output and "修正後:" in zh_tw.output


BAD = """\
kind: workstream
id: live
title: 抖音直播
goal: sales-up-30
owner: li.wei
tasks:
  - id: account
    name: 直播賬號搭建
    onwer: chen.jie
    start: 2024-06-01
    end: 2024-06-10
"""


@pytest.mark.parametrize("locale, expected", [
    ("en", ["PC101 error `onwer` is not a field of task `account` (直播賬號搭建)",
            "3 files checked: 1 error, 0 warnings, 0 notes"]),
    ("zh-TW", ["PC101 錯誤 任務 `account` (直播賬號搭建)沒有 `onwer` 這個欄位",
               "已檢查 3 個文件:1 個錯誤,0 個警告,0 個提示"]),
    ("zh-CN", ["PC101 错误 任务 `account` (直播賬號搭建)没有 `onwer` 这个字段",
               "已检查 3 个文件:1 个错误,0 个警告,0 个提示"]),
])
def test_check_in_each_locale_keeps_the_users_text_as_written(base_repo, locale, expected):
    base_repo.write("plans/ws.yaml", BAD)
    for args in (("--locale", locale, "check"), ("check", "--locale", locale)):  # before or after
        result = base_repo.run(*args)
        assert result.exit_code == 1
        for line in expected:
            assert line in result.output, result.output


def test_english_plurals(base_repo):
    assert base_repo.run("check", "plans/team.yaml").output == "1 file checked, no problems\n"
    assert base_repo.run("check").output == "2 files checked, no problems\n"
    m = Messages("en")
    assert m("summary", files=1, errors=1, warnings=2, infos=0) == "1 file checked: 1 error, 2 warnings, 0 notes"


def test_no_english_message_writes_a_plural_as_s_in_brackets():
    """`1 task(s)` reads as a machine's English: every count agrees with its noun
    (``{n:plural:task:tasks}``), in every module's messages."""
    import importlib
    import pkgutil

    import plancode

    for module in pkgutil.walk_packages(plancode.__path__, "plancode."):
        if not module.name.startswith("plancode.schemas") and not module.name.endswith("__main__"):
            importlib.import_module(module.name)  # each module registers its messages
    assert not [key for key, (english, _) in CATALOG.items() if "(s)" in english]


@pytest.mark.parametrize("locale, expected", [
    ("en", ["Usage: main check [OPTIONS] [PATHS]...", "Error: No such option: --formt; did you mean --format?"]),
    ("zh-TW", ["用法:main check [OPTIONS] [PATHS]...", "錯誤:沒有 --formt 這個選項; 是不是想寫 --format?"]),
    ("zh-CN", ["用法:main check [OPTIONS] [PATHS]...", "错误:没有 --formt 这个选项; 是不是想写 --format?"]),
])
def test_a_usage_error_in_each_locale(repo, locale, expected):
    result = repo.run("check", "--formt", "json", "--locale", locale)
    assert result.exit_code == 2
    for line in expected:
        assert line in result.output, result.output


def test_a_usage_error_follows_the_configs_locale(repo):
    repo.write("plancode.yaml", "locale: zh-CN\n")
    result = repo.run("check", "--format", "jsn")
    assert result.exit_code == 2
    assert "错误:--format:'jsn' 不是可选值之一(text、json、github、sarif)" in result.output


def test_the_global_options_after_the_command_and_in_its_help(base_repo):
    base_repo.write("plans/ws.yaml", BAD.replace("onwer", "owner").replace("2024-06-10", "2024-06-12"))
    late = base_repo.run("check", "--as-of", "2024-07-01")
    assert "PC405" in late.output
    assert "PC405" not in base_repo.run("check", "--as-of", "2024-06-05").output
    assert base_repo.run("--as-of", "2024-06-05", "check", "--as-of", "2024-07-01").output == late.output
    for command in ("check", "build", "export", "explain", "init", "diff", "new", "notify", "rules"):
        shown = base_repo.run(command, "--help").output
        if "No such command" in shown:
            continue  # a command not there yet in this build
        for option in ("--config", "--as-of", "--locale"):
            assert option in shown, (command, option)


def test_did_you_mean_a_command(repo):
    result = repo.run("biuld")
    assert result.exit_code == 2
    assert "No such command: biuld; did you mean plancode build?" in result.output
    assert "没有 biuld 这个命令; 是不是想写 plancode build?" in repo.run("--locale", "zh-CN", "biuld").output


def test_outside_a_plan_repository_says_so_and_suggests_init(tmp_path):
    from click.testing import CliRunner

    from plancode.cli import main

    import os
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["check", "--locale", "zh-CN"])
    finally:
        os.chdir(previous)
    assert result.exit_code == 2
    assert "这里不是计划仓库" in result.output and "plancode init" in result.output


def test_percentages_have_no_space_before_the_sign():
    from plancode.render.labels import percent

    assert (percent(111.1), percent(54.54, 1), percent(None)) == ("111%", "54.5%", "—")


def test_labels_in_three_locales():
    assert [Labels(loc)("status.not_started") for loc in ("en", "zh-TW", "zh-CN")] == \
        ["Not started", "未開始", "未开始"]
    assert [Labels("zh-CN")(f"status.{s}") for s in ("in_progress", "done", "overdue", "blocked", "cancelled")] == \
        ["进行中", "已完成", "逾期", "受阻", "已取消"]


def test_the_conversion_memo_is_only_a_speed_up(tmp_path, monkeypatch):
    """A damaged memo file is ignored; the conversion is the same."""
    from plancode import simplify

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    memo = simplify.memo_path()
    memo.parent.mkdir(parents=True)
    memo.write_bytes(b"not marshal")
    simplify.forget_memo()
    assert simplify.to_simplified("已檢查") == "已检查" == i18n.simplified("已檢查")


# --- errors that explain themselves ------------------------------------------------------

def test_a_workstream_that_does_not_parse_is_the_only_error_not_the_reports_naming_its_tasks(base_repo):
    base_repo.write("plans/ws.yaml", BAD.replace("onwer", "owner").replace("    start: 2024-06-01", "\tstart: 2024-06-01"))
    base_repo.write("plans/w23.yaml", """\
        kind: report
        week: 2024-W23
        department: marketing
        author: li.wei
        entries:
          - {task: live/account, planned: 搭建, done: yes, progress: 100}
        """)
    result = base_repo.run("check")
    assert result.exit_code == 1
    assert [line.split()[1] for line in result.output.splitlines() if ": PC" in line] == ["PC100"], result.output
    assert "indent with spaces" in result.output


def test_full_width_punctuation_and_a_leading_at_have_their_own_hints(base_repo):
    base_repo.write("plans/team.yaml", "kind: team\ndepartments：\n  - {id: marketing, name: 市場部}\n")
    result = base_repo.run("check", "plans/team.yaml", "--locale", "zh-CN")
    assert "`：` 是中文输入法的全角标点,YAML 需要半角的 `:`" in result.output, result.output
    base_repo.write("plans/team.yaml", TEAM_AT)
    result = base_repo.run("check", "plans/team.yaml")
    assert "write the GitHub user name without the @ (`github: liwei`)" in result.output, result.output


TEAM_AT = """\
kind: team
departments:
  - {id: marketing, name: 市場部, lead: li.wei}
people:
  - {id: li.wei, name: 李偉, department: marketing, github: "@liwei"}
"""


def test_log_suggests_the_task_meant_by_its_bare_id(base_repo):
    import subprocess

    base_repo.write("plans/ws.yaml", BAD.replace("onwer", "owner"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "plans"]):
        subprocess.run([*git, *step], cwd=base_repo.root, check=True, capture_output=True)
    result = base_repo.run("log", "acount")
    assert result.exit_code == 2
    assert "did you mean live/account?" in result.output


@pytest.mark.parametrize("locale, lang, dashboard", [("en", "en", "Dashboard"), ("zh-TW", "zh-TW", "總覽"),
                                                     ("zh-CN", "zh-CN", "总览")])
def test_a_site_page_in_each_locale(base_repo, locale, lang, dashboard):
    base_repo.write("plans/ws.yaml", BAD.replace("onwer", "owner"))
    result = base_repo.run("build", "--locale", locale, "--out", "site", "--markdown", "reports")
    assert result.exit_code == 0, result.output
    page = (base_repo.root / "site/index.html").read_text("utf-8")
    assert f'<html lang="{lang}">' in page
    assert f"<title>{dashboard} · " in page
    assert "2024 年度營銷策略" in page  # the user's title as written, in every locale
    if locale == "zh-CN":
        own = page.replace("2024 年度營銷策略", "").replace("直播賬號搭建", "").replace("年度銷售額提升30%", "")
        own = own.replace("線上渠道銷售額提升35%", "").replace("銷售額", "").replace("線上", "").replace("萬元", "")
        for name in ("市場部", "銷售部", "李偉", "張敏", "陳杰", "王芳", "經理", "銷售總監", "專員", "主管", "抖音直播"):
            own = own.replace(name, "")
        assert traditional_left(own) == set()


@pytest.mark.parametrize("locale, expected, absent", [
    ("en", ["Usage: main [OPTIONS] COMMAND [ARGS]...", "Options:", "Commands:",
            "Validate plan files and run every rule.", "Show this message and exit."], "命令"),
    ("zh-TW", ["用法:main [OPTIONS] COMMAND [ARGS]...", "選項:", "命令:", "校驗計劃文件並執行所有規則",
               "顯示這份說明並退出。", "把預警發送到團隊群聊"], "Options:"),
    ("zh-CN", ["用法:main [OPTIONS] COMMAND [ARGS]...", "选项:", "命令:", "校验计划文件并执行所有规则",
               "显示这份说明并退出。", "把预警发送到团队群聊"], "Options:"),
])
def test_help_in_each_locale(repo, locale, expected, absent):
    for args in (("--locale", locale, "--help"), ("--help", "--locale", locale)):
        result = repo.run(*args)
        assert result.exit_code == 0
        for line in expected:
            assert line in result.output, result.output
        assert absent not in result.output
        assert "Show this message" not in result.output or locale == "en"
    if locale == "zh-CN":
        assert traditional_left(result.output) == set(), result.output


@pytest.mark.parametrize("locale, expected", [
    ("en", ["Usage: main check [OPTIONS] [PATHS]...", "Warnings fail too (exit 1).", "[default: text]",
            "Language of messages and labels"]),
    ("zh-TW", ["用法:main check [OPTIONS] [PATHS]...", "警告也算失敗(退出碼 1)。", "[預設: text]",
               "訊息和標籤的語言"]),
    ("zh-CN", ["用法:main check [OPTIONS] [PATHS]...", "警告也算失败(退出码 1)。", "[默认: text]",
               "消息和标签的语言"]),
])
def test_a_commands_help_in_each_locale(repo, locale, expected):
    result = repo.run("check", "--help", "--locale", locale)
    assert result.exit_code == 0
    for line in expected:
        assert line in result.output, result.output
    if locale != "en":
        assert "Warnings fail too" not in result.output and "How findings are printed" not in result.output
    if locale == "zh-CN":
        assert traditional_left(result.output) == set(), result.output


def test_help_follows_the_configs_locale(repo):
    repo.write("plancode.yaml", "locale: zh-CN\n")
    assert "校验计划文件并执行所有规则" in repo.run("--help").output
    assert "警告也算失败" in repo.run("check", "-h").output
    assert "Warnings fail too" in repo.run("check", "-h", "--locale", "en").output  # the command line first


def test_the_help_catalogue_says_what_the_commands_say_in_english():
    """A help text changed in English but not in the catalogue would show stale Chinese."""
    import inspect

    import click

    from plancode.cli import main

    ctx = click.Context(main, info_name="plancode")
    commands = {"plancode": main} | {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}
    checked = 0
    for key, (english, _) in CATALOG.items():
        if not key.startswith("help:"):
            continue
        _, name, *param = key.split(":")
        if name == "*":
            helps = {p.help for c in commands.values() for p in c.params if p.name == param[0] and p.help}
            assert helps <= {english} and (helps or param[0] == "help"), key
        elif param:
            assert [p.help for p in commands[name].params if p.name == param[0]] == [english], key
        else:
            assert inspect.cleandoc(commands[name].help) == english, key
        checked += 1
    assert checked >= 20
    missing = [name for name, command in commands.items() if f"help:{name}" not in CATALOG]
    missing += [f"{name} {p.name}" for name, command in commands.items() for p in command.params
                if getattr(p, "help", None) and not (f"help:{name}:{p.name}" in CATALOG or f"help:*:{p.name}" in CATALOG)]
    assert missing == []  # a new command or option: add its Chinese to plancode/helptext.py


def test_a_module_commands_help_in_chinese(repo):
    result = repo.run("import", "--help", "--locale", "zh-TW")
    assert "工作表的類型" in result.output and "[必填]" in result.output
    assert "What the sheet is" not in result.output and "[required]" not in result.output
    result = repo.run("notify", "-h", "--locale", "zh-CN")
    assert "只输出消息,不发送。" in result.output and traditional_left(result.output) == set()
