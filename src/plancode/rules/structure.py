"""PC1 · structure: can the plan be read at all? Found by the loader (PC100, PC102,
PC106), the schema validation (PC101, PC103) and the model (PC104, PC105)."""

from ..problems import Severity
from . import declare

declare("PC100", "yaml-syntax", Severity.ERROR, ("YAML syntax error", "YAML 語法錯誤"), """
    The file is not valid YAML, so nothing in it can be checked. The finding points at
    the line and column where the parser gave up, with its reason. The usual causes are a
    tab used for indentation, a missing space after `:`, inconsistent indentation, or text
    starting with a special character (`[`, `*`, `&`, `@`) that needs quotes.

    Failing:
    ```yaml
    tasks:
      - id: account
        name: 直播賬號搭建
       owner: chen.jie        # one space less than the line above
    ```
    Fixed:
    ```yaml
    tasks:
      - id: account
        name: 直播賬號搭建
        owner: chen.jie
    ```
    """)

declare("PC101", "schema-violation", Severity.ERROR, ("Not the plan format", "不符合計劃格式"), """
    A field is unknown (a typo such as `onwer:`), has the wrong type, or holds a value the
    format does not allow: a date that does not exist (`2024-02-30`), a `done:` other than
    yes/no/partial, a progress above 100. The plan format is the JSON Schema in
    `schema/KIND.schema.json` (`plancode schema KIND` prints it); an editor with the
    modeline `# yaml-language-server: $schema=…` shows these as you type.

    Failing:
    ```yaml
      - id: script
        name: 直播腳本策劃
        onwer: wang.fang
        end: 2024-06-31
    ```
    Fixed:
    ```yaml
      - id: script
        name: 直播腳本策劃
        owner: wang.fang
        end: 2024-06-30
    ```
    """)

declare("PC102", "duplicate-key", Severity.ERROR, ("Key written twice", "鍵重複"), """
    The same key appears twice in one block. YAML parsers silently keep the last one, so
    an edit made to the first is lost without a trace — a classic source of "the target
    changed and nobody knows why".

    Failing:
    ```yaml
    metric: {name: 銷售額, unit: 萬元, target: 1300}
    owner: zhang.min
    owner: wang.fang
    ```
    Fixed:
    ```yaml
    metric: {name: 銷售額, unit: 萬元, target: 1300}
    owner: zhang.min
    ```
    """)

declare("PC103", "kind-unknown", Severity.ERROR, ("Unknown or missing kind", "缺少或未知的 kind"), """
    Every plan file says what it is with `kind:` — team, strategy, workstream, report or
    review. The layout of folders is free, so without `kind:` plancode cannot tell a
    weekly report from a Gantt.

    Failing:
    ```yaml
    week: 2024-W24
    department: marketing
    ```
    Fixed:
    ```yaml
    kind: report
    week: 2024-W24
    department: marketing
    ```
    """)

declare("PC104", "duplicate-id", Severity.ERROR, ("Duplicate id", "id 重複"), """
    Ids are how plans refer to each other: a task names its goal, a report names its
    task. Two goals (or people, departments, workstreams) with the same id, anywhere in
    the repository, or two tasks with the same id in one workstream, make those
    references ambiguous. Two weekly reports of the same department for the same week
    are duplicates too.

    Failing:
    ```yaml
    goals:
      - id: online-up-35
        title: 線上渠道銷售額提升35%
      - id: online-up-35
        title: 小紅書種草筆記50篇
    ```
    Fixed:
    ```yaml
    goals:
      - id: online-up-35
        title: 線上渠道銷售額提升35%
      - id: xhs-notes-50
        title: 小紅書種草筆記50篇
    ```
    """)

declare("PC105", "unresolved-reference", Severity.ERROR, ("Unknown goal or department", "引用的目標或部門不存在"), """
    A `goal:` names no goal of any strategy, or a department (`department:`, `support:`,
    `parent:`) is not in the team file. The decomposition from strategy to task breaks at
    that point: the task's progress no longer rolls up, the report lands nowhere.
    (Unknown people are PC202, unknown predecessors PC402, unknown report tasks PC601.)

    Failing:
    ```yaml
    kind: workstream
    id: douyin-live
    goal: online-up-53
    ```
    Fixed:
    ```yaml
    kind: workstream
    id: douyin-live
    goal: online-up-35
    ```
    """)

declare("PC106", "unreadable-file", Severity.ERROR, ("Unreadable file", "無法讀取的文件"), """
    The file cannot be read safely: it is not UTF-8 (files saved as GB18030/GBK or Big5
    by older editors are common — the finding names the encoding and the command that
    converts it), it is larger than `limits.max_file_bytes`, it nests deeper than
    `limits.max_depth`, its aliases expand beyond reason (an "alias bomb"), or it is a
    symbolic link out of the repository, one that leads back to itself (a loop), or one
    that points to a file that does not exist — a plan moved or deleted under the link
    (editors' lock files, `.#plan.yaml`, are dot-files and never read). Plan files are
    untrusted input from many contributors; these limits keep `plancode check` fast and
    safe in CI.

    Failing: a file saved in GB18030.
    Fixed: `iconv -f GB18030 -t UTF-8 plan.yaml > plan.utf8 && mv plan.utf8 plan.yaml`,
    or "Save with encoding → UTF-8" in the editor.
    """, options=("limits.max_file_bytes", "limits.max_depth", "limits.max_aliases"))
