"""Messages in the three locales of the product: ``en``, ``zh-TW`` and ``zh-CN``.

Every sentence a user reads goes through :class:`Messages`, keyed by a stable message id,
so that a finding reads the same in the terminal, in CI annotations and in the site.

The Chinese is written once, in Traditional characters (the catalogue's second column);
``zh-TW`` shows it as written and ``zh-CN`` shows it converted to Simplified by OpenCC
(``t2s``, characters only: the catalogue already uses mainland vocabulary such as 文件,
and a few Taiwanese terms are mapped by :data:`MAINLAND_TERMS`). Only plancode's own
templates are converted, before the values are put in: a user's names, titles and notes
reach the output exactly as written.

English plurals: ``{files:plural:file:files}`` in an English template writes the word
that fits the number (``1 file``, ``2 files``).
"""

from __future__ import annotations

import string

LOCALES = ("zh-CN", "zh-TW", "en")
DEFAULT_LOCALE = "en"


def is_chinese(locale: str | None) -> bool:
    """zh-CN and zh-TW: the locales that read the catalogue's Chinese column."""
    return bool(locale) and str(locale).startswith("zh")


#: Taiwanese terms in the catalogue and their mainland words, applied after ``t2s``
#: (OpenCC's ``tw2sp`` would also turn the mainland 文件 "file" into 文档 "document").
MAINLAND_TERMS = {
    "字元": "字符", "栏位": "字段", "缩排": "缩进", "回圈": "循环", "连结": "链接",
    "程式": "程序", "预设": "默认", "资料": "数据", "讯息": "消息", "档案": "文件",
    "全形": "全角", "半形": "半角",
}

# message id -> (English, Traditional Chinese)
CATALOG: dict[str, tuple[str, str]] = {
    # --- PC100 / PC106: reading files -------------------------------------------------
    "yaml-syntax": (
        "this is not valid YAML: {reason}",
        "YAML 語法錯誤:{reason}",
    ),
    "yaml-syntax-hint-tab": (
        "indent with spaces; YAML does not allow tabs",
        "請用空格縮排,YAML 不允許 Tab",
    ),
    "yaml-syntax-hint-colon": (
        "a `key: value` needs a space after the colon, and nested lines must be indented "
        "consistently; quote text that contains ': '",
        "`鍵: 值` 的冒號後需要一個空格,子項縮排要一致;含有「: 」的文字請加引號",
    ),
    "yaml-syntax-hint-quote": (
        "text that starts with a quote, `[`, `{{`, `*`, `&`, `!`, `|`, `>`, `%` or `@` must be "
        "quoted as a whole",
        "以引號、`[`、`{{`、`*`、`&`、`!`、`|`、`>`、`%` 或 `@` 開頭的文字須整段加引號",
    ),
    "yaml-syntax-hint-full-width": (
        "`{mark}` is the full-width mark a Chinese input method types: YAML needs the ASCII `{ascii}` "
        "(and a space after `:`) — switch the input method to half-width, or replace it",
        "`{mark}` 是中文輸入法的全形標點,YAML 需要半形的 `{ascii}`(`:` 後還要一個空格):"
        "請把輸入法切換到半形,或替換這個符號",
    ),
    "yaml-control-character": (
        "the file contains the control character {character}, which YAML does not allow",
        "文件含有 YAML 不允許的控制字元 {character}",
    ),
    "yaml-control-character-hint": (
        "delete it; it often comes from copying text out of another program",
        "請刪除它;它通常來自從其他程式複製的文字",
    ),
    "yaml-multi-doc": (
        "a plan file holds one YAML document, but a second one starts here",
        "一個計劃文件只能有一份 YAML 文檔,這裡開始了第二份",
    ),
    "yaml-multi-doc-hint": (
        "split the file in two, or remove the `---` line",
        "把文件拆成兩個,或刪除 `---` 這一行",
    ),
    "yaml-bad-value": (
        "cannot read this value: {reason}",
        "無法讀取這個值:{reason}",
    ),
    "yaml-key-not-text": (
        "a key must be plain text",
        "鍵必須是純文字",
    ),
    "duplicate-key": (
        "`{key}` appears twice in the same block (first at line {first}); only the last "
        "one would count",
        "`{key}` 在同一層出現了兩次(第一次在第 {first} 行),只有最後一個會生效",
    ),
    "duplicate-key-hint": (
        "delete one of the two, or merge them",
        "刪除其中一個,或把兩者合併",
    ),
    "file-too-large": (
        "the file is {size} bytes, more than the limit of {limit}",
        "文件大小 {size} 字節,超過上限 {limit}",
    ),
    "file-too-large-hint": (
        "split it into several plan files, or raise `limits.max_file_bytes` in plancode.yaml",
        "請拆成多個計劃文件,或在 plancode.yaml 調高 `limits.max_file_bytes`",
    ),
    "file-encoding": (
        "the file is not UTF-8; it looks like {encoding}",
        "文件不是 UTF-8 編碼,看起來是 {encoding}",
    ),
    "file-encoding-hint": (
        "save it as UTF-8 in your editor, or convert it: iconv -f {iconv} -t UTF-8 "
        "{name} > {name}.utf8 && mv {name}.utf8 {name}",
        "請在編輯器中另存為 UTF-8,或轉換:iconv -f {iconv} -t UTF-8 {name} > "
        "{name}.utf8 && mv {name}.utf8 {name}",
    ),
    "file-unreadable": (
        "cannot read the file: {reason}",
        "無法讀取文件:{reason}",
    ),
    "file-too-deep": (
        "the file nests more than {limit} levels deep",
        "文件嵌套超過 {limit} 層",
    ),
    "file-too-deep-hint": (
        "plans need only a few levels; flatten the structure",
        "計劃只需要幾層結構,請把結構攤平",
    ),
    "file-alias-bomb": (
        "the file's aliases (`*name`) expand to more than {limit} values",
        "文件中的別名(`*name`)展開後超過 {limit} 個值",
    ),
    "file-too-many-aliases": (
        "the file uses more than {limit} aliases (`*name`)",
        "文件使用了超過 {limit} 個別名(`*name`)",
    ),
    "file-alias-recursive": (
        "an alias (`*name`) refers to the block that contains it",
        "別名(`*name`)引用了包含它自身的區塊",
    ),
    "file-alias-hint": (
        "write the values out instead of reusing them through anchors and aliases",
        "請直接寫出這些值,不要透過錨點和別名重複引用",
    ),
    "file-symlink-outside": (
        "this is a symbolic link to {target}, outside the repository; it is not read",
        "這是指向倉庫之外 {target} 的符號連結,不會讀取",
    ),
    "file-symlink-loop": (
        "this symbolic link never reaches a file: it leads back to itself (a loop); it is not read",
        "這個符號連結最終指回自身(迴圈),沒有指向任何文件,不會讀取",
    ),
    "file-symlink-dangling": (
        "this symbolic link points to {target}, a file that does not exist (moved or deleted?); it is not read",
        "這個符號連結指向的 {target} 不存在(文件已移動或刪除?),不會讀取",
    ),
    # --- PC103: kind ---------------------------------------------------------------------
    "kind-missing": (
        "the file has no `kind:`; plancode cannot tell what it is",
        "文件缺少 `kind:`,無法判斷它是什麼計劃",
    ),
    "kind-unknown": (
        "`kind: {kind}` is not a kind of plan file",
        "`kind: {kind}` 不是有效的計劃類型",
    ),
    "kind-hint": (
        "add `kind:` with one of: {kinds}",
        "請加上 `kind:`,可選:{kinds}",
    ),
    "not-a-mapping": (
        "a plan file must be a set of `key: value` lines, starting with `kind:`",
        "計劃文件必須由 `鍵: 值` 組成,並以 `kind:` 開頭",
    ),
    # --- PC101: schema ---------------------------------------------------------------------
    "schema-unknown-field": (
        "`{field}` is not a field of {where}",
        "{where}沒有 `{field}` 這個欄位",
    ),
    "schema-unknown-field-hint": (
        "did you mean `{suggestion}`?",
        "是不是想寫 `{suggestion}`?",
    ),
    "schema-unknown-field-hint-list": (
        "allowed fields: {allowed}",
        "可用欄位:{allowed}",
    ),
    "schema-required": (
        "{where} needs `{field}`",
        "{where}缺少 `{field}`",
    ),
    "schema-type": (
        "`{field}` should be {expected}, not {actual}",
        "`{field}` 應為{expected},而不是{actual}",
    ),
    "schema-enum": (
        "`{field}` is {value}; allowed values: {allowed}",
        "`{field}` 的值是 {value},可選值:{allowed}",
    ),
    "schema-const": (
        "`{field}` must be {expected}",
        "`{field}` 必須是 {expected}",
    ),
    "schema-date": (
        "`{field}` is {value}, which is not a calendar date (YYYY-MM-DD)",
        "`{field}` 的值 {value} 不是有效日期(格式 YYYY-MM-DD)",
    ),
    "schema-week": (
        "`{field}` is {value}, which is not an ISO week (YYYY-Www, e.g. 2024-W24)",
        "`{field}` 的值 {value} 不是有效的 ISO 周(格式 YYYY-Www,例如 2024-W24)",
    ),
    "schema-id": (
        "`{field}` is {value}; an id uses letters, digits, `.`, `_` and `-`, and starts "
        "with a letter or digit",
        "`{field}` 的值 {value} 不是有效的 id:只能用英文字母、數字、`.`、`_`、`-`,"
        "並以字母或數字開頭",
    ),
    "schema-pattern": (
        "`{field}` is {value}, which does not have the expected form",
        "`{field}` 的值 {value} 格式不正確",
    ),
    "schema-github-at": (
        "`{field}` is {value}: write the GitHub user name without the @ (`{field}: {name}`)",
        "`{field}` 的值 {value}:GitHub 帳號不要加 @(寫成 `{field}: {name}`)",
    ),
    "schema-period": (
        "`{field}` is {value}; a period is YYYY, YYYY-H1, YYYY-Q3, YYYY-MM or "
        "{{start: DATE, end: DATE}}",
        "`{field}` 的值 {value} 不是有效期間:可寫 YYYY、YYYY-H1、YYYY-Q3、YYYY-MM 或 "
        "{{start: 日期, end: 日期}}",
    ),
    "schema-minimum": (
        "`{field}` is {value}; it must be at least {limit}",
        "`{field}` 的值 {value} 不能小於 {limit}",
    ),
    "schema-maximum": (
        "`{field}` is {value}; it must be at most {limit}",
        "`{field}` 的值 {value} 不能大於 {limit}",
    ),
    "schema-unique": (
        "`{field}` lists the same item twice",
        "`{field}` 中有重複的項目",
    ),
    "schema-length": (
        "`{field}` has the wrong number of items",
        "`{field}` 的項目數量不對",
    ),
    "schema-empty": (
        "`{field}` must not be empty",
        "`{field}` 不能為空",
    ),
    "schema-other": (
        "`{field}`: {reason}",
        "`{field}`:{reason}",
    ),
    "several-owners": (
        "`{field}` names more than one person ({value}); a task or goal has exactly one owner",
        "`{field}` 寫了多於一個人({value}),每個任務或目標只能有一位負責人",
    ),
    "several-owners-hint": (
        "keep one person id as `owner:` and list the others' departments under `support:`",
        "`owner:` 只保留一個人員 id,其他人的部門寫在 `support:`(配合部門)",
    ),
    "end-and-days": (
        "the task has both `end` and `days`; they could disagree",
        "任務同時寫了 `end` 和 `days`,兩者可能互相矛盾",
    ),
    "end-and-days-hint": (
        "keep `end` (the due date) or `days` (the duration, both ends included), not both",
        "只保留 `end`(完成日期)或 `days`(工期,含首尾兩天)其中之一",
    ),
    # --- PC104 / PC105 -------------------------------------------------------------------
    "duplicate-id": (
        "{what} id `{id}` is already used in {other}",
        "{what} id `{id}` 已在 {other} 使用",
    ),
    "duplicate-id-hint": (
        "ids must be unique; rename one of them",
        "id 必須唯一,請重新命名其中一個",
    ),
    "unknown-ref": (
        "{what} `{ref}` does not exist",
        "{what} `{ref}` 不存在",
    ),
    "unknown-ref-hint-suggest": (
        "did you mean `{suggestion}`?",
        "是不是想寫 `{suggestion}`?",
    ),
    "unknown-ref-hint-where": (
        "use an id defined in {where}",
        "請使用在 {where} 中定義的 id",
    ),
    # --- command line ----------------------------------------------------------------------
    "no-plans": (
        "no plans found: {path} does not exist",
        "找不到計劃:{path} 不存在",
    ),
    "config-not-a-plan": (
        "{path} is plancode's config file, not a plan: every command reads and checks it (it is valid); "
        "`plancode check` without it checks the plans",
        "{path} 是 plancode 的配置文件,不是計劃:每個命令都會讀取並檢查它(它沒有問題);"
        "不帶它執行 `plancode check` 即可檢查計劃",
    ),
    "no-plan-repository": (
        "this is not a plan repository: no plancode.yaml here or in a folder above, and no "
        "{path} folder; `plancode init` starts one here (or cd into your plan repository)",
        "這裡不是計劃倉庫:本目錄及上層目錄都沒有 plancode.yaml,也沒有 {path} 目錄;"
        "執行 `plancode init` 在這裡建立一個(或先 cd 進入你們的計劃倉庫)",
    ),
    "no-plan-files": (
        "no plan files (*.yaml, *.yml) under {path}",
        "{path} 下沒有計劃文件(*.yaml、*.yml)",
    ),
    "unknown-rule-code": ("unknown rule code {code}", "沒有 {code} 這個規則代碼"),
    "rules-list-them": ("`plancode rules` lists them", "`plancode rules` 列出全部規則"),
    "explain-options": ("Options: {options}", "相關設定:{options}"),
    "export-no-xlsx": (
        "{what} have no spreadsheet template; use --format json or csv",
        "{what} 沒有對應的 Excel 模板,請用 --format json 或 csv",
    ),
    "summary-clean": (
        "{files} {files:plural:file:files} checked, no problems",
        "已檢查 {files} 個文件,沒有問題",
    ),
    "summary": (
        "{files} {files:plural:file:files} checked: {errors} {errors:plural:error:errors}, "
        "{warnings} {warnings:plural:warning:warnings}, {infos} {infos:plural:note:notes}",
        "已檢查 {files} 個文件:{errors} 個錯誤,{warnings} 個警告,{infos} 個提示",
    ),
}

# the severity words of findings (text output, the site)
SEVERITY_WORDS: dict[str, tuple[str, str]] = {
    "error": ("error", "錯誤"),
    "warning": ("warning", "警告"),
    "info": ("info", "提示"),
}

# Names of things, used inside messages.
NOUNS: dict[str, tuple[str, str]] = {
    "team": ("the team file", "團隊文件"),
    "strategy": ("a strategy", "策略"),
    "workstream": ("a workstream", "工作流"),
    "report": ("a weekly report", "周報"),
    "review": ("a review", "評估"),
    "config": ("plancode.yaml", "plancode.yaml"),
    "goal": ("goal", "目標"),
    "task": ("task", "任務"),
    "department": ("department", "部門"),
    "person": ("person", "人員"),
    "metric": ("a metric", "指標"),
    "budget": ("a budget", "預算"),
    "risk": ("a risk", "風險"),
    "entry": ("a report entry", "周報條目"),
    "row": ("a review row", "評估行"),
    "kpi": ("a KPI value", "KPI 數值"),
    "string": ("text", "文字"),
    "integer": ("a whole number", "整數"),
    "number": ("a number", "數字"),
    "boolean": ("true or false", "true 或 false"),
    "array": ("a list", "列表"),
    "object": ("a set of `key: value` lines", "`鍵: 值` 區塊"),
    "null": ("empty", "空值"),
}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add a module's messages (a rule family keeps its sentences beside its checks)."""
    clashes = CATALOG.keys() & messages.keys()
    if clashes:
        raise ValueError(f"message ids registered twice: {sorted(clashes)}")
    CATALOG.update(messages)


class _Formatter(string.Formatter):
    """str.format plus ``{n:plural:one:many}``."""

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            _, one, many = format_spec.split(":", 2)
            return one if value == 1 else many
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def pick(pair: tuple[str, str], locale: str | None) -> str:
    """The text of an (English, Traditional Chinese) pair in ``locale``: the Chinese is
    converted to Simplified for zh-CN."""
    if not is_chinese(locale):
        return pair[0]
    return simplified(pair[1]) if locale == "zh-CN" else pair[1]


def simplified(text: str) -> str:
    """plancode's own Traditional text in Simplified characters (memoised; see
    :mod:`plancode.simplify` for the converter and its on-disk memo)."""
    from .simplify import to_simplified

    return to_simplified(text)


class Messages:
    """The catalogue in one locale: ``messages("duplicate-key", key="id", first=3)``."""

    def __init__(self, locale: str = DEFAULT_LOCALE):
        if locale not in LOCALES:
            raise ValueError(f"unknown locale {locale!r}")
        self.locale = locale
        self.chinese = is_chinese(locale)
        self._index = 1 if self.chinese else 0

    def text(self, pair: tuple[str, str]) -> str:
        """Any (English, Traditional Chinese) pair in this locale."""
        return pick(pair, self.locale)

    def __call__(self, message_id: str, **values: object) -> str:
        template = pick(CATALOG[message_id], self.locale)
        if "plural:" in template:
            return _FORMATTER.format(template, **values)
        return template.format(**values)

    def noun(self, name: str) -> str:
        pair = NOUNS.get(name)
        return pick(pair, self.locale) if pair else name

    def severity(self, severity: object) -> str:
        """error / warning / info as words of this locale."""
        return self.text(SEVERITY_WORDS.get(str(severity), (str(severity), str(severity))))

    @property
    def separator(self) -> str:
        """Between the items of a list in running text: 、 in Chinese, ', ' in English."""
        return "、" if self.chinese else ", "
