"""What changed between two plans, in the plan's own terms: a task's end moved by twelve
days, a target was lowered, a person moved to another department.

Pure: two :class:`~plancode.model.Plan` records in, :class:`PlanDiff` out. Where the plans
came from (git revisions, folders, the working tree) is :mod:`plancode.history`'s job, and
how a diff is printed is ``plancode diff``'s. Entities are matched by id, never by file: a
workstream moved to another file is one "moved" change, not a removal and an addition.

Both plans are computed at the same as-of date (the caller's config), so a change here is
a change written in the plans or in their reports, never the calendar moving on.

Also here, for ``plancode build --baseline``: :func:`baseline_dates` (the grey bars of the
Gantt) and :func:`changes_since_baseline` (the slip of every task and milestone).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, TypeVar

from .i18n import Messages, register
from .diff_year import year_changes
from .model import Plan, Task

#: the groups of a diff, in the order they are shown
ENTITIES = ("strategy", "goal", "workstream", "task", "review", "department", "person", "report")
TEAM = ("department", "person")
#: fields whose change a reviewer must look at, before the full table
RISKY_STATUSES = ("blocked", "cancelled", "overdue")
CURRENCY_SIGNS = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}


@dataclass(frozen=True)
class Change:
    """One fact that differs. ``old``/``new`` are plan values (dates, numbers, ids, lists);
    ``old_name``/``new_name`` name what an id refers to (a person, a goal) for people to
    read. ``delta`` is in days for dates, in points for progress and achievement, in money
    for budgets. ``note``: slipped | earlier | later | lowered | raised."""

    entity: str
    id: str
    name: str
    field: str
    old: Any = None
    new: Any = None
    delta: float | None = None
    note: str | None = None
    risky: bool = False
    old_name: str | None = None
    new_name: str | None = None
    unit: str = ""


@dataclass(frozen=True)
class Summary:
    changes: int
    risky: int
    tasks_added: int
    tasks_removed: int
    tasks_renamed: int
    tasks_slipped: int
    max_slip_days: int | None
    max_slip_task: str | None  # full id
    max_slip_name: str | None
    targets_lowered: int
    targets_raised: int
    budget_delta: float
    strategy_budget: tuple[float | None, float | None] | None  # (old, new) total, when it changed
    owner_changes: tuple[tuple[str, str, str], ...]  # (entity name, new owner's name, id)
    goals_added: int
    goals_removed: int
    team_changes: int


@dataclass(frozen=True)
class PlanDiff:
    changes: tuple[Change, ...]
    currency: str

    @property
    def risky(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.risky)

    def only(self, ident: str) -> "PlanDiff":
        """The changes of one entity (a task's full id, a goal id, a person id…)."""
        return PlanDiff(tuple(c for c in self.changes if c.id == ident), self.currency)

    @property
    def summary(self) -> Summary:
        c = self.changes
        slips = [x for x in c if x.entity == "task" and x.field == "end" and x.note == "slipped"]
        worst = max(slips, key=lambda x: (x.delta, x.id), default=None)
        by = Counter((x.entity, x.field) for x in c)
        budget = sum(x.delta or 0 for x in c if x.entity == "task" and x.field in ("budget", "added", "removed"))
        strategy_budget = next(((x.old, x.new) for x in c if x.entity == "strategy" and x.field == "total"), None)
        return Summary(
            changes=len(c), risky=sum(x.risky for x in c),
            tasks_added=by["task", "added"], tasks_removed=by["task", "removed"],
            tasks_renamed=by["task", "renamed"], tasks_slipped=len(slips),
            max_slip_days=int(worst.delta) if worst else None,
            max_slip_task=worst.id if worst else None, max_slip_name=worst.name if worst else None,
            targets_lowered=sum(1 for x in c if x.field == "target" and x.note == "lowered"),
            targets_raised=sum(1 for x in c if x.field == "target" and x.note == "raised"),
            budget_delta=budget, strategy_budget=strategy_budget,
            owner_changes=tuple((x.name, x.new_name or str(x.new), x.id) for x in c if x.field == "owner"),
            goals_added=by["goal", "added"], goals_removed=by["goal", "removed"],
            team_changes=sum(1 for x in c if x.entity in TEAM),
        )


K = TypeVar("K")
V = TypeVar("V")


def _pairs(old: dict[K, V], new: dict[K, V]) -> Iterator[tuple[K, V | None, V | None]]:
    """Matched records by key: the new plan's order, then what only the old one has."""
    for key, value in new.items():
        yield key, old.get(key), value
    for key, value in old.items():
        if key not in new:
            yield key, value, None


def _days(a: dt.date | None, b: dt.date | None) -> int | None:
    return (b - a).days if a is not None and b is not None else None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return round(float(a), 6) == round(float(b), 6)
    return a == b


def ease(old: float | None, new: float | None, direction: str) -> str | None:
    """``lowered`` when the new target is easier to reach given its direction (for
    ``down``, a higher target is easier), ``raised`` when harder."""
    if old is None or new is None or _same(old, new):
        return None
    easier = new < old if direction == "up" else new > old
    return "lowered" if easier else "raised"


class _Differ:
    def __init__(self, old: Plan, new: Plan, old_root: Path | None, new_root: Path | None,
                 unreadable: tuple[Iterable[str], Iterable[str]]):
        self.a, self.b = old, new
        self.roots = (old_root, new_root)
        self.unreadable = (frozenset(unreadable[0]), frozenset(unreadable[1]))
        self.changes: list[Change] = []

    def pairs(self, old: dict[K, V], new: dict[K, V]) -> Iterator[tuple[K, V | None, V | None]]:
        """_pairs, less what only looks added or removed because its file could not be
        read on the other side: that is unknown, not a change (the file is listed)."""
        for key, a, b in _pairs(old, new):
            if a is None and self.hidden(0, key, b) or b is None and self.hidden(1, key, a):
                continue
            yield key, a, b

    def hidden(self, side: int, key: Any, record: Any) -> bool:
        plan = (self.a, self.b)[side]
        record = record[1] if isinstance(record, tuple) else record  # review rows: (name, row)
        return key in plan.unavailable or self.file(record, 1 - side) in self.unreadable[side]

    # --- names of what ids refer to, from the newer plan first --------------------------
    def person(self, pid: str | None) -> str | None:
        if pid is None:
            return None
        person = self.b.people.get(pid) or self.a.people.get(pid)
        return person.name if person else pid

    def department(self, did: str | None) -> str | None:
        if did is None:
            return None
        dept = self.b.departments.get(did) or self.a.departments.get(did)
        return dept.name if dept else did

    def goal(self, gid: str | None) -> str | None:
        if gid is None:
            return None
        goal = self.b.goals.get(gid) or self.a.goals.get(gid)
        return goal.title if goal else gid

    def task(self, tid: str) -> str:
        task = self.b.tasks.get(tid) or self.a.tasks.get(tid)
        return task.name if task else tid

    def file(self, record: Any, side: int) -> str:
        """A record's file relative to its plans root, so that two folders compare."""
        doc, root = record.source.doc, self.roots[side]
        if root is not None:
            try:
                return Path(doc.path).relative_to(root).as_posix()
            except ValueError:
                pass
        return doc.display

    # --- recording ----------------------------------------------------------------------
    def add(self, entity: str, ident: str, name: str, field: str, old: Any = None, new: Any = None,
            **extra: Any) -> None:
        self.changes.append(Change(entity, ident, name, field, old, new, **extra))

    def fields(self, entity: str, ident: str, name: str, pairs: Iterable[tuple[str, Any, Any]],
               names: dict[str, Any] | None = None) -> None:
        """Plain before/after fields; ``names`` maps a field to the function naming its ids."""
        for field_name, old, new in pairs:
            if _same(old, new):
                continue
            namer = (names or {}).get(field_name)
            extra: dict[str, Any] = {}
            if namer:
                extra = {"old_name": namer(old), "new_name": namer(new)}
            if field_name == "owner":
                extra["risky"] = True
            self.add(entity, ident, name, field_name, old, new, **extra)

    def money(self, entity: str, ident: str, name: str, field: str, old: float | None,
              new: float | None) -> None:
        if not _same(old, new):
            self.add(entity, ident, name, field, old, new, delta=(new or 0) - (old or 0))

    def dated(self, entity: str, ident: str, name: str, field: str, old: dt.date | None,
              new: dt.date | None, later: str = "later", risky_later: bool = False) -> None:
        if old == new:
            return
        delta = _days(old, new)
        note = None if not delta else (later if delta > 0 else "earlier")
        self.add(entity, ident, name, field, old, new, delta=delta, note=note,
                 risky=bool(risky_later and delta and delta > 0))

    # --- entities -----------------------------------------------------------------------
    def strategies(self) -> None:
        for key, a, b in self.pairs(self.a.strategies, self.b.strategies):
            if a is None or b is None:
                here = a or b
                self.add("strategy", key, here.title, "added" if a is None else "removed",
                         risky=b is None)
                continue
            self.fields("strategy", key, b.title, [
                ("renamed", a.title, b.title),
                ("owner", a.owner, b.owner),
                ("period", (a.start, a.end), (b.start, b.end)),
            ], {"owner": self.person})
            ba, bb = a.budget, b.budget
            self.money("strategy", key, b.title, "total", ba.total if ba else None, bb.total if bb else None)
            self.fields("strategy", key, b.title, [
                ("contingency", ba.contingency if ba else None, bb.contingency if bb else None),
                ("allocation", ba.allocation if ba else {}, bb.allocation if bb else {}),
                ("currency", ba.currency if ba else None, bb.currency if bb else None),
            ])

    def goals(self) -> None:
        for key, a, b in self.pairs(self.a.goals, self.b.goals):
            if a is None or b is None:
                here = a or b
                metric = here.metric
                facts = {"target": metric.target if metric else None, "owner": here.owner, "due": here.due}
                self.add("goal", key, here.title, "added" if a is None else "removed",
                         None if a is None else facts, None if b is None else facts,
                         risky=b is None, unit=metric.unit if metric else "",
                         old_name=self.person(a.owner) if a else None,
                         new_name=self.person(b.owner) if b else None)
                continue
            name = b.title
            self.fields("goal", key, name, [
                ("renamed", a.title, b.title),
                ("owner", a.owner, b.owner),
                ("parent", a.parent, b.parent),
            ], {"owner": self.person, "parent": self.goal})
            ma, mb = a.metric, b.metric
            direction = mb.direction if mb else (ma.direction if ma else "up")
            old_dir, new_dir = (ma.direction if ma else None), (mb.direction if mb else None)
            unit = (mb or ma).unit if (mb or ma) else ""
            target_a, target_b = (ma.target if ma else None), (mb.target if mb else None)
            if not _same(target_a, target_b):
                # a direction that flipped too leaves "easier" undefined
                note = ease(target_a, target_b, direction) if old_dir == new_dir else None
                self.add("goal", key, name, "target", target_a, target_b, unit=unit, note=note,
                         risky=note == "lowered",
                         delta=None if target_a is None or target_b is None else target_b - target_a)
            self.fields("goal", key, name, [
                ("baseline", ma.baseline if ma else None, mb.baseline if mb else None),
                ("direction", old_dir, new_dir),
                ("metric", ma.name if ma else None, mb.name if mb else None),
                ("unit", ma.unit if ma else None, mb.unit if mb else None),
            ])
            self.dated("goal", key, name, "due", a.due, b.due, risky_later=True)
            self.money("goal", key, name, "budget", a.budget, b.budget)
            self.fields("goal", key, name, [("priority", a.priority, b.priority)])
            if a.achievement_pct != b.achievement_pct:
                self.add("goal", key, name, "achievement", a.achievement_pct, b.achievement_pct,
                         delta=None if a.achievement_pct is None or b.achievement_pct is None
                         else b.achievement_pct - a.achievement_pct, note=b.alert)

    def workstreams(self) -> None:
        for key, a, b in self.pairs(self.a.workstreams, self.b.workstreams):
            if a is None or b is None:
                here = a or b
                self.add("workstream", key, here.title, "added" if a is None else "removed",
                         None if a is None else self.file(a, 0), None if b is None else self.file(b, 1))
                continue
            self.fields("workstream", key, b.title, [
                ("renamed", a.title, b.title),
                ("owner", a.owner, b.owner),
                ("goal", a.goal, b.goal),
                ("file", self.file(a, 0), self.file(b, 1)),
            ], {"owner": self.person, "goal": self.goal})

    def tasks(self) -> None:
        for key, a, b in self.pairs(self.a.tasks, self.b.tasks):
            if a is None or b is None:
                self.task_added_or_removed(key, a, b)
                continue
            name = b.name
            self.fields("task", key, name, [("renamed", a.name, b.name)])
            self.dated("task", key, name, "start", a.start, b.start)
            self.dated("task", key, name, "end", a.end, b.end, later="slipped", risky_later=True)
            self.fields("task", key, name, [("owner", a.owner, b.owner)], {"owner": self.person})
            if not _same(round(a.progress, 1), round(b.progress, 1)):
                self.add("task", key, name, "progress", a.progress, b.progress,
                         delta=round(b.progress - a.progress, 1))
            if a.status != b.status:
                self.add("task", key, name, "status", a.status, b.status,
                         risky=b.status in RISKY_STATUSES)
            self.money("task", key, name, "budget", a.budget, b.budget)
            pa, pb = sorted(a.predecessors or a.after), sorted(b.predecessors or b.after)
            if pa != pb:
                self.add("task", key, name, "predecessors", pa, pb,
                         old_name=", ".join(self.task(t) for t in pa),
                         new_name=", ".join(self.task(t) for t in pb))
            self.fields("task", key, name, [
                ("goal", a.goal, b.goal),
                ("milestone", a.milestone, b.milestone),
                ("deliverable", a.deliverable, b.deliverable),
            ], {"goal": self.goal})

    def task_added_or_removed(self, key: str, a: Task | None, b: Task | None) -> None:
        here = b or a
        facts = {"start": here.start, "end": here.end, "owner": here.owner, "budget": here.budget,
                 "milestone": here.milestone}
        budget = here.budget or 0
        if a is None:
            self.add("task", key, here.name, "added", None, facts, delta=budget,
                     new_name=self.person(here.owner))
        else:
            self.add("task", key, here.name, "removed", facts, None, delta=-budget, risky=True,
                     old_name=self.person(here.owner))

    def reviews(self) -> None:
        def rows(plan: Plan) -> dict[str, tuple[str, Any]]:
            found: dict[str, tuple[str, Any]] = {}
            seen: Counter[str] = Counter()
            for review in plan.reviews:
                for row in review.rows:
                    base = f"{review.label}/{row.metric}"
                    seen[base] += 1
                    key = base if seen[base] == 1 else f"{base}#{seen[base]}"
                    found[key] = (f"{review.label} {row.metric}", row)
            return found

        for key, a, b in self.pairs(rows(self.a), rows(self.b)):
            if a is None or b is None:
                name, row = b or a
                facts = {"target": row.target, "actual": row.actual, "achievement": row.achievement_pct,
                         "alert": row.alert}
                self.add("review", key, name, "added" if a is None else "removed",
                         None if a is None else facts, None if b is None else facts, unit=row.unit)
                continue
            name, ra = a
            _, rb = b
            if not _same(ra.target, rb.target):
                note = ease(ra.target, rb.target, rb.direction) if ra.direction == rb.direction else None
                self.add("review", key, name, "target", ra.target, rb.target, unit=rb.unit, note=note,
                         risky=note == "lowered", delta=rb.target - ra.target)
            if not _same(ra.actual, rb.actual):
                self.add("review", key, name, "actual", ra.actual, rb.actual, unit=rb.unit,
                         delta=rb.actual - ra.actual)
            if ra.achievement_pct != rb.achievement_pct:
                self.add("review", key, name, "achievement", ra.achievement_pct, rb.achievement_pct,
                         delta=None if ra.achievement_pct is None or rb.achievement_pct is None
                         else rb.achievement_pct - ra.achievement_pct, note=rb.alert)
            self.fields("review", key, name, [
                ("direction", ra.direction, rb.direction),
                ("owner", ra.owner, rb.owner),
            ], {"owner": self.person})

    def team(self) -> None:
        for key, a, b in self.pairs(self.a.departments, self.b.departments):
            if a is None or b is None:
                here = a or b
                self.add("department", key, here.name, "added" if a is None else "removed")
                continue
            self.fields("department", key, b.name, [
                ("renamed", a.name, b.name),
                ("lead", a.lead, b.lead),
                ("parent", a.parent, b.parent),
            ], {"lead": self.person, "parent": self.department})
        for key, a, b in self.pairs(self.a.people, self.b.people):
            if a is None or b is None:
                here = a or b
                dept = self.department(here.department)
                self.add("person", key, here.name, "added" if a is None else "removed",
                         None if a is None else here.department, None if b is None else here.department,
                         old_name=None if a is None else dept, new_name=None if b is None else dept)
                continue
            self.fields("person", key, b.name, [
                ("renamed", a.name, b.name),
                ("department", a.department, b.department),
                ("role", a.role, b.role),
            ], {"department": self.department})

    def reports(self) -> None:
        def keyed(plan: Plan) -> dict[str, Any]:
            return {f"{r.week}/{r.department}": r for r in plan.reports}

        for key, a, b in self.pairs(keyed(self.a), keyed(self.b)):
            if a is None or b is None:
                here = a or b
                self.add("report", key, f"{here.week} {self.department(here.department)}",
                         "added" if a is None else "removed")


def diff_plans(old: Plan, new: Plan, old_root: Path | None = None, new_root: Path | None = None,
               unreadable: tuple[Iterable[str], Iterable[str]] = ((), ())) -> PlanDiff:
    """Every change from ``old`` to ``new``, grouped by entity (see ENTITIES).

    The roots are the plans roots the documents were read from; with them a file is named
    relative to its root, so two folders (or two revisions) compare. ``unreadable`` are
    the files (relative to the roots) of each side that could not be read: what the other
    side defines in them is not reported as added or removed."""
    d = _Differ(old, new, old_root, new_root, unreadable)
    d.strategies()
    d.goals()
    d.workstreams()
    d.tasks()
    year_changes(d)  # SPEC §5: targets by period, lags, slips (only when a side uses §5)
    d.reviews()
    d.team()
    d.reports()
    currency = next((s.budget.currency for p in (new, old) for s in p.strategies.values() if s.budget), "CNY")
    return PlanDiff(tuple(d.changes), currency)


# --- baselines (plancode build --baseline) ------------------------------------------------

def baseline_dates(plan: Plan) -> dict[str, tuple[dt.date, dt.date]]:
    """{full task id: (start, end)} of every dated task: the Gantt's baseline bars."""
    return {t.full_id: (t.start, t.end) for t in plan.tasks.values()
            if t.start is not None and t.end is not None}


@dataclass(frozen=True)
class BaselineRow:
    """One task of the "changes since baseline" page. Slips are in days, positive when
    later than the baseline; None where either side has no date."""

    task: str  # full id
    workstream: str
    name: str
    milestone: bool
    owner: str | None
    state: str  # unchanged | moved | added | removed
    baseline_start: dt.date | None
    baseline_end: dt.date | None
    start: dt.date | None
    end: dt.date | None
    start_slip: int | None
    end_slip: int | None

    @property
    def slipped(self) -> bool:
        return self.end_slip is not None and self.end_slip > 0


def changes_since_baseline(base_plan: Plan, plan: Plan) -> list[BaselineRow]:
    """Every task and milestone of ``plan`` against ``base_plan`` (in the plan's order),
    then the tasks the baseline had that are gone."""
    rows = []
    for key, a, b in _pairs(base_plan.tasks, plan.tasks):
        here = b or a
        start_slip = _days(a.start, b.start) if a and b else None
        end_slip = _days(a.end, b.end) if a and b else None
        if a is None:
            state = "added"
        elif b is None:
            state = "removed"
        else:
            state = "unchanged" if (a.start, a.end) == (b.start, b.end) else "moved"
        rows.append(BaselineRow(
            task=key, workstream=here.workstream, name=here.name, milestone=here.milestone,
            owner=here.owner, state=state,
            baseline_start=a.start if a else None, baseline_end=a.end if a else None,
            start=b.start if b else None, end=b.end if b else None,
            start_slip=start_slip, end_slip=end_slip,
        ))
    return rows


# --- sentences ------------------------------------------------------------------------------

register({
    "diff-entity-strategy": ("Strategy", "策略"),
    "diff-entity-goal": ("Goal", "目標"),
    "diff-entity-workstream": ("Workstream", "執行計劃"),
    "diff-entity-task": ("Task", "任務"),
    "diff-entity-review": ("Review", "效果評估"),
    "diff-entity-department": ("Department", "部門"),
    "diff-entity-person": ("Person", "人員"),
    "diff-entity-report": ("Weekly report", "周報"),
    "diff-group-strategy": ("Strategy", "策略"),
    "diff-group-goal": ("Goals", "目標"),
    "diff-group-workstream": ("Workstreams", "執行計劃"),
    "diff-group-task": ("Tasks", "任務"),
    "diff-group-review": ("Reviews", "效果評估"),
    "diff-group-department": ("Departments", "部門"),
    "diff-group-person": ("People", "人員"),
    "diff-group-report": ("Weekly reports", "周報"),
    "diff-days": ("{sign}{n} day{s}", "{sign}{n} 天"),
    "diff-points": ("{sign}{n} points", "{sign}{n} 個百分點"),
    "diff-note-lowered": (" (lowered)", "(下調)"),
    "diff-note-raised": (" (raised)", "(上調)"),
    "diff-none": ("none", "無"),
    "diff-yes": ("yes", "是"),
    "diff-no": ("no", "否"),
    "diff-f-added": ("added", "新增"),
    "diff-f-added-task": ("added: {start} → {end}, owned by {owner}{budget}",
                          "新增:{start} → {end},由 {owner} 負責{budget}"),
    "diff-f-added-goal": ("added: target {target}, owned by {owner}", "新增:目標值 {target},由 {owner} 負責"),
    "diff-f-added-review": ("added: target {target}, actual {actual}, achievement {achievement}",
                            "新增:目標值 {target},實際值 {actual},達成率 {achievement}"),
    "diff-f-added-person": ("joined {department}", "加入 {department}"),
    "diff-f-added-file": ("added, in {file}", "新增,位於 {file}"),
    "diff-f-removed": ("removed", "已刪除"),
    "diff-f-removed-person": ("left {department}", "離開 {department}"),
    "diff-budget-suffix": (", budget {budget}", ",預算 {budget}"),
    "diff-f-renamed": ("renamed from {old}", "更名(原為 {old})"),
    "diff-f-start": ("start {old} → {new} ({delta})", "開始時間 {old} → {new}({delta})"),
    "diff-f-end": ("end {old} → {new} ({delta})", "結束時間 {old} → {new}({delta})"),
    "diff-f-due": ("due {old} → {new} ({delta})", "完成時間 {old} → {new}({delta})"),
    "diff-f-owner": ("now owned by {new} (was {old})", "改由 {new} 負責(原為 {old})"),
    "diff-f-lead": ("now led by {new} (was {old})", "改由 {new} 主管(原為 {old})"),
    "diff-f-progress": ("progress {old} → {new} ({delta})", "當前進度 {old} → {new}({delta})"),
    "diff-f-status": ("status {old} → {new}", "狀態 {old} → {new}"),
    "diff-f-budget": ("budget {old} → {new} ({delta})", "預算 {old} → {new}({delta})"),
    "diff-f-total": ("total budget {old} → {new} ({delta})", "總預算 {old} → {new}({delta})"),
    "diff-f-contingency": ("contingency {old} → {new}", "預備金 {old} → {new}"),
    "diff-f-allocation": ("budget allocation {old} → {new}", "預算分配 {old} → {new}"),
    "diff-f-currency": ("currency {old} → {new}", "幣種 {old} → {new}"),
    "diff-f-period": ("period {old} → {new}", "期間 {old} → {new}"),
    "diff-f-predecessors": ("predecessors {old} → {new}", "前置任務 {old} → {new}"),
    "diff-f-goal": ("goal {old} → {new}", "所屬目標 {old} → {new}"),
    "diff-f-milestone": ("milestone {old} → {new}", "里程碑 {old} → {new}"),
    "diff-f-deliverable": ("deliverable {old} → {new}", "交付標準 {old} → {new}"),
    "diff-f-target": ("target {old} → {new}{note}", "目標值 {old} → {new}{note}"),
    "diff-f-baseline": ("baseline {old} → {new}", "基準值 {old} → {new}"),
    "diff-f-direction": ("direction {old} → {new}", "方向 {old} → {new}"),
    "diff-f-metric": ("metric {old} → {new}", "指標 {old} → {new}"),
    "diff-f-unit": ("unit {old} → {new}", "單位 {old} → {new}"),
    "diff-f-parent": ("now under {new} (was under {old})", "改屬 {new}(原屬 {old})"),
    "diff-f-priority": ("priority {old} → {new}", "優先級 {old} → {new}"),
    "diff-f-achievement": ("achievement {old} → {new} ({delta})", "達成率 {old} → {new}({delta})"),
    "diff-f-actual": ("actual {old} → {new}", "實際值 {old} → {new}"),
    "diff-f-department": ("moved to {new} (was {old})", "調至 {new}(原為 {old})"),
    "diff-f-role": ("role {old} → {new}", "職位 {old} → {new}"),
    "diff-f-file": ("moved to {new} (was {old})", "移至 {new}(原在 {old})"),
    "diff-sum-none": ("no changes", "沒有變動"),
    "diff-sum-slipped": ("{n} task{s} slipped (max {delta}: {name})", "{n} 項任務延期(最多 {delta}:{name})"),
    "diff-sum-lowered": ("{n} target{s} lowered", "{n} 個目標值下調"),
    "diff-sum-raised": ("{n} target{s} raised", "{n} 個目標值上調"),
    "diff-sum-budget": ("budget {delta}", "預算 {delta}"),
    "diff-sum-strategy-budget": ("total budget {old} → {new}", "總預算 {old} → {new}"),
    "diff-sum-owner": ("{name} now owned by {owner}", "{name} 改由 {owner} 負責"),
    "diff-sum-owners": ("{n} owner changes", "{n} 處負責人變更"),
    "diff-sum-tasks-added": ("{n} task{s} added", "新增 {n} 項任務"),
    "diff-sum-tasks-removed": ("{n} task{s} removed", "刪除 {n} 項任務"),
    "diff-sum-tasks-renamed": ("{n} task{s} renamed", "{n} 項任務更名"),
    "diff-sum-goals-added": ("{n} goal{s} added", "新增 {n} 個目標"),
    "diff-sum-goals-removed": ("{n} goal{s} removed", "刪除 {n} 個目標"),
    "diff-sum-team": ("{n} team change{s}", "團隊變動 {n} 處"),
    "diff-sum-other": ("{n} other change{s}", "其他變動 {n} 處"),
})

#: summary owner changes named one by one up to this many, then counted
SUMMARY_OWNERS = 3


class Phrases:
    """Changes as sentences in one locale: ``phrases.describe(change)``."""

    def __init__(self, locale: str, currency: str = "CNY"):
        from .render.labels import Labels

        self.m = Messages(locale)
        self.labels = Labels(locale)
        self.currency = currency
        self.sign = CURRENCY_SIGNS.get(currency, currency + " ")

    # --- values -------------------------------------------------------------------------
    def number(self, value: Any, unit: str = "") -> str:
        from .render.labels import number

        if value is None:
            return "—"
        text = number(value)
        return f"{text} {unit}" if unit and unit != "%" else f"{text}{unit}"

    def money(self, value: float | None, signed: bool = False) -> str:
        from .render.labels import number

        if value is None:
            return "—"
        text = f"{self.sign}{number(abs(value))}"
        if signed:
            return ("+" if value > 0 else "-" if value < 0 else "±") + text
        return ("-" if value < 0 else "") + text

    def days(self, delta: float | None) -> str:
        if delta is None:
            return "—"
        n = int(delta)
        return self.m("diff-days", sign="+" if n > 0 else "-" if n < 0 else "±", n=abs(n),
                      s="" if abs(n) == 1 else "s")

    def points(self, delta: float | None) -> str:
        from .render.labels import number

        if delta is None:
            return "—"
        return self.m("diff-points", sign="+" if delta > 0 else "-" if delta < 0 else "±",
                      n=number(abs(delta)))

    def percent(self, value: float | None) -> str:
        from .render.labels import percent

        return percent(value, 1) if value is not None else "—"

    def value(self, value: Any) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return self.m("diff-none")
        if isinstance(value, bool):
            return self.m("diff-yes") if value else self.m("diff-no")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, dt.date) for v in value):
            return f"{value[0].isoformat()}..{value[1].isoformat()}"
        if isinstance(value, dict):
            return ", ".join(f"{k}: {self.value(v)}" for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return ", ".join(self.value(v) for v in value)
        if isinstance(value, (int, float)):
            return self.number(value)
        return str(value)

    # --- sentences ----------------------------------------------------------------------
    def entity(self, change: Change) -> str:
        return self.m(f"diff-entity-{change.entity}")

    def group(self, entity: str) -> str:
        return self.m(f"diff-group-{entity}")

    def subject(self, change: Change) -> str:
        """How the changed thing is named: its name and, when different, its id."""
        if change.name == change.id or change.entity in ("review", "report"):
            return change.name  # their keys only repeat the name
        return f"{change.name} ({change.id})"

    def describe(self, c: Change) -> str:
        m = self.m
        old_name = c.old_name if c.old_name is not None else self.value(c.old)
        new_name = c.new_name if c.new_name is not None else self.value(c.new)
        if c.field == "added":
            return self._added(c)
        if c.field == "removed":
            if c.entity == "person" and c.old_name:
                return m("diff-f-removed-person", department=c.old_name)
            return m("diff-f-removed")
        if c.field == "renamed":
            return m("diff-f-renamed", old=c.old)
        if c.field in ("start", "end", "due"):
            return m(f"diff-f-{c.field}", old=self.value(c.old), new=self.value(c.new), delta=self.days(c.delta))
        if c.field in ("budget", "total"):
            return m(f"diff-f-{c.field}", old=self.money(c.old), new=self.money(c.new),
                     delta=self.money(c.delta, signed=True))
        if c.field == "progress":
            return m("diff-f-progress", old=self.percent(c.old), new=self.percent(c.new), delta=self.points(c.delta))
        if c.field == "achievement":
            return m("diff-f-achievement", old=self.percent(c.old), new=self.percent(c.new), delta=self.points(c.delta))
        if c.field == "status":
            return m("diff-f-status", old=self.labels(f"status.{c.old}"), new=self.labels(f"status.{c.new}"))
        if c.field == "direction":
            return m("diff-f-direction", old=self.labels(f"direction.{c.old}") if c.old else m("diff-none"),
                     new=self.labels(f"direction.{c.new}") if c.new else m("diff-none"))
        if c.field == "priority":
            return m("diff-f-priority", old=self.labels(f"priority.{c.old}") if c.old else m("diff-none"),
                     new=self.labels(f"priority.{c.new}") if c.new else m("diff-none"))
        if c.field in ("target", "actual", "baseline"):
            note = m(f"diff-note-{c.note}") if c.note in ("lowered", "raised") else ""
            return m(f"diff-f-{c.field}", old=self.number(c.old, c.unit), new=self.number(c.new, c.unit), note=note)
        if c.field == "contingency":
            return m("diff-f-contingency", old=self.percent(c.old), new=self.percent(c.new))
        if c.field in ("owner", "lead", "parent", "department", "goal", "predecessors") and not old_name:
            old_name = m("diff-none")
        if c.field in ("owner", "lead", "parent", "department", "goal", "predecessors") and not new_name:
            new_name = m("diff-none")
        return m(f"diff-f-{c.field}", old=old_name, new=new_name)

    def _added(self, c: Change) -> str:
        m = self.m
        facts = c.new or {}
        if c.entity == "task":
            budget = m("diff-budget-suffix", budget=self.money(facts["budget"])) if facts.get("budget") else ""
            return m("diff-f-added-task", start=self.value(facts["start"]), end=self.value(facts["end"]),
                     owner=c.new_name or m("diff-none"), budget=budget)
        if c.entity == "goal":
            return m("diff-f-added-goal", target=self.number(facts["target"], c.unit),
                     owner=c.new_name or m("diff-none"))
        if c.entity == "review":
            return m("diff-f-added-review", target=self.number(facts["target"], c.unit),
                     actual=self.number(facts["actual"], c.unit), achievement=self.percent(facts["achievement"]))
        if c.entity == "person" and c.new_name:
            return m("diff-f-added-person", department=c.new_name)
        if c.entity == "workstream" and c.new:
            return m("diff-f-added-file", file=c.new)
        return m("diff-f-added")

    def line(self, c: Change) -> str:
        return f"{self.subject(c)}: {self.describe(c)}"

    def summary(self, diff: PlanDiff) -> str:
        """The one line a reviewer reads first: slips, lowered targets, budget, owners,
        what was added and removed."""
        m, s = self.m, diff.summary
        if not s.changes:
            return m("diff-sum-none")

        def plural(n: int) -> str:
            return "" if n == 1 else "s"

        parts, told = [], 0
        if s.tasks_slipped:
            parts.append(m("diff-sum-slipped", n=s.tasks_slipped, s=plural(s.tasks_slipped),
                           delta=self.days(s.max_slip_days), name=s.max_slip_name))
            told += s.tasks_slipped
        for key, n in (("diff-sum-lowered", s.targets_lowered), ("diff-sum-raised", s.targets_raised)):
            if n:
                parts.append(m(key, n=n, s=plural(n)))
                told += n
        if s.budget_delta:
            parts.append(m("diff-sum-budget", delta=self.money(s.budget_delta, signed=True)))
        if s.strategy_budget:
            parts.append(m("diff-sum-strategy-budget", old=self.money(s.strategy_budget[0]),
                           new=self.money(s.strategy_budget[1])))
            told += 1
        owners = s.owner_changes
        if 0 < len(owners) <= SUMMARY_OWNERS:
            parts += [m("diff-sum-owner", name=name, owner=owner) for name, owner, _ in owners]
        elif owners:
            parts.append(m("diff-sum-owners", n=len(owners)))
        told += len(owners)
        for key, n in (("diff-sum-tasks-added", s.tasks_added), ("diff-sum-tasks-removed", s.tasks_removed),
                       ("diff-sum-tasks-renamed", s.tasks_renamed),
                       ("diff-sum-goals-added", s.goals_added), ("diff-sum-goals-removed", s.goals_removed)):
            if n:
                parts.append(m(key, n=n, s=plural(n)))
                told += n
        # team changes already told as owner changes are not counted twice
        if s.team_changes:
            parts.append(m("diff-sum-team", n=s.team_changes, s=plural(s.team_changes)))
            told += s.team_changes
        # the budget delta summarises several changes; count what it does not
        budget_fields = sum(1 for c in diff.changes if c.entity == "task" and c.field == "budget")
        other = s.changes - told - budget_fields
        if other > 0:
            parts.append(m("diff-sum-other", n=other, s=plural(other)))
        return ("," if self.m.chinese else ", ").join(parts)
