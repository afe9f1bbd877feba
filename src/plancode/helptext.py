"""``--help`` in the user's locale: the command list, each command's and option's help.

The English help stays where click reads it (the commands' docstrings and ``help=``);
the catalogue holds each text again as an (English, Traditional Chinese) pair under
``help:COMMAND`` and ``help:COMMAND:PARAM`` (``help:*:PARAM`` for the options every
command takes), and a test checks that the English of each pair is the command's own.
In a Chinese locale the help is formatted from a translated copy of the command, so the
commands themselves are never changed. The locale is the one usage errors use: the
command line's ``--locale`` (before or after the command), else the config's, else English.
"""

from __future__ import annotations

import copy
import re
from typing import Sequence

import click

from . import i18n
from .i18n import CATALOG, Messages

#: the arguments of the running command line (set by :func:`plancode.usage.run`)
ARGS: list[str] = []

G = "*"  # the options of every command

i18n.register({
    "help-options": ("Options:", "選項:"),
    "help-commands": ("Commands:", "命令:"),
    "help-default": ("default", "預設"),
    # the command list's summary of the commands whose own help is not translated yet
    "help-short:build": ("Build the static site and the Markdown reports.", "從計劃生成靜態網站(HTML)和 Markdown 報告"),
    "help-short:codeowners": ("A CODEOWNERS file from the team.", "根據團隊文件生成 CODEOWNERS 文件"),
    "help-short:diff": ("What changed in the plans between two revisions.", "兩個 git 版本(或兩個目錄)之間計劃的變化"),
    "help-short:import": ("Read a template spreadsheet into plan YAML.", "把模板格式的 Excel 表格讀成計劃 YAML"),
    "help-short:init": ("Start a plan repository.", "建立計劃倉庫"),
    "help-short:log": ("The history of one task or goal.", "一個任務或目標的修改歷史"),
    "help-short:new": ("Create a plan file (a weekly-report skeleton).", "建立計劃文件(周報骨架)"),
    "help-short:notify": ("Send the alerts to the team chat.", "把預警發送到團隊群聊"),
    "help-short:textconv": ("Print a plan file as one fact per line.", "把計劃文件逐行輸出為事實(供 git diff 使用)"),
    f"help:{G}:help": ("Show this message and exit.", "顯示這份說明並退出。"),
    f"help:{G}:version": ("Show the version and exit.", "顯示版本並退出。"),
    f"help:{G}:config_file": ("plancode.yaml to use (default: the nearest one upwards from here).",
                              "要使用的 plancode.yaml(預設:從這裡往上最近的一個)。"),
    f"help:{G}:as_of": ("The day every date-dependent figure is computed for (default: config, else today).",
                        "所有與日期有關的數字按這一天計算(預設:配置中的日期,否則為今天)。"),
    f"help:{G}:locale": ("Language of messages and labels: zh-CN, zh-TW or en.",
                         "訊息和標籤的語言:zh-CN、zh-TW 或 en。"),
    "help:plancode": (
        "plancode: marketing and sales plans as code.\n\n"
        "Plans are YAML files in git; plancode checks them, renders them and compares them.\n"
        "--config, --as-of and --locale may also follow the command's name.",
        "plancode:以代碼管理的營銷與銷售計劃。\n\n"
        "計劃是 git 中的 YAML 文件;plancode 檢查、呈現並比較它們。\n"
        "--config、--as-of 和 --locale 也可以寫在命令名稱之後。"),
    "help:check": (
        "Validate plan files and run every rule.\n\n"
        "Exit 0 when clean (warnings allowed), 1 with errors (or warnings under --strict),\n"
        "2 when the command cannot run.",
        "校驗計劃文件並執行所有規則。\n\n"
        "沒有問題時退出碼為 0(允許警告),有錯誤時為 1(--strict 下警告也算),命令無法執行時為 2。"),
    "help:check:fmt": ("How findings are printed.", "問題的輸出格式。"),
    "help:check:select": ("Only these rules (comma-separated codes or prefixes: PC2,PC404).",
                          "只執行這些規則(以逗號分隔的代碼或前綴:PC2,PC404)。"),
    "help:check:ignore": ("Not these rules (comma-separated codes or prefixes).",
                          "不執行這些規則(以逗號分隔的代碼或前綴)。"),
    "help:check:strict": ("Warnings fail too (exit 1).", "警告也算失敗(退出碼 1)。"),
    "help:check:no_cache": ("Read and check every file again instead of reusing what was read or found before.",
                            "重新讀取並檢查每個文件,不重用之前讀到或找到的結果。"),
    "help:schema": ("Print the JSON Schema of a kind of plan file (all kinds' names without KIND).",
                    "輸出某類計劃文件的 JSON Schema(不寫 KIND 則列出所有類型)。"),
    "help:export": (
        "Print the computed tables (tasks, goals, reviews, reports) for BI tools and\n"
        "spreadsheets. Exits 1 without output when the plans have errors.",
        "輸出計算後的表格(任務、目標、評估、周報),供 BI 工具和電子表格使用。計劃有錯誤時不輸出,退出碼為 1。"),
    "help:export:what": ("One table (default: all of them for json, tasks for csv).",
                         "只輸出一張表(預設:json 輸出全部,csv 輸出任務)。"),
    "help:export:fmt": ("xlsx: the teams' Excel templates, one sheet per workstream, report and review.",
                        "xlsx:團隊的 Excel 模板,每個工作流、周報和評估各一個工作表。"),
    "help:export:output": ("Write to FILE (needed for xlsx on a terminal); an existing file needs --force.",
                           "寫入 FILE(在終端輸出 xlsx 時必須);已存在的文件需要 --force。"),
    "help:export:force": ("Replace the --output file if it exists.", "--output 文件已存在時替換它。"),
    "help:rules": ("The rule catalogue: code, default severity, slug and title.",
                   "規則目錄:代碼、預設嚴重程度、簡稱和標題。"),
    "help:rules:fmt": ("markdown: the documentation page (docs/rules.md).", "markdown:文檔頁面(docs/rules.md)。"),
    "help:explain": ("One rule's rationale and a fixing example.", "一條規則的理由和修正示例。"),
})


def current_args() -> Sequence[str]:
    import sys

    return ARGS or sys.argv[1:]


def help_locale() -> str:
    from .usage import configured_locale

    return configured_locale(current_args())


def _short(text: str) -> str:
    """The first sentence of a Chinese help text (for the command list)."""
    first = text.split("\n", 1)[0]
    return re.split(r"(?<=[。;])", first, maxsplit=1)[0].rstrip("。;")


def _pair(command: str, param: str) -> tuple[str, str] | None:
    return CATALOG.get(f"help:{command}:{param}") or CATALOG.get(f"help:{G}:{param}")


def translated(command: click.Command, name: str, m: Messages) -> click.Command:
    """A copy of ``command`` with its help and its options' help in ``m``'s locale (the
    English where the catalogue has no entry yet)."""
    clone = copy.copy(command)
    doc = CATALOG.get(f"help:{name}")
    if doc:
        clone.help = m.text(doc)
        clone.short_help = _short(clone.help) if m.chinese else command.short_help
    params = []
    for param in command.params:
        pair = _pair(name, param.name or "")
        if pair and getattr(param, "help", None):
            param = copy.copy(param)
            param.help = m.text(pair)  # type: ignore[attr-defined]
        params.append(param)
    clone.params = params
    clone.help_messages = m  # type: ignore[attr-defined]  (the group's command list reads it)
    return clone


def short_help(command: click.Command, name: str, m: Messages, limit: int) -> str:
    """A command's summary in the command list."""
    doc = CATALOG.get(f"help:{name}")
    if doc:
        return _short(m.text(doc))
    short = CATALOG.get(f"help-short:{name}")
    return m.text(short) if short else command.get_short_help_str(limit)


def get_help(command: click.Command, ctx: click.Context, base) -> str:
    """``command.get_help(ctx)`` in the help locale (``base`` is click's own)."""
    m = Messages(help_locale())
    if not m.chinese:
        return base(command, ctx)
    name = "plancode" if ctx.parent is None else (ctx.info_name or command.name or "")
    text = base(translated(command, name, m), ctx)
    if text.startswith("Usage: "):
        text = m("usage-line", usage=text[len("Usage: "):])
    text = text.replace("\nOptions:\n", "\n" + m("help-options") + "\n")
    text = text.replace("\nCommands:\n", "\n" + m("help-commands") + "\n")
    text = text.replace("  [default: ", "  [" + m("help-default") + ": ")
    return text.replace(CATALOG[f"help:{G}:help"][0], m(f"help:{G}:help"))


def localize(command: click.Command) -> click.Command:
    """Make ``command``'s ``--help`` follow the help locale (once)."""
    if "get_help" not in vars(command):
        base = type(command).get_help
        command.get_help = lambda ctx: get_help(command, ctx, base)  # type: ignore[method-assign]
    return command
