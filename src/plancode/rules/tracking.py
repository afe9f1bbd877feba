"""PC6 · tracking: weekly reports, KPI deviations and adjustments.

These rules encode step 3 of the practice (跟蹤): every department reports its active
tasks each week (模板3 營銷執行跟蹤表), a KPI more than 10% off target raises an alert, an
unfinished task says why (未完成原因), and a lagging task's owner posts an adjustment
(調整措施) within 24 hours.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from .. import i18n
from ..model import Goal, KpiValue, Plan, Report, ReportEntry, ReviewRow, Task
from ..model.figures import round_half_up
from ..model.tracking import latest_entries, tasks_due
from ..problems import Finding, Severity
from . import Context, rule
from .lookup import closest, closest_task, near_ids, per_plan, tasks_with_id

i18n.register({
    # --- PC601 ---------------------------------------------------------------------------
    "report-unknown-task": (
        "the report entry names task `{ref}`, which is in no workstream: write the full id "
        "`WORKSTREAM/TASK` of a task in a workstream file",
        "周報條目中的任務 `{ref}` 不在任何工作流中:請寫成工作流文件中任務的完整 id `工作流/任務`",
    ),
    "report-unknown-task-ambiguous": (
        "task `{ref}` exists in several workstreams ({candidates}): write the full id "
        "`WORKSTREAM/TASK` of the one meant",
        "任務 `{ref}` 同時存在於多個工作流({candidates}):請寫成所指任務的完整 id `工作流/任務`",
    ),
    "report-unknown-task-hint-suggest": (
        "did you mean `{suggestion}`?",
        "是不是想寫 `{suggestion}`?",
    ),
    "report-unknown-task-hint-where": (
        "task ids are the `id:` of `tasks:` in files with `kind: workstream`",
        "任務 id 是 `kind: workstream` 文件中 `tasks:` 下的 `id:`",
    ),
    # --- PC602 ---------------------------------------------------------------------------
    "report-missing-task": (
        "the {week} report of {department} has no entry for task {name} ({task}), "
        "scheduled {start} to {end}: add an entry with `task: {task}`",
        "{department} {week} 周報缺少任務「{name}」({task})的條目,該任務排期 {start} 至 "
        "{end}:請加上 `task: {task}` 的條目",
    ),
    "report-missing-task-hint": (
        "each department reports every task its people own that is scheduled in the week "
        "and not yet finished, with `planned`, `done` and `progress`",
        "各部門周報應列出本部門負責、本周排期且尚未完成的每項任務,並填寫 `planned`、`done` 和 `progress`",
    ),
    # --- PC603 ---------------------------------------------------------------------------
    "kpi-deviation-below": (
        "goal {goal}: {metric} is {actual} in {when}, {pct}% of the target {target}, "
        "more than {deviation}% below: analyse the cause and post an adjustment",
        "目標 {goal}:{metric} 在 {when} 為 {actual},達成率 {pct}%(目標 {target}),"
        "低於目標超過 {deviation}%:請分析原因並提出調整措施",
    ),
    "kpi-deviation-exceeded": (
        "goal {goal}: {metric} is {actual} in {when}, {pct}% of the target {target}, "
        "more than {deviation}% above: consider raising the target",
        "目標 {goal}:{metric} 在 {when} 為 {actual},達成率 {pct}%(目標 {target}),"
        "超出目標 {deviation}% 以上:可考慮提高目標",
    ),
    "kpi-pace-below": (
        "goal {goal}: {metric} is {actual} to {when}, {pct}% of the {expected} expected by "
        "{day} (target {target}), more than {deviation}% behind pace: analyse the cause and "
        "post an adjustment",
        "目標 {goal}:{metric} 截至 {when} 為 {actual},為 {day} 應達進度 {expected} 的 {pct}%"
        "(目標 {target}),落後進度超過 {deviation}%:請分析原因並提出調整措施",
    ),
    "kpi-pace-exceeded": (
        "goal {goal}: {metric} is {actual} to {when}, {pct}% of the {expected} expected by "
        "{day} (target {target}), more than {deviation}% ahead of pace: consider raising "
        "the target",
        "目標 {goal}:{metric} 截至 {when} 為 {actual},為 {day} 應達進度 {expected} 的 {pct}%"
        "(目標 {target}),超前進度 {deviation}% 以上:可考慮提高目標",
    ),
    "kpi-task-below": (
        "task {name}: {metric} is {actual} in {when}, {pct}% of the target {target}, more "
        "than {deviation}% below: analyse the cause and post an adjustment",
        "任務「{name}」:{metric} 在 {when} 為 {actual},達成率 {pct}%(目標 {target}),"
        "低於目標超過 {deviation}%:請分析原因並提出調整措施",
    ),
    "kpi-task-exceeded": (
        "task {name}: {metric} is {actual} in {when}, {pct}% of the target {target}, more "
        "than {deviation}% above: consider raising the target",
        "任務「{name}」:{metric} 在 {when} 為 {actual},達成率 {pct}%(目標 {target}),"
        "超出目標 {deviation}% 以上:可考慮提高目標",
    ),
    "kpi-deviation-review-below": (
        "review {period}: {metric} is {actual} against a target of {target}, {pct}%, "
        "more than {deviation}% below: give the cause in `analysis` and the fix in `actions`",
        "評估 {period}:{metric} 實際 {actual},目標 {target},達成率 {pct}%,"
        "低於目標超過 {deviation}%:請在 `analysis` 寫明差異原因,在 `actions` 寫明改進措施",
    ),
    "kpi-deviation-review-exceeded": (
        "review {period}: {metric} is {actual} against a target of {target}, {pct}%, "
        "more than {deviation}% above: consider raising the next period's target",
        "評估 {period}:{metric} 實際 {actual},目標 {target},達成率 {pct}%,"
        "超出目標 {deviation}% 以上:可考慮提高下期目標",
    ),
    # --- PC604 ---------------------------------------------------------------------------
    "reason-missing": (
        "task {name} is reported `done: {done}` without a reason: add `reason:` saying why "
        "it was not (fully) done",
        "任務「{name}」填報 `done: {done}`,但沒有未完成原因:請加上 `reason:` 說明未完成的原因",
    ),
    # --- PC605 ---------------------------------------------------------------------------
    "adjustment-missing-lag": (
        "task {name} is {lag} points behind plan, but its latest report entry ({week}) has "
        "no adjustment: add `adjustment:` with what changes to catch up",
        "任務「{name}」落後計劃 {lag} 個百分點,但最近一次周報條目({week})沒有調整措施:"
        "請加上 `adjustment:` 說明如何追趕進度",
    ),
    "adjustment-missing-overdue": (
        "task {name} is overdue (planned end {end}), but its latest report entry ({week}) "
        "has no adjustment: add `adjustment:` with what changes and the new date",
        "任務「{name}」已逾期(計劃完成 {end}),但最近一次周報條目({week})沒有調整措施:"
        "請加上 `adjustment:` 說明調整措施和新的完成日期",
    ),
    "adjustment-missing-hint": (
        "the owner of a lagging task analyses the cause and posts an adjustment within 24 hours",
        "進度落後的任務,負責人應在 24 小時內分析原因並提出調整措施",
    ),
})


def _number(value: float) -> str:
    """A figure as people write it: 42, not 42.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _with_unit(value: float, unit: str) -> str:
    return f"{_number(value)} {unit}".rstrip()


# --- PC601 ---------------------------------------------------------------------------------

@rule("PC601", "report-unknown-task", Severity.ERROR,
      ("Report entry for an unknown task", "周報條目的任務不存在"))
def report_unknown_task(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A weekly report entry must name a task of a workstream: its progress updates the
    task's progress, the Gantt and the goals above it (模板3 → 模板2 → 模板1). An entry
    whose `task:` names nothing is progress that lands nowhere — usually a typo, or a
    task renamed or moved to another workstream.

    Write the full id `WORKSTREAM/TASK`. A bare `TASK` is accepted when exactly one
    workstream has a task with that id; when several do, it is ambiguous and reported,
    naming the candidates. A task in a workstream file that failed validation is not
    reported again here.

    Failing:
    ```yaml
    kind: report
    week: 2024-W24
    department: marketing
    entries:
      - task: douyin-live/acount
        planned: 完成直播賬號企業認證
        done: yes
    ```
    Fixed:
    ```yaml
    kind: report
    week: 2024-W24
    department: marketing
    entries:
      - task: douyin-live/account
        planned: 完成直播賬號企業認證
        done: yes
    ```
    """
    for report in plan.reports:
        for entry in report.entries:
            if entry.task is None and not _unavailable(plan, entry.task_ref):
                yield _unknown_task(plan, ctx, report, entry)


def _unavailable(plan: Plan, ref: str) -> bool:
    """Whether ``ref`` may name a task of a workstream file that failed validation
    (whose ids the model keeps as ``WORKSTREAM/TASK`` in ``plan.unavailable``)."""
    if "/" in ref:
        workstream = ref.split("/", 1)[0]
        return workstream not in plan.workstreams and workstream in plan.unavailable
    return ref in per_plan(_unavailable_short_ids, plan)


def _unavailable_short_ids(plan: Plan) -> set[str]:
    """The TASK of each ``…/TASK`` in ``plan.unavailable``."""
    return {ident.rsplit("/", 1)[1] for ident in plan.unavailable if "/" in ident}


def _unknown_task(plan: Plan, ctx: Context, report: Report, entry: ReportEntry) -> Finding:
    m = ctx.messages
    ref = entry.task_ref
    candidates = [] if "/" in ref else sorted(tasks_with_id(plan, ref))
    if len(candidates) > 1:
        message = m("report-unknown-task-ambiguous", ref=ref, candidates=", ".join(candidates))
        hint = m("report-unknown-task-hint-suggest", suggestion=candidates[0])
    else:
        message = m("report-unknown-task", ref=ref)
        suggestion = _closest_task(plan, report, ref)
        hint = (m("report-unknown-task-hint-suggest", suggestion=suggestion) if suggestion
                else m("report-unknown-task-hint-where"))
    return Finding("PC601", message, entry.source.doc, entry.source.pointer + ("task",), hint=hint)


def _closest_task(plan: Plan, report: Report, ref: str) -> str | None:
    """The full id most likely meant, by spelling (the schema admits ids only, not names).

    A full id is looked for in the workstream it names (:func:`.lookup.closest_task`). A
    short id is compared with the ids of the tasks of the workstreams the report's
    department works in (its own tasks and those of the people it works beside), and of
    the tasks anywhere whose id is one typo away.
    """
    if "/" in ref:
        workstream, short = ref.split("/", 1)
        return closest_task(plan, workstream, short)
    by_id: dict[str, str] = {}
    for workstream in per_plan(_workstreams_by_department, plan).get(report.department, ()):
        for full in plan.workstreams[workstream].tasks:
            by_id.setdefault(plan.tasks[full].id, full)
    for ident in near_ids(plan, ref):
        by_id.setdefault(ident, tasks_with_id(plan, ident)[0])
    close = closest(ref, by_id)
    return by_id[close] if close else None


def _workstreams_by_department(plan: Plan) -> dict[str, list[str]]:
    """Per department, the workstreams with a task owned by one of its people (plan order)."""
    found: dict[str, dict[str, None]] = defaultdict(dict)
    for task in plan.tasks.values():
        if task.department:
            found[task.department][task.workstream] = None
    return {department: list(streams) for department, streams in found.items()}


# --- PC602 ---------------------------------------------------------------------------------

@rule("PC602", "report-missing-task", Severity.WARNING,
      ("Active task missing from its department's report", "進行中的任務未列入部門周報"))
def report_missing_task(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    A weekly report (模板3 營銷執行跟蹤表) is where a department says, task by task, what
    was planned, what was done and why not. A task that is scheduled in the week but
    left out of its department's report is invisible: nobody sees it slip until its
    deadline has passed. A task belongs to its owner's department.

    For each weekly report, every task of that department is expected when its
    `start`–`end` overlaps the report's week (Monday to Sunday), it is not cancelled, and
    it was not already finished before the week began. "Finished" is read from the
    reports of earlier weeks (the latest entry before the week at 100%, or `done: yes`
    without a progress); a task to which no report gives a progress counts as finished
    when its own `progress:` is 100. A task may be left out of a report from another department
    as long as its own department lists it.

    A recurring task (`repeat:`, SPEC §5.2) is expected in every week it runs, however
    many weeks were reported done before; a monthly one only in the week holding each
    month's last day. Tasks of an archived strategy are not expected any more.

    Reports of weeks that begin after as_of are not checked. A week in which a department
    sent no report at all is not reported: a repository may keep only some weeks'
    reports, and a finding needs a file to point at.

    Failing (王芳 of the sales department owns 直播腳本策劃, scheduled 2024-06-10 to
    2024-06-20):
    ```yaml
    kind: report
    week: 2024-W24
    department: sales
    entries:
      - task: store-expansion/new-stores-batch1
        planned: 跟進剩余2家門店談判
        done: yes
    ```
    Fixed:
    ```yaml
    kind: report
    week: 2024-W24
    department: sales
    entries:
      - task: store-expansion/new-stores-batch1
        planned: 跟進剩余2家門店談判
        done: yes
      - task: douyin-live/script
        planned: 完成直播腳本初稿
        done: partial
        progress: 70
        reason: 主播檔期沖突
    ```
    """
    # a week still to come (seen with an earlier --as-of): nothing is due yet
    reports = [report for report in plan.reports if report.start <= plan.as_of]
    due = tasks_due(plan, {report.week for report in reports})
    for report in reports:
        listed = {entry.task for entry in report.entries}
        for task in due.get(report.week, {}).get(report.department, ()):
            if task.full_id not in listed:
                yield _missing_task(plan, ctx, report, task)


def _missing_task(plan: Plan, ctx: Context, report: Report, task: Task) -> Finding:
    department = plan.departments.get(report.department)
    message = ctx.messages(
        "report-missing-task", week=report.week,
        department=department.name if department else report.department,
        name=task.name, task=task.full_id, start=task.start, end=task.end,
    )
    return Finding("PC602", message, report.source.doc, report.source.pointer + ("entries",),
                   key=True, hint=ctx.messages("report-missing-task-hint"))


# --- PC603 ---------------------------------------------------------------------------------

@rule("PC603", "kpi-deviation", Severity.WARNING,
      ("KPI deviation beyond threshold", "KPI 偏差超過閾值"), options=("thresholds.kpi_deviation",))
def kpi_deviation(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    KPIs are watched continuously, and a deviation of more than 10%
    (`thresholds.kpi_deviation`) from the target raises an alert: the goal's owner
    analyses the cause and posts an adjustment. The achievement rate is actual / target
    for a higher-is-better metric and target / actual for `direction: down` (an
    acquisition cost of 45 against a target of 50 is 111%).

    Checked are the latest KPI value of each goal from the weekly reports' `metrics:`
    (weeks that have ended by as_of), and every row of a review (模板4 營銷效果評估表)
    whose period has begun by as_of.
    Below 100 − deviation is a warning; above 100 + deviation is reported as a note
    (severity info): the target may have been set too low and can be raised for the
    next period.

    A goal whose metric has `aggregate:` or period `targets:` (SPEC §5.1) is judged by its
    pace instead: the value to date against what was expected by the end of the value's
    week (`sum`: the ended periods' targets plus the current one's pro rata; `last`,
    `mean`: the target of the period holding that day) — 560 against an expected 535 is
    105%. A task whose metric receives an `actual:` in a report entry is judged the same
    way against its target (per occurrence for a recurring task).

    Failing (target 50 萬人次: 42 is 84%):
    ```yaml
    kind: report
    week: 2024-W23
    department: product
    metrics:
      - {goal: new-product-reach, value: 42}
    ```
    Fixed: the owner posts an adjustment in the report, and the next week's value is
    back within 10% of the target:
    ```yaml
    kind: report
    week: 2024-W24
    department: product
    entries:
      - task: lead-gen/new-product-videos
        planned: 投放第4批新品短視頻
        done: yes
        progress: 80
        adjustment: 追加抖音信息流投放,擴大新品觸達
    metrics:
      - {goal: new-product-reach, value: 46}
    ```
    """
    deviation = _number(ctx.config.thresholds.kpi_deviation)
    for goal, kpi, week in _latest_report_kpis(plan):
        yield _goal_finding(ctx, goal, kpi, week, deviation)
    if plan.year:
        yield from _task_metric_findings(plan, ctx, deviation)
    for review in plan.reviews:
        if not review.judged:
            continue  # as for goals' achievement: a period not begun has no actuals yet
        for row in review.rows:
            if row.alert:
                yield _review_finding(ctx, review.label, row, deviation)


def _latest_report_kpis(plan: Plan) -> Iterator[tuple[Goal, KpiValue, str]]:
    """Each alerted goal whose latest value comes from a report, with that value's record.

    Goal.actual/alert hold the latest value already; this finds where it was written, in
    the model's order (by week end, then file), so the finding points at that very value.
    """
    latest: dict[str, tuple[KpiValue, str]] = {}
    for report in sorted((r for r in plan.reports if r.counted), key=lambda r: (r.end, r.source.path)):
        for kpi in report.metrics:
            latest[kpi.goal] = (kpi, report.week)
    for goal_id, (kpi, week) in latest.items():
        goal = plan.goals.get(goal_id)
        if goal is not None and goal.alert:
            yield goal, kpi, week


def _goal_finding(ctx: Context, goal: Goal, kpi: KpiValue, week: str, deviation: str) -> Finding:
    metric = goal.metric
    assert metric is not None and metric.target is not None  # an alert needs both
    if goal.pace_pct is not None and goal.expected is not None:  # SPEC §5.1: judged by pace
        message = ctx.messages(
            f"kpi-pace-{goal.alert}", goal=goal.id, metric=metric.name,
            actual=_with_unit(kpi.value, metric.unit), when=week, pct=goal.pace_pct,
            expected=_with_unit(round(goal.expected, 2), metric.unit), day=goal.judged_on,
            target=_with_unit(metric.target, metric.unit), deviation=deviation,
        )
        return Finding("PC603", message, kpi.source.doc, kpi.source.pointer + ("value",),
                       severity=Severity.INFO if goal.alert == "exceeded" else None)
    message = ctx.messages(
        f"kpi-deviation-{goal.alert}", goal=goal.id, metric=metric.name,
        actual=_with_unit(kpi.value, metric.unit), when=week, pct=goal.achievement_pct,
        target=_with_unit(metric.target, metric.unit), deviation=deviation,
    )
    return Finding("PC603", message, kpi.source.doc, kpi.source.pointer + ("value",),
                   severity=Severity.INFO if goal.alert == "exceeded" else None)


def _task_metric_findings(plan: Plan, ctx: Context, deviation: str) -> Iterator[Finding]:
    """SPEC §5.2: a task's metric against the latest `actual:` reported for it."""
    entries = _latest_actuals(plan)
    for task in plan.tasks.values():
        if task.metric_alert is None or task.full_id not in entries or task.metric is None:
            continue
        entry = entries[task.full_id]
        metric = task.metric
        message = ctx.messages(
            f"kpi-task-{task.metric_alert}", name=task.name, metric=metric.name,
            actual=_with_unit(task.metric_actual or 0, metric.unit), when=task.metric_source,
            pct=task.metric_achievement_pct, target=_with_unit(metric.target or 0, metric.unit),
            deviation=deviation,
        )
        yield Finding("PC603", message, entry.source.doc, entry.source.pointer + ("actual",),
                      severity=Severity.INFO if task.metric_alert == "exceeded" else None)


def _latest_actuals(plan: Plan) -> dict[str, ReportEntry]:
    """Per task, the entry of its latest `actual:` (the one its figures come from)."""
    latest: dict[str, ReportEntry] = {}
    for report in sorted((r for r in plan.reports if r.counted), key=lambda r: (r.end, r.source.path)):
        for entry in report.entries:
            if entry.task is not None and entry.actual is not None:
                latest[entry.task] = entry
    return latest


def _review_finding(ctx: Context, period: str, row: ReviewRow, deviation: str) -> Finding:
    message = ctx.messages(
        f"kpi-deviation-review-{row.alert}", period=period, metric=row.metric,
        actual=_with_unit(row.actual, row.unit), target=_with_unit(row.target, row.unit),
        pct=row.achievement_pct, deviation=deviation,
    )
    return Finding("PC603", message, row.source.doc, row.source.pointer + ("actual",),
                   severity=Severity.INFO if row.alert == "exceeded" else None)


# --- PC604 ---------------------------------------------------------------------------------

@rule("PC604", "reason-missing", Severity.ERROR,
      ("Unfinished work without a reason", "未完成但沒有填寫原因"))
def reason_missing(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    The weekly report template asks for 未完成原因 whenever a task was not, or only
    partly, done (`done: no` or `done: partial`). The reason is what the department head
    and the supporting departments act on — "部分庫存不足" tells the product department
    what to do; a bare `partial` tells no one anything.

    Failing:
    ```yaml
    entries:
      - task: store-expansion/new-stores-batch1
        planned: 拓展5家新門店
        done: partial
        progress: 60
    ```
    Fixed:
    ```yaml
    entries:
      - task: store-expansion/new-stores-batch1
        planned: 拓展5家新門店
        done: partial
        progress: 60
        reason: 區域競爭激烈
    ```
    """
    for report in plan.reports:
        for entry in report.entries:
            if entry.done in ("no", "partial") and not entry.reason.strip():
                task = plan.tasks.get(entry.task) if entry.task else None
                message = ctx.messages("reason-missing", name=task.name if task else entry.task_ref,
                                       done=entry.done)
                # points at an empty `reason:` when written, else at the entry
                yield Finding("PC604", message, entry.source.doc, entry.source.pointer + ("reason",))


# --- PC605 ---------------------------------------------------------------------------------

@rule("PC605", "adjustment-missing", Severity.WARNING,
      ("Lagging task without an adjustment", "進度落後但沒有調整措施"),
      options=("thresholds.schedule_lag",))
def adjustment_missing(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """
    When a task falls behind, its owner analyses the cause and posts an adjustment
    (調整措施) within 24 hours: more budget for channel B, two more days of registration,
    a substitute product. A lagging task is one more than `thresholds.schedule_lag`
    points behind its planned progress at as_of, or overdue; its latest report entry (of
    a week that has ended by as_of) must then carry an `adjustment:`.

    A lagging task that no report mentions is not reported here (PC602 asks for the
    entry); the lag itself is PC405/PC406. An adjustment already written in the report of
    the week in progress counts as posted.

    Failing (at 2024-02-15 the white paper should be at 75%, it is at 60%):
    ```yaml
    entries:
      - task: lead-gen/whitepaper
        planned: 完成總推廣量80%
        done: partial
        progress: 60
        reason: 推廣渠道A率低於預期
    ```
    Fixed:
    ```yaml
    entries:
      - task: lead-gen/whitepaper
        planned: 完成總推廣量80%
        done: partial
        progress: 60
        reason: 推廣渠道A率低於預期
        adjustment: 增加渠道B投放預算,優化落地頁
    ```
    """
    latest = latest_entries(plan)
    posted = _adjusted_this_week(plan)
    threshold = ctx.config.thresholds.schedule_lag
    for task in plan.tasks.values():
        if task.archived:
            continue
        lagging = task.status == "overdue" or (
            task.status != "cancelled" and task.lag is not None and task.lag > threshold)
        found = latest.get(task.full_id)
        if (lagging and found is not None and not found[1].adjustment.strip()
                and task.full_id not in posted):
            report, entry = found
            yield _adjustment_finding(ctx, task, entry, report.week)


def _adjusted_this_week(plan: Plan) -> set[str]:
    """Tasks with an adjustment in the report of the week in progress at as_of.

    That report does not count for progress until its week ends, but an adjustment
    written there has been posted: asking for it again in last week's report is noise.
    """
    return {
        entry.task for report in plan.reports
        if report.start <= plan.as_of < report.end
        for entry in report.entries if entry.task is not None and entry.adjustment.strip()
    }


def _adjustment_finding(ctx: Context, task: Task, entry: ReportEntry, week: str) -> Finding:
    if task.status == "overdue":
        message = ctx.messages("adjustment-missing-overdue", name=task.name, end=task.end, week=week)
    else:
        message = ctx.messages("adjustment-missing-lag", name=task.name,
                               lag=round_half_up(task.lag or 0), week=week)
    # points at an empty `adjustment:` when written, else at the entry
    return Finding("PC605", message, entry.source.doc, entry.source.pointer + ("adjustment",),
                   hint=ctx.messages("adjustment-missing-hint"))
