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
    "help-required": ("required", "必填"),
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


# the commands of plancode.commands (their English is in each module)
i18n.register({
    "help:build": (
        "Build the static site (HTML) and the Markdown reports from the plans.\n\n"
        "Output folders are replaced whole, atomically; a folder that plancode did not make\n"
        "is never replaced unless it is empty. Exits 1 without writing when the plans have errors.",
        "從計劃生成靜態網站(HTML)和 Markdown 報告。\n\n"
        "輸出目錄整個原子地替換;不是 plancode 建立的目錄,除非是空的,否則絕不替換。計劃有錯誤時不寫入任何文件,退出碼為 1。"),
    "help:build:out": ("Folder of the HTML site (default: site/ beside plancode.yaml).",
                       "HTML 網站的目錄(預設:plancode.yaml 旁的 site/)。"),
    "help:build:markdown": ("Folder of the Markdown reports (default: reports/ beside plancode.yaml).",
                            "Markdown 報告的目錄(預設:plancode.yaml 旁的 reports/)。"),
    "help:build:baseline": (
        "A git revision to compare task dates with: grey bars behind the Gantt bars, and a 'changes since "
        "baseline' page (baseline.html, baseline.md).",
        "用來比較任務日期的 git 版本:甘特圖條形後面畫出灰色條形,並生成「相對基線的變化」頁面"
        "(baseline.html、baseline.md)。"),
    "help:build:no_cache": ("Build even when nothing changed, and draw every chart again instead of reusing cached ones.",
                            "即使沒有變化也重新生成,並重畫每張圖表,不重用緩存。"),
    "help:build:jobs": ("Processes drawing charts and rendering pages (default: one per CPU).",
                        "繪製圖表和生成頁面的進程數(預設:每個 CPU 一個)。"),
    "help:codeowners": (
        "A CODEOWNERS file from the team: department leads review their department's plans.\n\n"
        "People without a `github:` handle are reported on stderr. Paths are relative to the\n"
        "repository root. Exit 1 without output when the plans have errors.",
        "根據團隊文件生成 CODEOWNERS 文件:部門負責人審核本部門的計劃。\n\n"
        "沒有 `github:` 帳號的人員在 stderr 中列出。路徑相對於倉庫根目錄。計劃有錯誤時不輸出,退出碼為 1。"),
    "help:codeowners:output": ("Write to this file (e.g. .github/CODEOWNERS) instead of printing it.",
                               "寫入這個文件(例如 .github/CODEOWNERS),而不是輸出到終端。"),
    "help:codeowners:force": ("Replace the output file if it exists.", "輸出文件已存在時替換它。"),
    "help:diff": (
        "What changed in the plans between two git revisions (tags, branches, commits) or\n"
        "two folders, matched by id: slips, targets, owners, budgets, goals, reviews, team.\n"
        "REV_B defaults to the working tree. Exit 0, or 2 when a side cannot be read.",
        "兩個 git 版本(標籤、分支、提交)或兩個目錄之間計劃的變化;按 id 對應:延期、目標值、負責人、預算、目標、評估、團隊。"
        "REV_B 預設為工作區。退出碼為 0,某一方無法讀取時為 2。"),
    "help:diff:fmt": ("markdown: a pull-request comment; json: for scripts (shape in docs/git.md).",
                      "markdown:拉取請求的評論;json:供腳本使用(格式見 docs/git.md)。"),
    "help:import": (
        "Read a spreadsheet in a template layout (Chinese or English headers) into plan YAML.\n\n"
        "Every cell that cannot be read is reported as FILE:SHEET!CELL and nothing is written\n"
        "(exit 1). Without --output the YAML is printed.",
        "把模板格式的 Excel 表格(中文或英文表頭)讀成計劃 YAML。\n\n"
        "每個無法讀取的單元格都以 FILE:SHEET!CELL 報告,且不寫入任何文件(退出碼 1)。不寫 --output 時輸出 YAML。"),
    "help:import:kind": (
        "What the sheet is: workstream (template 2, Gantt), review (template 4), report (template 3, weekly tracking).",
        "工作表的類型:workstream(模板2,甘特圖)、review(模板4)、report(模板3,周報跟蹤)。"),
    "help:import:sheet": ("The sheet to read (default: the first with the template's header).",
                          "要讀取的工作表(預設:第一個有模板表頭的工作表)。"),
    "help:import:ident": ("Workstream id (default: the sheet's or the file's name).",
                          "工作流 id(預設:工作表或文件的名稱)。"),
    "help:import:title": ("Workstream or review title (default: the title row above the header).",
                          "工作流或評估的標題(預設:表頭上方的標題行)。"),
    "help:import:goal": ("Workstream: the goal its tasks serve.", "工作流:其任務服務的目標。"),
    "help:import:owner": ("Workstream or review owner (a person id).", "工作流或評估的負責人(人員 id)。"),
    "help:import:period": ("Review: the period, e.g. 2024-Q3 or 2024-06-01..2024-08-31 (default: from the name).",
                           "評估:期間,例如 2024-Q3 或 2024-06-01..2024-08-31(預設:取自名稱)。"),
    "help:import:week": ("Report: the ISO week (default: from the sheet's or file's name).",
                         "周報:ISO 周(預設:取自工作表或文件的名稱)。"),
    "help:import:department": (
        "Report: only this department's rows (or the department of a sheet without a department column).",
        "周報:只讀取這個部門的行(或沒有部門欄的工作表所屬的部門)。"),
    "help:import:year": ("The year of dates written without one (6月15日); default: the strategy's.",
                         "沒有寫年份的日期(6月15日)所屬的年份;預設:策略的年份。"),
    "help:import:output": (
        "Write here instead of printing; a folder (an existing one, or ending in /) takes each document under "
        "its usual name.",
        "寫入這裡而不是輸出到終端;目錄(已存在的,或以 / 結尾)中每份文檔以通常的名稱保存。"),
    "help:import:force": ("Replace the output file if it exists.", "輸出文件已存在時替換它。"),
    "help:init": (
        "Start a plan repository in DIRECTORY (default: here): plancode.yaml, example plans,\n"
        "JSON Schemas and editor settings, the GitHub workflow, the pre-commit config and\n"
        ".gitattributes. The example plans are written in --locale (default zh-CN, Simplified\n"
        "Chinese). Existing files are never replaced: they are skipped and named.",
        "在 DIRECTORY(預設:這裡)建立計劃倉庫。寫入 plancode.yaml、示例計劃、JSON Schema 和編輯器設定、"
        "GitHub 工作流、pre-commit 配置和 .gitattributes。示例計劃用 --locale 的語言書寫(預設 zh-CN,簡體中文)。"
        "已存在的文件絕不替換:跳過並列出。"),
    "help:init:action": (
        "The GitHub repository and ref the workflow, the pre-commit hook and the install point at (default: "
        "this plancode's repository and version, from its metadata).",
        "工作流、pre-commit 鉤子和安裝步驟所指向的 GitHub 倉庫和版本(預設:取自本 plancode 元數據的倉庫和版本)。"),
    "help:log": (
        "The history of one task (WORKSTREAM/TASK, or its bare id when unique) or goal:\n"
        "each commit that changed it, newest first. Exit 2 outside git or for an unknown ID.",
        "一個任務(WORKSTREAM/TASK,唯一時可只寫 id)或目標的修改歷史。列出修改過它的每個提交,最新的在前。"
        "不在 git 中或 ID 不存在時退出碼為 2。"),
    "help:log:max_count": ("Only the latest N commits that changed ID.", "只列出修改過 ID 的最近 N 個提交。"),
    "help:new": ("Create a plan file from the plans (a weekly-report skeleton).",
                 "根據計劃建立計劃文件(周報骨架)。"),
    "help:notify": (
        "Send the alerts at as_of (overdue, behind plan without adjustment, missing weekly\n"
        "reports, KPI deviations, forecast slips) to the team chat, one message per department.\n"
        "The URL and secret come from PLANCODE_WEBHOOK_URL and PLANCODE_WEBHOOK_SECRET.",
        "把預警發送到團隊群聊。內容為截至日期的逾期、落後且沒有調整措施、缺少周報、KPI 偏差和預計延誤,每個部門一條消息。"
        "URL 和密鑰取自 PLANCODE_WEBHOOK_URL 和 PLANCODE_WEBHOOK_SECRET。"),
    "help:notify:channel": ("The chat robot's format: DingTalk and Feishu are signed with PLANCODE_WEBHOOK_SECRET.",
                            "群聊機器人的格式:釘釘和飛書用 PLANCODE_WEBHOOK_SECRET 簽名。"),
    "help:notify:dry_run": ("Print the messages; send nothing.", "只輸出消息,不發送。"),
    "help:textconv": (
        "Print FILE as one fact per line (for `git config diff.plancode.textconv`).\n"
        "A file that is not a readable plan is printed unchanged.",
        "把 FILE 逐行輸出為事實(供 `git config diff.plancode.textconv` 使用)。不是可讀計劃的文件原樣輸出。"),
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
    return _short(m.text(doc)) if doc else command.get_short_help_str(limit)


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
    text = text.replace("  [required]", "  [" + m("help-required") + "]").replace("; required]", "; " + m("help-required") + "]")
    return text.replace(CATALOG[f"help:{G}:help"][0], m(f"help:{G}:help"))


def localize(command: click.Command) -> click.Command:
    """Make ``command``'s ``--help`` follow the help locale (once)."""
    if "get_help" not in vars(command):
        base = type(command).get_help
        command.get_help = lambda ctx: get_help(command, ctx, base)  # type: ignore[method-assign]
    return command
