"""PC2 · owners: exactly one known owner per task and goal (唯一負責人).

PC201 and PC202 read the owner fields of the model; PC203 (several people in one owner
field) is found by the schema validation, where the field is still raw text; PC204 counts
each person's concurrent open tasks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterator

from .. import i18n
from ..model import Plan
from ..model.entities import Source, Task
from ..problems import Finding, Severity
from ..spelling import Vocabulary
from . import Context, declare, rule

i18n.register({
    # --- PC201 -------------------------------------------------------------------------------
    "owner-missing-task": (
        "task {name} has no owner: add `owner:` with a person id from {team}",
        "任務「{name}」沒有負責人:請加上 `owner:`,填寫 {team} 中的人員 id",
    ),
    "owner-missing-goal": (
        "goal {name} has no owner: add `owner:` with a person id from {team}",
        "目標「{name}」沒有負責人:請加上 `owner:`,填寫 {team} 中的人員 id",
    ),
    "owner-missing-hint-workstream": (
        "the workstream's owner is `{person}`; every task still needs its own single owner",
        "這個工作流的負責人是 `{person}`;每個任務仍需要自己唯一的負責人",
    ),
    "owner-missing-hint-parent": (
        "the parent goal's owner is `{person}`; every goal still needs its own single owner",
        "上級目標的負責人是 `{person}`;每個目標仍需要自己唯一的負責人",
    ),
    # --- PC202 -------------------------------------------------------------------------------
    "owner-unknown": (
        "{record}: {role} `{ref}` is not a person in the team{more}",
        "{record}:{role} `{ref}` 不是團隊中的人員{more}",
    ),
    "owner-unknown-more": (
        " (used {count} more times in this file)",
        "(本文件另有 {count} 處使用)",
    ),
    "owner-unknown-hint-suggest": (
        "did you mean `{suggestion}`? Otherwise add them under `people:` in {team}",
        "是不是想寫 `{suggestion}`?否則請把此人加到 {team} 的 `people:`",
    ),
    "owner-unknown-hint-add": (
        "add them under `people:` in {team}",
        "請把此人加到 {team} 的 `people:`",
    ),
    "owner-unknown-no-team": (
        "{record}: {role} `{ref}` cannot be checked, because no team file lists any people"
        "{more}",
        "{record}:{role} `{ref}` 無法核對,因為沒有任何團隊文件列出人員{more}",
    ),
    "owner-unknown-no-team-more": (
        "; {count} other person ids in this file are unchecked too",
        ";本文件另有 {count} 個人員 id 同樣無法核對",
    ),
    "owner-unknown-no-team-hint": (
        "add a team file (for example plans/team.yaml with `kind: team`) that lists every "
        "person under `people:`",
        "請新增團隊文件(例如 plans/team.yaml,`kind: team`),在 `people:` 列出所有人員",
    ),
    "owner-unknown-role-owner": ("owner", "負責人"),
    "owner-unknown-role-lead": ("lead", "部門負責人"),
    "owner-unknown-role-author": ("author", "填寫人"),
    "owner-unknown-role-risk": ("risk owner", "風險責任人"),
    "owner-unknown-role-action": ("owner of the improvement", "改進責任人"),
    "owner-unknown-in-task": ("task {name}", "任務「{name}」"),
    "owner-unknown-in-goal": ("goal {name}", "目標「{name}」"),
    "owner-unknown-in-workstream": ("workstream {name}", "工作流「{name}」"),
    "owner-unknown-in-strategy": ("strategy {name}", "策略「{name}」"),
    "owner-unknown-in-department": ("department {name}", "部門「{name}」"),
    "owner-unknown-in-report": ("weekly report {name}", "周報「{name}」"),
    "owner-unknown-in-review": ("review {name}", "評估「{name}」"),
    "owner-unknown-in-row": ("review row {name}", "評估行「{name}」"),
    "owner-unknown-in-risk": ("risk {name} of task {task}", "任務「{task}」的風險「{name}」"),
    "owner-unknown-team-file": ("the team file", "團隊文件"),
    # --- PC204 -------------------------------------------------------------------------------
    "owner-overloaded": (
        "{name} (`{person}`) owns {count} open tasks at the same time on {date}, more than "
        "{limit}: {tasks}",
        "{name}(`{person}`)在 {date} 同時負責 {count} 個未完成任務,超過上限 {limit}:{tasks}",
    ),
    "owner-overloaded-more": (" and {count} more", " 等另外 {count} 個"),
    "owner-overloaded-hint": (
        "move this task's dates, hand a task over to a colleague, or set `capacity:` for "
        "`{person}` in the team file if they can really carry more",
        "請調整此任務的日期、把部分任務交給同事,或確實能承擔時在團隊文件中為 `{person}` 設定 `capacity:`",
    ),
})

OVERLOAD_NAMED = 4  # tasks named in a PC204 message before "and N more"


def team_file(plan: Plan, ctx: Context) -> str:
    """Where people are added: the team file's path, or a neutral name when there is none."""
    for doc in plan.documents:
        if doc.kind == "team":
            return doc.display
    return ctx.messages("owner-unknown-team-file")


@rule("PC201", "owner-missing", Severity.ERROR, ("Missing owner", "缺少負責人"))
def owner_missing(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """Every task and every goal has exactly one owner (唯一負責人): the person who answers
    for it in the weekly report, who posts the adjustment within 24 hours when it lags,
    and whose department the task belongs to. A task without an owner belongs to no
    department, so it is missing from every weekly report and no one is alerted when it
    slips.

    Checked: tasks (except cancelled ones) and goals at every level. The `owner:` of a
    strategy, a workstream or a review is optional — accountability sits with the goals'
    and tasks' owners — but when written it must name a person of the team (PC202).
    A workstream's owner is not inherited by its tasks. An owner that names no person of
    the team is PC202 only, and several people in one `owner:` is PC203.

    Failing:
    ```yaml
    tasks:
      - id: script
        name: 直播腳本策劃
        start: 2024-06-10
        end: 2024-06-20
    ```
    Fixed:
    ```yaml
    tasks:
      - id: script
        name: 直播腳本策劃
        owner: wang.fang
        start: 2024-06-10
        end: 2024-06-20
    ```
    """
    team = team_file(plan, ctx)
    for goal in plan.goals.values():
        if goal.owner is None:
            parent = plan.goals.get(goal.parent) if goal.parent else None
            hint = (ctx.messages("owner-missing-hint-parent", person=parent.owner)
                    if parent is not None and parent.owner else "")
            yield Finding("PC201", ctx.messages("owner-missing-goal", name=goal.title, team=team),
                          goal.source.doc, goal.source.pointer, hint=hint)
    for task in plan.tasks.values():
        if task.owner is None and task.status != "cancelled":
            stream = plan.workstreams[task.workstream]
            hint = (ctx.messages("owner-missing-hint-workstream", person=stream.owner)
                    if stream.owner else "")
            yield Finding("PC201", ctx.messages("owner-missing-task", name=task.name, team=team),
                          task.source.doc, task.source.pointer, hint=hint)


@dataclass(frozen=True)
class _Reference:
    """One place that names a person: where, in which role, of which record."""

    ref: str
    source: Source  # points at the value
    role: str  # owner | lead | author | risk | action
    record: str  # owner-unknown-in-KIND
    values: tuple[tuple[str, Any], ...]  # for the record's label


def _references(plan: Plan) -> Iterator[_Reference]:
    """Every reference of the plan to someone who is not a person of the team (nor one
    whose team file failed validation), in model order."""
    known, unavailable = plan.people, plan.unavailable

    def ref(person: str | None, source: Source, role: str, record: str, **values: Any):
        # the usual reference names a known person: nothing made for it (11,752 at 10,000 tasks)
        if person is not None and person not in known and person not in unavailable:
            yield _Reference(person, source, role, record, tuple(values.items()))

    for dept in plan.departments.values():
        yield from ref(dept.lead, dept.source.at("lead"), "lead", "department", name=dept.name)
    for strategy in plan.strategies.values():
        yield from ref(strategy.owner, strategy.source.at("owner"), "owner", "strategy",
                       name=strategy.title)
    for goal in plan.goals.values():
        yield from ref(goal.owner, goal.source.at("owner"), "owner", "goal", name=goal.title)
    for stream in plan.workstreams.values():
        yield from ref(stream.owner, stream.source.at("owner"), "owner", "workstream",
                       name=stream.title)
        for full in stream.tasks:
            task = plan.tasks[full]
            if task.owner not in known:  # the usual: known, and not even a source made
                yield from ref(task.owner, task.source.at("owner"), "owner", "task", name=task.name)
            for i, risk in enumerate(task.risks):
                if risk.owner not in known:
                    yield from ref(risk.owner, task.source.at("risks", i, "owner"), "risk", "risk",
                                   name=risk.risk, task=task.name)
    for report in plan.reports:
        dept = plan.departments.get(report.department)
        label = f"{report.week} {dept.name if dept else report.department}"
        yield from ref(report.author, report.source.at("author"), "author", "report", name=label)
    for review in plan.reviews:
        yield from ref(review.owner, review.source.at("owner"), "owner", "review", name=review.label)
        for row in review.rows:
            yield from ref(row.owner, row.source.at("owner"), "action", "row",
                           name=row.dimension or row.metric)


@rule("PC202", "owner-unknown", Severity.ERROR, ("Owner not in the team", "負責人不在團隊中"))
def owner_unknown(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """Every person named in a plan is a person of the team file: the owner of a task,
    goal, workstream or strategy, a department's `lead`, a weekly report's `author`, a
    review's `owner` and each review row's `owner` (改進責任人), a risk's `owner`.
    A name that is not in the team is usually a typo (`chen.jei`) or a new colleague
    who was never added; either way the work has no reachable owner, it lands in no
    department's weekly report, and the people page does not show it.

    One finding per unknown id per file, at its first use; the message counts the other
    uses, because the fix is one edit (add the person to the team, or correct the same
    typo throughout the file). When no team file lists any people, every name is
    unknown: then each file gets a single finding at its first person reference, saying
    that the team is missing. Names defined in a team file that failed validation are
    not reported again.

    Failing:
    ```yaml
    tasks:
      - id: first-live
        name: 首場直播執行
        owner: chen.jei
    ```
    Fixed:
    ```yaml
    tasks:
      - id: first-live
        name: 首場直播執行
        owner: chen.jie
    ```
    """
    unknown = list(_references(plan))
    if not plan.people:
        yield from _no_team(unknown, ctx)
        return
    if not unknown:
        return
    team = team_file(plan, ctx)
    people = Vocabulary(plan.people)  # the hints' index: built only when a hint is due
    uses = Counter((r.source.path, r.ref) for r in unknown)
    reported: set[tuple[str, str]] = set()
    for r in unknown:
        key = (r.source.path, r.ref)
        if key in reported:
            continue
        reported.add(key)
        close = people.closest(r.ref)
        hint = (ctx.messages("owner-unknown-hint-suggest", suggestion=close, team=team) if close
                else ctx.messages("owner-unknown-hint-add", team=team))
        more = ctx.messages("owner-unknown-more", count=uses[key] - 1) if uses[key] > 1 else ""
        yield Finding("PC202", ctx.messages("owner-unknown", record=_label(r, ctx),
                                            role=_role(r, ctx), ref=r.ref, more=more),
                      r.source.doc, r.source.pointer, hint=hint)


def _no_team(unknown: list[_Reference], ctx: Context) -> Iterator[Finding]:
    """One finding per file when there is no team at all (not one per name)."""
    names: dict[str, set[str]] = {}
    first: dict[str, _Reference] = {}
    for r in unknown:
        names.setdefault(r.source.path, set()).add(r.ref)
        first.setdefault(r.source.path, r)
    for path, r in first.items():
        others = len(names[path]) - 1
        more = ctx.messages("owner-unknown-no-team-more", count=others) if others else ""
        yield Finding("PC202", ctx.messages("owner-unknown-no-team", record=_label(r, ctx),
                                            role=_role(r, ctx), ref=r.ref, more=more),
                      r.source.doc, r.source.pointer, hint=ctx.messages("owner-unknown-no-team-hint"))


def _label(r: _Reference, ctx: Context) -> str:
    return ctx.messages(f"owner-unknown-in-{r.record}", **dict(r.values))


def _role(r: _Reference, ctx: Context) -> str:
    return ctx.messages(f"owner-unknown-role-{r.role}")


declare("PC203", "owner-several", Severity.ERROR, ("More than one owner", "多於一位負責人"), """
    An owner field names exactly one person (唯一負責人): `owner:` of a task, goal,
    workstream, strategy, review, review row or risk, a department's `lead:` and a
    report's `author:`. A list (`owner: [li.wei, chen.jie]`) or several names in one
    text (`owner: 李偉、陳杰`, `li.wei / chen.jie`) means that, in practice, nobody is
    answerable: each expects the other to post the weekly figure and the adjustment when
    the task lags. Found while the file is validated, so the rest of the file is not
    checked until it is fixed. The other people help as supporting departments
    (`support:`, 配合部門), or split the task so that each part has its own owner.

    Failing:
    ```yaml
      - id: selection
        name: 選品與庫存對接
        owner: [li.wei, wang.fang]
    ```
    Fixed:
    ```yaml
      - id: selection
        name: 選品與庫存對接
        owner: li.wei
        support: [sales]
    ```
    """)


@rule("PC204", "owner-overloaded", Severity.WARNING, ("Owner overloaded", "負責人任務過多"),
      options=("thresholds.max_concurrent_tasks",))
def owner_overloaded(plan: Plan, ctx: Context) -> Iterator[Finding]:
    """A person owns more open tasks at the same time than they can follow: more than
    `thresholds.max_concurrent_tasks` (default 5), or more than their own `capacity:` in
    the team file, which takes precedence. An owner with too many parallel tasks cannot
    report on each of them every week or post an adjustment within 24 hours when one
    lags; in the Gantt it shows up as a column of overlapping bars with one name.

    A task counts from its start to its end (both included) while it is open: not done
    and not cancelled, with both dates known. The warning comes once per overload
    episode (a run of consecutive days above the limit), at the task whose start pushes
    the person over, naming the first day and the tasks running then. Tasks with an
    owner that is not in the team are PC202 and not counted.

    Failing:
    ```yaml
    # plancode.yaml: thresholds: {max_concurrent_tasks: 2}
    tasks:
      - {id: account, name: 直播賬號搭建, owner: chen.jie, start: 2024-06-01, end: 2024-06-10}
      - {id: samples, name: 樣品寄送, owner: chen.jie, start: 2024-06-03, end: 2024-06-12}
      - {id: rehearsal, name: 直播彩排, owner: chen.jie, start: 2024-06-05, end: 2024-06-06}
    ```
    Fixed:
    ```yaml
    tasks:
      - {id: account, name: 直播賬號搭建, owner: chen.jie, start: 2024-06-01, end: 2024-06-10}
      - {id: samples, name: 樣品寄送, owner: chen.jie, start: 2024-06-03, end: 2024-06-12}
      - {id: rehearsal, name: 直播彩排, owner: liu.yang, start: 2024-06-05, end: 2024-06-06}
    ```
    """
    default = ctx.config.thresholds.max_concurrent_tasks
    open_tasks: dict[str, list[tuple[int, Task]]] = {}
    for index, task in enumerate(plan.tasks.values()):
        if (task.owner in plan.people and task.status not in ("done", "cancelled")
                and task.start is not None and task.end is not None and task.start <= task.end):
            open_tasks.setdefault(task.owner, []).append((index, task))
    for person_id, tasks in open_tasks.items():
        person = plan.people[person_id]
        limit = person.capacity or default
        for day, running in _overloads(tasks, limit):
            # the task that starts last (the last written on a tie) pushes them over
            pusher = max(running, key=lambda item: (item[1].start, item[0]))[1]
            yield Finding("PC204", ctx.messages(
                "owner-overloaded", name=person.name, person=person_id, count=len(running),
                date=day.isoformat(), limit=limit, tasks=_task_names([t for _, t in running], ctx),
            ), pusher.source.doc, pusher.source.pointer + ("owner",),
                hint=ctx.messages("owner-overloaded-hint", person=person_id))


def _overloads(tasks: list[tuple[int, Task]], limit: int
               ) -> Iterator[tuple[dt.date, list[tuple[int, Task]]]]:
    """The first day of each run of days with more than ``limit`` tasks, and those tasks.

    A sweep over start and end events, so a person with many tasks costs n log n."""
    delta: Counter[dt.date] = Counter()
    for _, task in tasks:
        delta[task.start] += 1
        delta[task.end + dt.timedelta(days=1)] -= 1
    count, overloaded = 0, False
    for day in sorted(delta):
        count += delta[day]
        if count > limit and not overloaded:
            yield day, [(i, t) for i, t in tasks if t.start <= day <= t.end]
        overloaded = count > limit


def _task_names(tasks: list[Task], ctx: Context) -> str:
    tasks = sorted(tasks, key=lambda t: t.start)
    separator = ctx.messages.separator
    shown = separator.join(t.name for t in tasks[:OVERLOAD_NAMED])
    if len(tasks) > OVERLOAD_NAMED:
        shown += ctx.messages("owner-overloaded-more", count=len(tasks) - OVERLOAD_NAMED)
    return shown
