"""PC3 · SMART goals and tasks: specific, measurable, achievable, relevant, time-bound.

Each letter is one rule. They read the goal tree and the tasks as modelled; unknown goal
ids are PC105 and never reported here again.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

from .. import i18n
from ..model import Plan
from ..model.entities import Goal, Metric, Source, Strategy, Task
from ..model.figures import round_half_up
from ..problems import Finding, Severity
from . import Context, rule

i18n.register({
    "smart-record-goal": ("goal {name}", "目標「{name}」"),
    "smart-record-task": ("task {name}", "任務「{name}」"),
    # --- PC301 -------------------------------------------------------------------------------
    "not-specific": (
        "{record} only says what to do better, not by how much: the title names no number, "
        "metric or deliverable, and there is no `metric:`",
        "{record}只說要做得更好,沒有說到什麼程度:標題沒有數字、指標或交付物,也沒有 `metric:`",
    ),
    "not-specific-hint-goal": (
        "name the figure and the target in the title (e.g. 線上銷售額提升35%), and add "
        "`metric: {{name, unit, baseline, target}}`",
        "在標題寫出指標和目標值(例如「線上銷售額提升35%」),並加上 `metric: {{name, unit, baseline, target}}`",
    ),
    "not-specific-hint-task": (
        "say what is delivered (e.g. 發布5條抖音短視頻) in the name or in `deliverable:`, "
        "or add a `metric:`",
        "在名稱或 `deliverable:` 寫出交付物(例如「發布5條抖音短視頻」),或加上 `metric:`",
    ),
    # --- PC302 -------------------------------------------------------------------------------
    "not-measurable-goal-metric": (
        "goal {name} has no metric, so nobody can tell whether it was reached",
        "目標「{name}」沒有量化指標,無法判斷是否達成",
    ),
    "not-measurable-goal-metric-hint": (
        "add `metric: {{name, unit, baseline, target}}`, e.g. {{name: 線上銷售額, unit: 萬元, "
        "baseline: 500, target: 675}}; a goal that cannot be a number is `class: soft`",
        "請加上 `metric: {{name, unit, baseline, target}}`,例如 {{name: 線上銷售額, unit: 萬元, "
        "baseline: 500, target: 675}};無法量化的目標請標為 `class: soft`",
    ),
    "not-measurable-goal-target": (
        "goal {name}: metric {metric} has no `target`, so its achievement cannot be computed",
        "目標「{name}」:指標「{metric}」沒有 `target`(目標值),無法計算達成率",
    ),
    "not-measurable-target-hint": (
        "add the number to reach as `target:`, in the metric's unit",
        "請以指標的單位在 `target:` 寫上要達到的數值",
    ),
    "not-measurable-target-unit-hint": (
        "add the number to reach as `target:`, and its unit as `unit:` (萬元, 條, %, 元/人 …)",
        "請在 `target:` 寫上要達到的數值,並在 `unit:` 寫上單位(萬元、條、%、元/人……)",
    ),
    "not-measurable-goal-unit": (
        "goal {name}: metric {metric} has no `unit`, so {target} could mean 元 or 萬元",
        "目標「{name}」:指標「{metric}」沒有 `unit`(單位),{target} 可能是元也可能是萬元",
    ),
    "not-measurable-goal-unit-hint": (
        "add `unit:` to the metric, e.g. 萬元, 條, 次, % or 元/人",
        "請在指標加上 `unit:`,例如 萬元、條、次、% 或 元/人",
    ),
    "not-measurable-task": (
        "task {name} has neither a `deliverable` nor a `metric`, so nobody can tell when it "
        "is done",
        "任務「{name}」既沒有 `deliverable`(交付標準)也沒有 `metric`,無法判斷何時完成",
    ),
    "not-measurable-task-hint": (
        "add `deliverable:` (e.g. 首場直播腳本通過市場部審核) or a `metric:` with a `target`",
        "請加上 `deliverable:`(例如「首場直播腳本通過市場部審核」)或帶 `target` 的 `metric:`",
    ),
    "not-measurable-task-target": (
        "task {name}: metric {metric} has no `target` and the task has no `deliverable`",
        "任務「{name}」:指標「{metric}」沒有 `target`,任務也沒有 `deliverable`(交付標準)",
    ),
    # --- PC303 -------------------------------------------------------------------------------
    "not-achievable-up": (
        "{record}: {metric} from {baseline} to {target}{unit} is a growth of {growth}%, "
        "more than the growth cap of {cap}%",
        "{record}:{metric}從 {baseline} 到 {target}{unit},增長 {growth}%,超過增長上限 {cap}%",
    ),
    "not-achievable-down": (
        "{record}: {metric} down from {baseline} to {target}{unit} is an improvement of "
        "{growth}% (baseline ÷ target), more than the growth cap of {cap}%",
        "{record}:{metric}從 {baseline} 降到 {target}{unit},改善 {growth}%(基準值 ÷ 目標值),"
        "超過增長上限 {cap}%",
    ),
    "not-achievable-zero": (
        "{record}: {metric} down from {baseline} to {target}{unit}: a lower-is-better "
        "figure cannot be planned down to zero or below",
        "{record}:{metric}從 {baseline} 降到 {target}{unit},越低越好的指標無法計劃降到零或以下",
    ),
    "not-achievable-hint": (
        "check the target against last period's actual and the resources; split the growth "
        "over several periods, or raise `thresholds.growth_cap` when the jump is planned",
        "請對照上期實際值和資源檢查目標值;可把增長分攤到多個週期,若確屬計劃內的跨越,"
        "請調高 `thresholds.growth_cap`",
    ),
    # --- PC304 -------------------------------------------------------------------------------
    "not-relevant-task": (
        "task {name} is linked to no goal: add `goal:` to the task or to its workstream",
        "任務「{name}」沒有關聯任何目標:請在任務或其工作流加上 `goal:`",
    ),
    "not-relevant-workstream": (
        "workstream {name} and its {count} tasks are linked to no goal: add `goal:` to the "
        "workstream",
        "工作流「{name}」及其 {count} 個任務都沒有關聯任何目標:請在工作流加上 `goal:`",
    ),
    "not-relevant-hint": (
        "use a goal id from the strategy, e.g. {goals}",
        "請使用策略中的目標 id,例如 {goals}",
    ),
    "not-relevant-hint-none": (
        "first add the goal it serves to a strategy's `goals:`",
        "請先在策略的 `goals:` 中加上它所支撐的目標",
    ),
    # --- PC305 -------------------------------------------------------------------------------
    "not-time-bound-goal": (
        "goal {name} has no deadline: add `due:` (YYYY-MM-DD) or `period:`",
        "目標「{name}」沒有完成時間:請加上 `due:`(YYYY-MM-DD)或 `period:`",
    ),
    "not-time-bound-task": (
        "task {name} has no end date: add `end:` (YYYY-MM-DD) or `days:`",
        "任務「{name}」沒有結束日期:請加上 `end:`(YYYY-MM-DD)或 `days:`",
    ),
    "not-time-bound-task-start": (
        "task {name} has `days: {days}` but no start, so its end date is unknown: add "
        "`start:` or `after:`",
        "任務「{name}」寫了 `days: {days}` 但沒有開始日期,無法得出結束日期:請加上 `start:` 或 `after:`",
    ),
    "not-time-bound-outside": (
        "{record}: `{field}` {date} is outside the period of strategy {strategy} ({start} to {end})",
        "{record}:`{field}` {date} 不在策略「{strategy}」的週期內({start} 至 {end})",
    ),
    "not-time-bound-outside-hint": (
        "move the date into the period, or plan this work in the strategy of the period it "
        "belongs to",
        "請把日期移到策略週期內,或把這項工作放到對應週期的策略中",
    ),
})

# --- PC301: what makes a title vague ---------------------------------------------------------
# Verbs that say "better" without saying how much (Traditional and Simplified forms).
VAGUE_WORDS_ZH = (
    "提升", "提高", "優化", "优化", "加強", "加强", "強化", "强化", "增強", "增强", "推進", "推进",
    "推動", "推动", "促進", "促进", "改善", "改進", "改进", "完善", "做好", "深化", "加快", "加大",
    "擴大", "扩大", "落實", "落实",
)
VAGUE_WORDS_EN = re.compile(
    r"\b(improv|optimi[sz]|enhanc|boost|strengthen|increas|rais|grow|expand|advanc|maximi[sz]"
    r"|better|push)\w*", re.IGNORECASE)
# A number: digits (also full-width), a percent sign, or a Chinese numeral with a counter.
NUMBER = re.compile(r"\d|[%％]|[一二兩两三四五六七八九十百千萬万]+\s*"
                    r"[個个場场篇條条家次名人倍成項项款件位元]")
# A measured quantity: the suffixes 額/率/量 (銷售額, 轉化率, 播放量) and a few nouns.
METRIC_WORDS_ZH = ("額", "额", "率", "量", "成本", "線索", "线索", "人次", "收入", "營收", "营收",
                   "利潤", "利润", "GMV", "ROI", "KPI", "CAC")
NOT_METRIC_ZH = ("質量", "质量", "大量", "力量", "能量", "考量")  # 量 that measures nothing
METRIC_WORDS_EN = re.compile(
    r"\b(sales|revenue|rates?|share|leads?|costs?|profits?|margins?|conversions?|gmv|roi|kpis?"
    r"|cac|views|downloads|sign-?ups|orders|traffic)\b", re.IGNORECASE)


def vague(title: str) -> bool:
    """A title that only says "better": a vague verb, and no number and no metric word."""
    if not (any(w in title for w in VAGUE_WORDS_ZH) or VAGUE_WORDS_EN.search(title)):
        return False
    if NUMBER.search(title):
        return False
    stripped = title
    for word in NOT_METRIC_ZH:
        stripped = stripped.replace(word, "")
    return not (any(w in stripped for w in METRIC_WORDS_ZH) or METRIC_WORDS_EN.search(stripped))


def _record(kind: str, name: str, ctx: Context) -> str:
    return ctx.messages(f"smart-record-{kind}", name=name)


def _open_tasks(plan: Plan) -> Iterator[Task]:
    """Tasks still to be done or done: SMART is about work, a cancelled task is none."""
    return (t for t in plan.tasks.values() if t.status != "cancelled")


@rule("PC301", "not-specific", Severity.WARNING, ("Not specific", "目標不具體"))
def not_specific(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """S of SMART: a goal or task says what will be different, and by how much. A title
    like 提升品牌影響力 or "improve the website" says only "better": everyone agrees with
    it and nobody can fail it, so it steers nothing. The templates write 年度銷售額提升30%,
    增加10家合作門店, 小紅書種草筆記(50篇).

    The heuristic, kept simple so that it is predictable: a title (a goal's `title`, a
    task's `name`) is vague when it contains a vague verb — 提升 提高 優化 加強 強化 增強
    推進 推動 促進 改善 改進 完善 做好 深化 加快 加大 擴大 落實 (and their simplified
    forms), improve, optimize, enhance, boost, strengthen, increase, raise, grow,
    expand, advance, maximize, better, push — and names neither a number (a digit, `%`,
    or a Chinese numeral with a counter such as 三場) nor a measured quantity (a word
    with 額, 率 or 量 — 銷售額, 轉化率, 播放量, but not 質量 — or 成本, 線索, 人次, 收入,
    營收, 利潤, GMV, ROI, KPI, CAC; sales, revenue, rate, share, leads, cost, profit,
    margin, conversion, views, downloads, sign-ups, orders, traffic). It is reported only
    when the record has no `metric:` either, and, for a task, no `deliverable:` — those
    make it specific whatever the title says. Cancelled tasks are skipped. A goal without
    a metric is also PC302: the two letters ask for different fixes (a precise title, a
    number to measure).

    Failing:
    ```yaml
    goals:
      - id: brand
        title: 提升品牌影響力
        owner: chen.jie
        due: 2024-12-31
    ```
    Fixed:
    ```yaml
    goals:
      - id: brand-search-20
        title: 品牌搜索量季度達20萬次
        owner: chen.jie
        metric: {name: 品牌搜索量, unit: 萬次, baseline: 15, target: 20}
        due: 2024-12-31
    ```
    """
    for goal in plan.goals.values():
        if goal.metric is None and vague(goal.title):
            yield Finding("PC301", ctx.messages("not-specific", record=_record("goal", goal.title, ctx)),
                          goal.source.doc, goal.source.pointer + ("title",),
                          hint=ctx.messages("not-specific-hint-goal"))
    for task in _open_tasks(plan):
        if task.metric is None and not task.deliverable.strip() and vague(task.name):
            yield Finding("PC301", ctx.messages("not-specific", record=_record("task", task.name, ctx)),
                          task.source.doc, task.source.pointer + ("name",),
                          hint=ctx.messages("not-specific-hint-task"))


@rule("PC302", "not-measurable", Severity.ERROR, ("Not measurable", "無法衡量"))
def not_measurable(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """M of SMART: each goal has a metric with a numeric target, so that its achievement
    rate (達成率) can be computed and the 10% deviation alert can fire; each task has a
    deliverable (交付標準) or a metric, so that "done" means something checkable.

    Severity depends on the record (the configured `rules: {PC302: …}` still overrides
    both):
    - a goal without `metric:`, or whose metric has no `target:` — error;
    - a goal whose metric has a target but no `unit:` (is 300 元 or 萬元?) — warning;
    - a task with neither `deliverable:` nor `metric:`, or whose only metric has no
      `target:` — warning. Cancelled tasks are skipped.

    Goals marked `class: soft` (軟目標: management systems, customer relations, price
    discipline) are not measured by a number by definition and are exempt; mark a goal
    soft only when it truly cannot be counted.

    Failing:
    ```yaml
    goals:
      - id: online-up-35
        title: 線上渠道銷售額提升35%
        owner: li.wei
        metric: {name: 線上銷售額}
        due: 2024-12-31
    ```
    Fixed:
    ```yaml
    goals:
      - id: online-up-35
        title: 線上渠道銷售額提升35%
        owner: li.wei
        metric: {name: 線上銷售額, unit: 萬元, baseline: 500, target: 675}
        due: 2024-12-31
    ```
    """
    for goal in plan.goals.values():
        if goal.klass != "soft":
            yield from _goal_measurable(goal, ctx)
    for task in _open_tasks(plan):
        if task.deliverable.strip():
            continue
        if task.metric is None:
            yield Finding("PC302", ctx.messages("not-measurable-task", name=task.name),
                          task.source.doc, task.source.pointer,
                          hint=ctx.messages("not-measurable-task-hint"), severity=Severity.WARNING)
        elif task.metric.target is None:
            yield Finding("PC302", ctx.messages("not-measurable-task-target", name=task.name,
                                                metric=task.metric.name),
                          task.source.doc, task.source.pointer + ("metric",),
                          hint=ctx.messages("not-measurable-task-hint"), severity=Severity.WARNING)


def _goal_measurable(goal: Goal, ctx: Context) -> Iterator[Finding]:
    metric = goal.metric
    where = goal.source
    if metric is None:
        yield Finding("PC302", ctx.messages("not-measurable-goal-metric", name=goal.title),
                      where.doc, where.pointer, hint=ctx.messages("not-measurable-goal-metric-hint"))
    elif metric.target is None:
        hint = "not-measurable-target-unit-hint" if not metric.unit else "not-measurable-target-hint"
        yield Finding("PC302", ctx.messages("not-measurable-goal-target", name=goal.title,
                                            metric=metric.name),
                      where.doc, where.pointer + ("metric",), hint=ctx.messages(hint))
    elif not metric.unit.strip():
        yield Finding("PC302", ctx.messages("not-measurable-goal-unit", name=goal.title,
                                            metric=metric.name, target=_number(metric.target)),
                      where.doc, where.pointer + ("metric",),
                      hint=ctx.messages("not-measurable-goal-unit-hint"), severity=Severity.WARNING)


def _number(value: float) -> str:
    """1300 for 1300.0, 2.5 for 2.5: figures as a manager writes them."""
    return f"{value:g}" if abs(value) < 1e15 else str(value)


@rule("PC303", "not-achievable", Severity.WARNING, ("Not achievable", "目標難以達成"),
      options=("thresholds.growth_cap",))
def not_achievable(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """A of SMART: a target is ambitious but reachable. A target more than
    `thresholds.growth_cap` percent (default 100) better than its baseline is usually a
    typo (1300 written as 13000) or a wish; when it is missed, every KPI alert downstream
    is noise. Set the baseline from last period's actual, as the annual review does.

    For a metric with a `baseline:` and a `target:` (goals, and tasks that are not
    cancelled):
    - `direction: up` (higher is better, the default): growth = (target − baseline) ÷
      baseline × 100, reported when above growth_cap. 1000 → 2500 is +150%.
    - `direction: down` (lower is better, e.g. acquisition cost): the same improvement
      measured as a ratio, (baseline ÷ target − 1) × 100, so that halving a cost counts
      as doubling a sale (60 → 25 元/人 is 140%). A target of 0 or below is always
      reported: such a figure cannot be planned down to nothing.

    Without a baseline, or with a baseline of 0 or below, growth is undefined and
    nothing is reported.

    Failing:
    ```yaml
    # plancode.yaml: thresholds: {growth_cap: 100}
      - id: online-up-35
        title: 線上渠道銷售額提升35%
        metric: {name: 線上銷售額, unit: 萬元, baseline: 500, target: 6750}
    ```
    Fixed:
    ```yaml
      - id: online-up-35
        title: 線上渠道銷售額提升35%
        metric: {name: 線上銷售額, unit: 萬元, baseline: 500, target: 675}
    ```
    """
    cap = ctx.config.thresholds.growth_cap
    records: list[tuple[str, str, Metric | None, Source]] = [
        ("goal", g.title, g.metric, g.source) for g in plan.goals.values()]
    records += [("task", t.name, t.metric, t.source) for t in _open_tasks(plan)]
    for kind, name, metric, source in records:
        if metric is None or metric.baseline is None or metric.target is None or metric.baseline <= 0:
            continue
        message = _beyond_cap(metric, cap)
        if message is None:
            continue
        message_id, growth = message
        yield Finding("PC303", ctx.messages(
            message_id, record=_record(kind, name, ctx), metric=metric.name,
            baseline=_number(metric.baseline), target=_number(metric.target),
            unit=f" {metric.unit}" if metric.unit else "", growth=growth, cap=_number(cap),
        ), source.doc, source.pointer + ("metric", "target"), hint=ctx.messages("not-achievable-hint"))


def _beyond_cap(metric: Metric, cap: float) -> tuple[str, Any] | None:
    """(message id, growth shown) when the target is further than ``cap`` % from baseline."""
    baseline, target = metric.baseline, metric.target
    if metric.direction == "down":
        if target <= 0:
            return "not-achievable-zero", None
        growth = (baseline / target - 1) * 100
        message_id = "not-achievable-down"
    else:
        growth = (target - baseline) / baseline * 100
        message_id = "not-achievable-up"
    return (message_id, round_half_up(growth)) if growth > cap else None


@rule("PC304", "not-relevant", Severity.ERROR, ("Not relevant: no goal", "不相關:未關聯目標"))
def not_relevant(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """R of SMART: every task serves a goal (template 6's 關聯目標 column). A task linked
    to no goal spends budget and people without moving any KPI, and its progress rolls
    up nowhere, so the goal tree under-reports the work done.

    A task reaches a goal through its own `goal:` or its workstream's. When no task of a
    workstream reaches one, the finding is one, at the workstream (add `goal:` there);
    when only some tasks lack one, each of them is reported. Cancelled tasks are
    skipped. A goal id that does not exist is PC105, not this rule.

    Goals need no check: a sub-goal is written inside its parent's `goals:`, so it
    always has a parent, and the top goals belong to their strategy.

    Failing:
    ```yaml
    kind: workstream
    id: douyin-live
    title: 抖音直播帶貨計劃
    tasks:
      - {id: account, name: 直播賬號搭建, owner: chen.jie, start: 2024-06-01, end: 2024-06-10}
    ```
    Fixed:
    ```yaml
    kind: workstream
    id: douyin-live
    title: 抖音直播帶貨計劃
    goal: online-up-35
    tasks:
      - {id: account, name: 直播賬號搭建, owner: chen.jie, start: 2024-06-01, end: 2024-06-10}
    ```
    """
    goals = list(plan.goals)
    hint = (ctx.messages("not-relevant-hint", goals=", ".join(f"`{g}`" for g in goals[:5])) if goals
            else ctx.messages("not-relevant-hint-none"))
    for stream in plan.workstreams.values():
        tasks = [plan.tasks[f] for f in stream.tasks if plan.tasks[f].status != "cancelled"]
        unlinked = [t for t in tasks if t.goal is None]
        if not unlinked:
            continue
        if len(unlinked) == len(tasks):
            yield Finding("PC304", ctx.messages("not-relevant-workstream", name=stream.title,
                                                count=len(tasks)),
                          stream.source.doc, stream.source.pointer + ("id",), hint=hint)
            continue
        for task in unlinked:
            yield Finding("PC304", ctx.messages("not-relevant-task", name=task.name),
                          task.source.doc, task.source.pointer, hint=hint)


@rule("PC305", "not-time-bound", Severity.ERROR, ("Not time-bound", "沒有時限"))
def not_time_bound(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """T of SMART: each goal has a deadline (完成時間) and each task an end date, inside
    the period of the strategy they serve. Without a date a goal never becomes overdue,
    a task never appears late in the Gantt, and nothing is in the weekly report's "this
    week"; a date outside the strategy's period is a task planned in the wrong year or a
    goal that this strategy cannot close.

    Reported:
    - a goal with neither `due:` nor `period:` (at the goal);
    - a task with no end: neither `end:` nor `days:` (at the task); or with `days:` but
      no `start:` and no `after:` to derive it from. A task whose start should come from
      a predecessor that has no dates, or from a dependency cycle, is left to those
      findings (PC305 of the predecessor, PC402, PC403);
    - a goal's `due:` outside its strategy's `period:` (a goal without `due:`: its
      `period:`);
    - a task's end (at `end:`, or at `days:` when the end is computed) or its written
      `start:` outside the period of the strategy of its goal. One finding per record:
      the end first.

    Cancelled tasks are skipped; a strategy without `period:` has no bounds to check.

    Failing:
    ```yaml
    kind: strategy
    id: fy2024
    period: 2024
    goals:
      - id: sales-up-30
        title: 年度銷售額提升30%
        due: 2025-03-31
    ```
    Fixed:
    ```yaml
    kind: strategy
    id: fy2024
    period: 2024
    goals:
      - id: sales-up-30
        title: 年度銷售額提升30%
        due: 2024-12-31
    ```
    """
    for goal in plan.goals.values():
        if goal.due is None and goal.end is None:
            yield Finding("PC305", ctx.messages("not-time-bound-goal", name=goal.title),
                          goal.source.doc, goal.source.pointer)
            continue
        yield from _goal_in_period(goal, plan.strategies.get(goal.strategy), ctx)
    for task in _open_tasks(plan):
        if task.end is None:
            yield from _task_without_end(task, ctx)
            continue
        goal = plan.goals.get(task.goal) if task.goal else None
        if goal is not None:
            yield from _task_in_period(task, plan.strategies.get(goal.strategy), ctx)


def _task_without_end(task: Task, ctx: Context) -> Iterator[Finding]:
    if task.days is None:
        yield Finding("PC305", ctx.messages("not-time-bound-task", name=task.name),
                      task.source.doc, task.source.pointer)
    elif task.start is None and not task.after:
        yield Finding("PC305", ctx.messages("not-time-bound-task-start", name=task.name,
                                            days=task.days),
                      task.source.doc, task.source.pointer)


def _outside(strategy: Strategy | None, *dates: dt.date | None) -> bool:
    if strategy is None or strategy.start is None or strategy.end is None:
        return False
    return any(d is not None and not strategy.start <= d <= strategy.end for d in dates)


def _outside_finding(record: str, field: str, shown: str, source: Source, pointer: tuple,
                     strategy: Strategy, ctx: Context) -> Finding:
    return Finding("PC305", ctx.messages(
        "not-time-bound-outside", record=record, field=field, date=shown, strategy=strategy.title,
        start=strategy.start.isoformat(), end=strategy.end.isoformat(),
    ), source.doc, source.pointer + pointer, hint=ctx.messages("not-time-bound-outside-hint"))


def _goal_in_period(goal: Goal, strategy: Strategy | None, ctx: Context) -> Iterator[Finding]:
    record = _record("goal", goal.title, ctx)
    if _outside(strategy, goal.due):
        yield _outside_finding(record, "due", goal.due.isoformat(), goal.source, ("due",),
                               strategy, ctx)
    elif goal.due is None and _outside(strategy, goal.start, goal.end):
        # with a `due:` the period is only the goal's timing; the deadline is what counts
        shown = f"{goal.start.isoformat()} – {goal.end.isoformat()}"
        yield _outside_finding(record, "period", shown, goal.source, ("period",), strategy, ctx)


def _task_in_period(task: Task, strategy: Strategy | None, ctx: Context) -> Iterator[Finding]:
    # the record's words only for a finding: formatted for each of 10,000 tasks they were
    # most of this rule's 0.04 s
    if _outside(strategy, task.end):
        # the end is computed from `days:` when `end:` is not written (never both)
        pointer = ("end",) if "end" in _raw(task.source) else ("days",)
        yield _outside_finding(_record("task", task.name, ctx), "end", task.end.isoformat(), task.source,
                               pointer, strategy, ctx)
    elif task.start_written and _outside(strategy, task.start):
        yield _outside_finding(_record("task", task.name, ctx), "start", task.start.isoformat(), task.source,
                               ("start",), strategy, ctx)


def _raw(source: Source) -> dict[str, Any]:
    """The record as written (schema-valid), to tell a written value from a computed one."""
    value: Any = source.doc.data
    for step in source.pointer:
        value = value[step]
    return value
