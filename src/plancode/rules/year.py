"""SPEC §5 rules on periods and the forecast: PC306 period targets, PC408 forecast slip,
PC409 a task on a non-working day, PC410 a year the holiday library does not cover.

They read only figures the model computed (model/periods.py, model/forecast.py,
model/calendar.py); a plan that uses none of §5's keys gets none of these findings
except PC408, which needs only dates and progress.
"""

from __future__ import annotations

from typing import Any, Iterator

from .. import i18n
from ..model import Plan, Task
from ..model.entities import Metric, Source
from ..model.forecast import slipping
from ..model.periods import target_problems
from ..problems import Finding, Severity
from . import Context, rule

i18n.register({
    # PC306
    "period-targets-sum": (
        "{record}: the period targets add up to {total}, not the target {target}: with "
        "`aggregate: sum` the periods are the parts of the whole",
        "{record}:分期目標合計 {total},與總目標 {target} 不一致:`aggregate: sum` 時各期目標應加總為總目標",
    ),
    "period-targets-last": (
        "{record}: the last period's target ({period}) is not the target {target}: with "
        "`aggregate: last` the level at the end is the target",
        "{record}:最後一期({period})的目標與總目標 {target} 不一致:`aggregate: last` 時期末水平即總目標",
    ),
    "period-targets-overlap": (
        "{record}: period {period} overlaps an earlier period of the targets",
        "{record}:分期目標的期間 {period} 與前面的期間重疊",
    ),
    "period-targets-outside": (
        "{record}: period {period} falls outside the strategy's period {strategy}",
        "{record}:分期目標的期間 {period} 超出策略的期間 {strategy}",
    ),
    "period-targets-hint": (
        "give each period once, inside the strategy's `period`, so that the periods make up "
        "`target` (sum: their total; last: the last period's value)",
        "每個期間只寫一次且在策略的 `period` 之內,並讓各期構成 `target`(sum:合計;last:最後一期)",
    ),
    "record-goal": ("goal {name}", "目標「{name}」"),
    "record-task": ("task {name}", "任務「{name}」"),
    # PC408
    "forecast-slip-milestone": (
        "milestone {task} is forecast on {forecast}, {slip} day{s} after its date {end}: "
        "pushed by {chain}",
        "里程碑 {task} 預計 {forecast} 達成,比計劃 {end} 晚 {slip} 天:受 {chain} 推遲",
    ),
    "forecast-slip-goal": (
        "task {task}, the last of goal {goal}, is forecast to end on {forecast}, {slip} "
        "day{s} after {end}: pushed by {chain}",
        "任務 {task} 是目標 {goal} 的最後一項任務,預計 {forecast} 完成,比 {end} 晚 {slip} 天:受 {chain} 推遲",
    ),
    "forecast-slip-hint": (
        "bring the chain's unfinished work forward (more people, a shorter scope, an overlap "
        "with `after: [{{task, lag: -N}}]`), or agree a new date and write the adjustment",
        "請加快這條鏈上未完成的工作(增加人手、縮小範圍、用 `after: [{{task, lag: -N}}]` 安排並行),"
        "或重新約定日期並寫明調整措施",
    ),
    # PC409
    "non-working-day-start": (
        "task {task} starts on {day}, which is not a working day",
        "任務 {task} 的開始日期 {day} 不是工作日",
    ),
    "non-working-day-end": (
        "task {task} ends on {day}, which is not a working day",
        "任務 {task} 的結束日期 {day} 不是工作日",
    ),
    "non-working-day-hint": (
        "move it to a working day, or list the day in `calendar.extra_workdays` if the "
        "team works then",
        "請改到工作日;如果團隊當天上班,請把該日加入 `calendar.extra_workdays`",
    ),
    # PC410
    "calendar-year-not-covered": (
        "the holiday calendar {country} has no official schedule for {year} yet: working "
        "days in {year} count weekends only (task {task} is the first in that year)",
        "節假日日曆 {country} 尚無 {year} 年的官方安排:{year} 年只按周末計算工作日"
        "(任務 {task} 是該年的第一項任務)",
    ),
    "calendar-year-not-covered-hint": (
        "upgrade the `holidays` package once the year's schedule is published, or list its "
        "days in `calendar.extra_holidays` and `calendar.extra_workdays`",
        "官方安排公布後請升級 `holidays` 套件,或把該年的假日和調休寫入 `calendar.extra_holidays` 與 `calendar.extra_workdays`",
    ),
})


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _written_key(source: Source, *steps: Any) -> Any:
    """The key as written in the file under ``source`` + ``steps`` whose text is the last step
    (YAML reads `2024:` as a number, the model keeps '2024')."""
    node: Any = source.doc.data
    for step in source.pointer + steps[:-1]:
        node = node[step]
    for key in node:
        if str(key) == steps[-1]:
            return key
    return steps[-1]


@rule("PC306", "period-targets", Severity.WARNING,
      ("Period targets that do not add up", "分期目標不一致"))
def period_targets(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A metric's `targets:` split its `target` over periods (分期目標), so that a weekly
    report can be judged by its pace against what was expected to date (SPEC §5.1). The
    split must make up the whole: with `aggregate: sum` (sales, leads) the periods add up
    to `target` (within 0.5%); with `aggregate: last` (a rate, a cost per lead) the last
    period's target is `target`. Each period is given once and lies inside the strategy's
    `period`; an overlap or a period outside counts twice or never.

    Failing (260 + 325 + 325 + 300 = 1210, not 1300):
    ```yaml
    metric: {name: 銷售額, unit: 萬元, target: 1300, aggregate: sum,
             targets: {2024-Q1: 260, 2024-Q2: 325, 2024-Q3: 325, 2024-Q4: 300}}
    ```
    Fixed:
    ```yaml
    metric: {name: 銷售額, unit: 萬元, target: 1300, aggregate: sum,
             targets: {2024-Q1: 260, 2024-Q2: 325, 2024-Q3: 325, 2024-Q4: 390}}
    ```
    """
    if not plan.year:
        return
    records: list[tuple[str, str, Metric | None, Source, str | None]] = [
        ("record-goal", g.title, g.metric, g.source, g.strategy) for g in plan.goals.values()]
    records += [("record-task", t.name, t.metric, t.source, t.strategy) for t in plan.tasks.values()]
    for kind, name, metric, source, strategy_id in records:
        if metric is None or not metric.targets:
            continue
        strategy = plan.strategies.get(strategy_id) if strategy_id else None
        period = (strategy.start, strategy.end) if strategy and strategy.start else None
        record = ctx.messages(kind, name=name)
        for problem, detail in target_problems(metric, period):
            if problem in ("sum", "last"):
                message = ctx.messages(f"period-targets-{problem}", record=record, total=detail,
                                       period=detail, target=_number(metric.target))
                where = source.pointer + ("metric", "targets")
                key = True
            else:
                message = ctx.messages(f"period-targets-{problem}", record=record, period=detail,
                                       strategy=strategy.period if strategy else "")
                where = source.pointer + ("metric", "targets",
                                          _written_key(source, "metric", "targets", detail))
                key = True
            yield Finding("PC306", message, source.doc, where, key=key,
                          hint=ctx.messages("period-targets-hint"))


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


@rule("PC408", "forecast-slip", Severity.WARNING,
      ("Milestone or goal forecast to slip", "里程碑或目標預計延誤"))
def forecast_slip(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    The forecast (SPEC §5.4) moves each unfinished task from as_of: a started task ends
    when its remaining share of work is done, one not started waits for its predecessors'
    forecasts through their links. A milestone forecast after its date, or the last task
    of a goal forecast after the goal's `due` (else its own `end`), will be late unless
    something changes now. The finding names the chain that pushes it, earliest first,
    so the owner knows where to act.

    Archived strategies are left out, as are cancelled and finished tasks.

    Failing (as of 2024-06-20, 選品 at 40% needs 7 more days and pushes the 首場直播):
    ```yaml
      - {id: selection, name: 選品與庫存對接, start: 2024-06-05, end: 2024-06-15, progress: 40}
      - {id: first-live, name: 首場直播執行, milestone: true, after: [selection],
         start: 2024-06-25, end: 2024-06-25}
    ```
    Fixed: the work is brought forward, or the milestone moves with an adjustment:
    ```yaml
      - {id: first-live, name: 首場直播執行, milestone: true, after: [selection],
         start: 2024-06-28, end: 2024-06-28}
    ```
    """
    if not plan.year:
        return
    for task, kind, goal, limit, pushers in slipping(plan):
        slip = (task.forecast_end - limit).days
        one_stream = len({plan.tasks[t].workstream for t in pushers}) == 1
        names = " → ".join(plan.tasks[t].id if one_stream else t for t in pushers)
        message = ctx.messages(
            f"forecast-slip-{kind}", task=task.name, goal=goal.id if goal else "",
            forecast=task.forecast_end, slip=slip, s=_plural(slip), end=limit, chain=names)
        yield Finding("PC408", message, task.source.doc, task.source.pointer + ("end",),
                      hint=ctx.messages("forecast-slip-hint"))


@rule("PC409", "non-working-day", Severity.INFO,
      ("Task starts or ends on a non-working day", "任務在非工作日開始或結束"))
def non_working_day(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    With a working-day `calendar:` in plancode.yaml (SPEC §5.3), a task that starts or
    ends on a weekend or a public holiday is usually a slip of the pen — or a day the
    team really works, which the calendar should then say (`extra_workdays`). Durations
    and planned progress count working days only, so such a day adds nothing.

    Failing (`calendar: {holidays: CN}`; 2024-10-01 is 國慶):
    ```yaml
      - {id: launch, name: 新品上市, start: 2024-10-01, end: 2024-10-12}
    ```
    Fixed:
    ```yaml
      - {id: launch, name: 新品上市, start: 2024-10-08, end: 2024-10-18}
    ```
    """
    calendar = plan.calendar
    if calendar is None:
        return
    for task in plan.tasks.values():
        for key, day in (("start", task.start), ("end", task.end)):
            if day is None or not calendar.covered(day.year) or calendar.is_working(day):
                continue
            where = task.source.pointer + ((key,) if _has(task, key) else ())
            yield Finding("PC409", ctx.messages(f"non-working-day-{key}", task=task.name, day=day),
                          task.source.doc, where, hint=ctx.messages("non-working-day-hint"))


def _has(task: Task, key: str) -> bool:
    node: Any = task.source.doc.data
    for step in task.source.pointer:
        node = node[step]
    return isinstance(node, dict) and key in node


@rule("PC410", "calendar-year-not-covered", Severity.INFO,
      ("A year the holiday calendar does not cover", "節假日日曆未涵蓋的年份"))
def calendar_year_not_covered(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    China publishes each year's holidays and make-up workdays (調休) the November before;
    the holiday library carries them once published. For a year it does not cover yet,
    plancode counts the workweek only — the holidays are missing, so durations there are
    too short and planned progress too high. Reported once per year, at the first task
    dated in it; upgrade the `holidays` package when the schedule is out.

    Example (`calendar: {holidays: CN}`, a plan reaching into a year not published yet):
    ```yaml
      - {id: next-year, name: 明年規劃, start: 2027-01-04, end: 2027-03-31}
    ```
    """
    calendar = plan.calendar
    if calendar is None or not calendar.settings.holidays:
        return
    seen: set[int] = set()
    for task in plan.tasks.values():
        for day in (task.start, task.end):
            if day is None or day.year in seen:
                continue
            seen.add(day.year)
            if not calendar.covered(day.year):
                where = task.source.pointer + (("start",) if day == task.start and _has(task, "start") else ())
                yield Finding("PC410", ctx.messages(
                    "calendar-year-not-covered", country=calendar.settings.holidays,
                    year=day.year, task=task.name),
                    task.source.doc, where, hint=ctx.messages("calendar-year-not-covered-hint"))
