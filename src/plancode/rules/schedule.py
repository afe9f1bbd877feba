"""PC4 · schedule: dates, dependencies, milestones, overdue and lagging tasks.

One finding per problem: a task whose end comes before its start (PC401) is reported
once, and neither it nor the tasks whose start is derived from its dates are judged on
overlap, overdue, lag or milestone length — those figures are meaningless until the dates
are fixed. A dependency cycle (PC403) is reported once, at its first task.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from .. import i18n
from ..model import Plan, Task
from ..problems import Finding, Severity
from . import Context, rule
from ..model.forecast import link_start
from .lookup import closest_task, per_plan

i18n.register({
    # PC401
    "end-before-start": (
        "task {task} ends on {end}, before it starts on {start}",
        "任務 {task} 的結束日期 {end} 早於開始日期 {start}",
    ),
    "end-before-start-hint": (
        "correct `end` (the last day of work, included) or `start`; a one-day task starts "
        "and ends on the same day",
        "請修正 `end`(最後一個工作日,含當天)或 `start`;一天的任務開始與結束是同一天",
    ),
    "end-before-start-derived": (
        "task {task} ends on {end}, before it can start on {start}, the day after its "
        "predecessor {predecessor} ends",
        "任務 {task} 的結束日期 {end} 早於它能開始的日期 {start}(前置任務 {predecessor} "
        "結束後的第二天)",
    ),
    "end-before-start-derived-hint": (
        "move `end` to {start} or later; if the work really overlaps its predecessor, "
        "write `start:` explicitly",
        "請把 `end` 改為 {start} 或之後;如果確實與前置任務並行,請明確寫出 `start:`",
    ),
    # PC402
    "unknown-predecessor": (
        "task {task} comes after `{ref}`, which is not a task",
        "任務 {task} 的前置任務 `{ref}` 不存在",
    ),
    "unknown-predecessor-hint-suggest": (
        "did you mean `{suggestion}`?",
        "是不是想寫 `{suggestion}`?",
    ),
    "unknown-predecessor-hint-where": (
        "write `TASK` for a task of this workstream, or `WORKSTREAM/TASK` for a task of "
        "another workstream",
        "同一工作流的任務寫 `任務id`,其他工作流的任務寫 `工作流id/任務id`",
    ),
    # PC403
    "dependency-cycle": (
        "tasks wait for each other in a circle: {cycle}; none of them can ever start",
        "任務之間形成循環依賴:{cycle},其中任何一個都無法開始",
    ),
    "dependency-cycle-hint": (
        "remove the `after:` link that leads back to the start of the circle",
        "請刪除指回循環起點的那個 `after:` 前置任務",
    ),
    # PC404
    "starts-before-predecessor": (
        "task {task} starts on {start}, before its predecessor {predecessor} ends on {end}: "
        "{days} day{s} overlap",
        "任務 {task} 於 {start} 開始,早於前置任務 {predecessor} 的結束日期 {end}:"
        "兩者重疊 {days} 天",
    ),
    "starts-before-predecessor-hint": (
        "if the overlap is intended, add `# plancode: ignore[PC404]` to the `start:` line; "
        "otherwise start on {next} or later, or drop `start:` so the task starts the day "
        "after its predecessor",
        "如果是有意並行,請在 `start:` 這一行加上 `# plancode: ignore[PC404]`;否則把開始日期"
        "改為 {next} 或之後,或刪除 `start:`,讓任務在前置任務結束後一天開始",
    ),
    # PC405
    "overdue": (
        "task {task} was due on {end} and is {days} day{s} overdue at {as_of}, at {progress}% "
        "progress",
        "任務 {task} 應於 {end} 完成,截至 {as_of} 已逾期 {days} 天,進度 {progress}%",
    ),
    "overdue-milestone": (
        "milestone {task} was due on {end} and is {days} day{s} overdue at {as_of}, at "
        "{progress}% progress",
        "里程碑 {task} 應於 {end} 達成,截至 {as_of} 已逾期 {days} 天,進度 {progress}%",
    ),
    "overdue-hint": (
        "finish it and report 100 in the weekly report, or agree a new `end` and write the "
        "adjustment (`adjustment:`) in the weekly report",
        "完成後在周報中報告進度 100;或重新約定 `end`,並在周報中寫明調整措施(`adjustment:`)",
    ),
    # PC406
    "behind-plan": (
        "task {task} is {lag} points behind plan at {as_of}: planned {planned}%, "
        "actual {actual}% ({source})",
        "任務 {task} 截至 {as_of} 落後計劃 {lag} 個百分點:計劃進度 {planned}%,"
        "實際進度 {actual}%({source})",
    ),
    "behind-plan-source-report": (
        "from the {week} report",
        "來自 {week} 周報",
    ),
    "behind-plan-source-task": (
        "the task's own `progress`",
        "任務自身的 `progress`",
    ),
    "behind-plan-source-none": (
        "no progress reported yet",
        "尚未報告進度",
    ),
    "behind-plan-hint": (
        "the owner analyses the cause and posts an adjustment (`adjustment:`) in the weekly "
        "report within 24 hours; if the plan itself was wrong, re-plan `start`/`end`",
        "負責人須在 24 小時內分析原因,並在周報中填寫調整措施(`adjustment:`);"
        "如果是計劃本身不合理,請重新安排 `start`/`end`",
    ),
    # PC407
    "milestone-too-long": (
        "milestone {task} lasts {days} days ({start} to {end}); a milestone is a one-day "
        "checkpoint",
        "里程碑 {task} 持續 {days} 天({start} 至 {end}),里程碑應是一天的檢查點",
    ),
    "milestone-too-long-hint": (
        "give it the same `start` and `end` (or `days: 1`); if this is a stretch of work, "
        "make it a task and put a one-day milestone after it",
        "請讓 `start` 與 `end` 為同一天(或 `days: 1`);如果這是一段工作,請改為普通任務,"
        "並在其後加一個一天的里程碑",
    ),
})


# --- shared helpers ---------------------------------------------------------------------------

def _ends_before_start(task: Task) -> bool:
    return task.start is not None and task.end is not None and task.end < task.start


def _misdated(plan: Plan) -> tuple[list[str], set[str]]:
    """:func:`_find_misdated`, once per plan: five rules of this module ask for it."""
    return per_plan(_find_misdated, plan)


def _find_misdated(plan: Plan) -> tuple[list[str], set[str]]:
    """(tasks to report under PC401, every task whose dates cannot be trusted).

    A task whose start is derived from a misdated predecessor inherits the mistake: it is
    neither reported under PC401 itself nor judged by the other date rules. Walked in
    dependency order; tasks in or behind a cycle have no derived dates, so for them only a
    written start can be wrong.
    """
    tasks = plan.tasks
    pending = {full: len(task.predecessors) for full, task in tasks.items()}
    ready = [full for full, count in pending.items() if count == 0]
    wrong: set[str] = set()
    untrusted: set[str] = set()
    visited: set[str] = set()
    while ready:
        full = ready.pop()
        visited.add(full)
        task = tasks[full]
        if not task.start_written and any(p in untrusted for p in task.predecessors):
            untrusted.add(full)
        elif _ends_before_start(task):
            wrong.add(full)
            untrusted.add(full)
        for successor in task.successors:
            pending[successor] -= 1
            if pending[successor] == 0:
                ready.append(successor)
    for full, task in tasks.items():
        if full not in visited and _ends_before_start(task):
            wrong.add(full)
            untrusted.add(full)
    return [full for full in tasks if full in wrong], untrusted


def _percent(value: float) -> str:
    """A percentage as people write it: 90, 54.5 (one decimal at most)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _written(task: Task, key: str) -> bool:
    """Whether ``key`` is written on the task in its file (not derived by the model)."""
    node: Any = task.source.doc.data
    for step in task.source.pointer:
        node = node[step]
    return isinstance(node, dict) and key in node


def _allowed_by_link(plan: Plan, task: Task, predecessor: str) -> bool:
    """Whether a link with a lag or start-to-start (SPEC §5.4) allows the task's start."""
    for full, lag, kind in task.links:
        if full == predecessor and (lag or kind != "fs"):
            before = plan.tasks[full]
            allowed = link_start(before.start or before.end, before.end, lag, kind, plan.calendar)
            return task.start >= allowed
    return False


# --- rules --------------------------------------------------------------------------------------

@rule("PC401", "end-before-start", Severity.ERROR, ("End before start", "結束日期早於開始日期"))
def end_before_start(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A task ends before it starts. Its duration (工期, both ends included) comes out at
    zero or less, so the Gantt chart cannot draw it and its planned progress, overdue
    status and critical path mean nothing. Usually a typo in a month or day. When the
    start is not written but derived from `after:` (the day after the latest predecessor
    ends), the task ends before it can start.

    The tasks that derive their start from such a task are not reported again, and the
    task is not judged on overlap, overdue or lag until its dates are fixed.

    Failing:
    ```yaml
      - id: selection
        name: 選品與庫存對接
        owner: li.wei
        start: 2024-06-05
        end: 2024-05-15
    ```
    Fixed:
    ```yaml
      - id: selection
        name: 選品與庫存對接
        owner: li.wei
        start: 2024-06-05
        end: 2024-06-15
    ```
    """
    wrong, _ = _misdated(plan)
    for full in wrong:
        task = plan.tasks[full]
        where = task.source.pointer + ("end",)
        if task.start_written:
            message = ctx.messages("end-before-start", task=task.name, start=task.start, end=task.end)
            yield Finding("PC401", message, task.source.doc, where,
                          hint=ctx.messages("end-before-start-hint"))
            continue
        latest = max((plan.tasks[p] for p in task.predecessors), key=lambda p: p.end)
        yield Finding(
            "PC401",
            ctx.messages("end-before-start-derived", task=task.name, start=task.start, end=task.end,
                         predecessor=latest.name),
            task.source.doc, where,
            hint=ctx.messages("end-before-start-derived-hint", start=task.start),
        )


@rule("PC402", "unknown-predecessor", Severity.ERROR, ("Unknown predecessor", "前置任務不存在"))
def unknown_predecessor(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A task's `after:` (前置任務) names a task that does not exist. The dependency is lost:
    the task's derived start, the critical path and the overlap check all ignore it. A
    task of the same workstream is written `TASK`; a task of another workstream
    `WORKSTREAM/TASK`. The finding suggests the closest existing task. A reference into a
    workstream file that failed validation is not reported again.

    Failing:
    ```yaml
      - id: script
        name: 直播腳本策劃
        owner: wang.fang
        after: [selecton]
    ```
    Fixed:
    ```yaml
      - id: script
        name: 直播腳本策劃
        owner: wang.fang
        after: [selection]
    ```
    """
    for task in plan.tasks.values():
        for index in task.unknown_after:
            ref = task.after[index]
            if _unavailable(plan, task, ref):
                continue
            suggestion = _closest_task(plan, task, ref)
            hint = (ctx.messages("unknown-predecessor-hint-suggest", suggestion=suggestion)
                    if suggestion else ctx.messages("unknown-predecessor-hint-where"))
            yield Finding("PC402", ctx.messages("unknown-predecessor", task=task.name, ref=ref),
                          task.source.doc, task.source.pointer + ("after", index), hint=hint)


def _unavailable(plan: Plan, task: Task, ref: str) -> bool:
    """The reference points into a file that failed validation (reported there)."""
    if "/" in ref:
        workstream = ref.split("/", 1)[0]
        return ref in plan.unavailable or (workstream in plan.unavailable
                                           and workstream not in plan.workstreams)
    return f"{task.workstream}/{ref}" in plan.unavailable


def _closest_task(plan: Plan, task: Task, ref: str) -> str | None:
    """The full id the user most likely meant (:func:`.lookup.closest_task`); a short id
    is looked for in the task's own workstream first."""
    workstream, short = ref.split("/", 1) if "/" in ref else (task.workstream, ref)
    return closest_task(plan, workstream, short, exclude=task.full_id)


@rule("PC403", "dependency-cycle", Severity.ERROR, ("Dependency cycle", "前置任務循環依賴"))
def dependency_cycle(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    Tasks wait for each other in a circle: A comes after C, C after B, B after A. None of
    them can ever start, and no start date can be derived for them or for the tasks that
    follow them. Each circle is reported once, at the `after:` of its first task in the
    file, naming the whole circle (`account → selection → script → account`; tasks of
    other workstreams by their full id `WORKSTREAM/TASK`).

    Failing:
    ```yaml
    tasks:
      - id: account
        name: 直播賬號搭建
        after: [script]
      - id: selection
        name: 選品與庫存對接
        after: [account]
      - id: script
        name: 直播腳本策劃
        after: [selection]
    ```
    Fixed:
    ```yaml
    tasks:
      - id: account
        name: 直播賬號搭建
      - id: selection
        name: 選品與庫存對接
        after: [account]
      - id: script
        name: 直播腳本策劃
        after: [selection]
    ```
    """
    position = {full: i for i, full in enumerate(plan.tasks)}
    for cycle in plan.cycles:
        members = cycle[:-1]  # the path is closed: its last id repeats the first
        first = min(range(len(members)), key=lambda i: position[members[i]])
        ordered = members[first:] + members[:first]
        task = plan.tasks[ordered[0]]
        one_stream = len({plan.tasks[m].workstream for m in ordered}) == 1
        names = [plan.tasks[m].id if one_stream else m for m in ordered]
        cycle_text = " → ".join(names + names[:1])
        yield Finding("PC403", ctx.messages("dependency-cycle", cycle=cycle_text), task.source.doc,
                      task.source.pointer + ("after",), key=True,
                      hint=ctx.messages("dependency-cycle-hint"))


@rule("PC404", "starts-before-predecessor", Severity.WARNING,
      ("Starts before a predecessor ends", "前置任務未結束即開始"))
def starts_before_predecessor(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A task's written `start` falls on or before the end of one of its predecessors
    (前置任務). Teams overlap work on purpose — the 抖音直播 Gantt starts 選品 before the
    account is set up — so this is a warning, never a refusal: it asks whether the
    overlap is intended, because a successor that starts early may have to redo work when
    its predecessor changes. The finding names the predecessor that ends last and how
    many days overlap.

    Only written starts are checked (a derived start is always the day after the
    predecessors end). A link that plans the overlap — `after: [{task: account, lag: -5}]`
    or start-to-start `{task: account, type: ss, lag: 2}` (SPEC §5.4) — allows it: a start
    on or after the day its link gives is not reported. Finished and cancelled tasks, cancelled predecessors and tasks in a
    dependency cycle (PC403) are left out. When the overlap is intended, say so with
    `# plancode: ignore[PC404]` on the `start:` line.

    Failing:
    ```yaml
      - id: account
        name: 直播賬號搭建
        start: 2024-06-01
        end: 2024-06-10
      - id: selection
        name: 選品與庫存對接
        after: [account]
        start: 2024-06-05
        end: 2024-06-15
    ```
    Fixed:
    ```yaml
      - id: account
        name: 直播賬號搭建
        start: 2024-06-01
        end: 2024-06-10
      - id: selection
        name: 選品與庫存對接
        after: [account]
        start: 2024-06-11
        end: 2024-06-21
    ```
    """
    _, untrusted = _misdated(plan)
    in_cycle = {full for cycle in plan.cycles for full in cycle}
    for task in plan.tasks.values():
        if (not task.start_written or task.start is None or task.full_id in untrusted
                or task.full_id in in_cycle or task.status in ("done", "cancelled")):
            continue
        overlapping = [
            plan.tasks[p] for p in task.predecessors
            if plan.tasks[p].end is not None and p not in untrusted
            and plan.tasks[p].status != "cancelled" and task.start <= plan.tasks[p].end
            and not _allowed_by_link(plan, task, p)
        ]
        if not overlapping:
            continue
        latest = max(overlapping, key=lambda p: p.end)
        # the days of this task that fall on or before the predecessor's last day
        last_shared = min(task.end, latest.end) if task.end is not None else latest.end
        days = (last_shared - task.start).days + 1
        yield Finding(
            "PC404",
            ctx.messages("starts-before-predecessor", task=task.name, start=task.start,
                         predecessor=latest.name, end=latest.end, days=days, s=_plural(days)),
            task.source.doc, task.source.pointer + ("start",),
            hint=ctx.messages("starts-before-predecessor-hint",
                              next=latest.end + dt.timedelta(days=1)),
        )


@rule("PC405", "overdue", Severity.WARNING, ("Overdue", "逾期"))
def overdue(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A task or milestone is past its end date and not finished: its end is before the
    as-of date (`as_of` in plancode.yaml, or today) and its current progress — from the
    latest weekly report, else its own `progress` — is below 100. Key projects get
    overdue alerts in the annual plan; a lagging task's owner analyses the cause and posts
    an adjustment within 24 hours. Blocked and cancelled tasks are not overdue; an
    overdue task is not also reported as behind plan (PC406). Tasks of an archived
    strategy (`archived: true`) are not reported.

    Failing (as of 2024-06-15):
    ```yaml
      - id: new-stores-batch1
        name: 拓展5家新門店
        owner: zheng.yu
        start: 2024-06-03
        end: 2024-06-14
        progress: 60
    ```
    Fixed: finish the work and report it, or agree a new end date:
    ```yaml
      - id: new-stores-batch1
        name: 拓展5家新門店
        owner: zheng.yu
        start: 2024-06-03
        end: 2024-06-28      # 區域競爭激烈,順延兩周(見 2024-W24 周報)
        progress: 60
    ```
    """
    _, untrusted = _misdated(plan)
    for task in plan.tasks.values():
        if (task.status != "overdue" or task.full_id in untrusted or task.end is None
                or task.archived):
            continue
        days = (plan.as_of - task.end).days
        message = "overdue-milestone" if task.milestone else "overdue"
        yield Finding(
            "PC405",
            ctx.messages(message, task=task.name, end=task.end, days=days, s=_plural(days),
                         as_of=plan.as_of, progress=_percent(task.progress)),
            task.source.doc, task.source.pointer + ("end",), hint=ctx.messages("overdue-hint"),
        )


@rule("PC406", "behind-plan", Severity.WARNING, ("Behind plan", "進度落後計劃"),
      options=("thresholds.schedule_lag",))
def behind_plan(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A task in progress is more than `thresholds.schedule_lag` points (default 10) behind
    where it should be at the as-of date. Planned progress grows linearly over the task's
    days (2024-06-10..2024-06-20 is 54.5% planned on 2024-06-15); actual progress comes
    from the latest weekly report, else the task's own `progress`. The templates' rule:
    a lagging task's owner analyses the cause and posts an adjustment (調整措施) within
    24 hours. Overdue tasks are reported by PC405 instead; finished, blocked and
    cancelled tasks are left out, and so are milestones: a one-day checkpoint has no
    progress curve (it is reached, or overdue), and the tasks of an archived strategy.
    With a working-day `calendar:` planned progress counts working days; a recurring task
    plans by occurrences ended (SPEC §5.2, §5.3).

    Failing (as of 2024-06-15):
    ```yaml
      - id: add-10-stores
        name: 增加10家合作門店
        owner: li.wei
        start: 2024-06-01
        end: 2024-06-20
        progress: 30         # planned: 75
    ```
    Fixed: catch up and report the progress, or re-plan:
    ```yaml
      - id: add-10-stores
        name: 增加10家合作門店
        owner: li.wei
        start: 2024-06-01
        end: 2024-07-10      # 區域競爭激烈,延長三周
        progress: 30
    ```
    """
    threshold = ctx.config.thresholds.schedule_lag
    _, untrusted = _misdated(plan)
    for task in plan.tasks.values():
        if (task.status != "in_progress" or task.milestone or task.lag is None
                or task.lag <= threshold or task.full_id in untrusted or task.archived):
            continue
        if task.progress_source:
            source = ctx.messages("behind-plan-source-report", week=task.progress_source)
        elif task.written_progress is not None:
            source = ctx.messages("behind-plan-source-task")
        else:
            source = ctx.messages("behind-plan-source-none")
        where = task.source.pointer + (("progress",) if task.written_progress is not None else ())
        yield Finding(
            "PC406",
            ctx.messages("behind-plan", task=task.name, lag=_percent(task.lag), as_of=plan.as_of,
                         planned=_percent(task.planned_progress), actual=_percent(task.progress),
                         source=source),
            task.source.doc, where, hint=ctx.messages("behind-plan-hint"),
        )


@rule("PC407", "milestone-too-long", Severity.ERROR, ("Milestone longer than one day", "里程碑超過一天"))
def milestone_too_long(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A milestone (里程碑, `milestone: true`) is a one-day checkpoint — 首場直播執行 on
    2024-06-25 — drawn as a diamond in the Gantt chart. A milestone that lasts several
    days is either a task in disguise or a typo in its dates, and its "reached or not"
    stays ambiguous for days.

    Failing:
    ```yaml
      - id: first-live
        name: 首場直播執行
        milestone: true
        start: 2024-06-25
        end: 2024-06-28
    ```
    Fixed:
    ```yaml
      - id: first-live
        name: 首場直播執行
        milestone: true
        start: 2024-06-25
        end: 2024-06-25
    ```
    """
    _, untrusted = _misdated(plan)
    for task in plan.tasks.values():
        if not task.milestone or task.days is None or task.days <= 1 or task.full_id in untrusted:
            continue
        where = "end" if _written(task, "end") or not _written(task, "days") else "days"
        yield Finding(
            "PC407",
            ctx.messages("milestone-too-long", task=task.name, days=task.days, start=task.start,
                         end=task.end),
            task.source.doc, task.source.pointer + (where,),
            hint=ctx.messages("milestone-too-long-hint"),
        )
