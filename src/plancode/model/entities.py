"""The plan repository as frozen records, with every computed figure attached.

Records are built only from schema-valid documents (see :mod:`plancode.model.build`);
each keeps its :class:`Source` so that a rule can point a finding at it. They have
``__slots__`` and no ``__dict__``: a 100,000-task repository holds close to a million of
them, and ``plancode check`` must stay under 1 GB there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, TypeVar

from ..loader import Document
from ..problems import Pointer
from .figures import period_range

R = TypeVar("R")


def _quick_init(cls: type[R]) -> type[R]:
    """Give a frozen, slotted dataclass an ``__init__`` that stores each field straight
    into its slot, as the one dataclasses writes does through ``object.__setattr__``
    (the way round its own frozen ``__setattr__``), at about half the cost: a check of
    10,000 tasks makes 26,000 report entries, 10,000 tasks and 70,000 sources (0.1 s).
    Same parameters, same defaults; the record stays frozen."""
    namespace: dict[str, Any] = {}
    parameters, body = [], []
    for f in fields(cls):
        assert f.init and f.default_factory is MISSING, f"{cls.__name__}.{f.name}: a plain field only"
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__  # the slot's own setter
        if f.default is MISSING:
            parameters.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})\n")
    exec(f"def __init__(self, {', '.join(parameters)}):\n{''.join(body)}", namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls


@_quick_init
@dataclass(frozen=True, slots=True)
class Source:
    """Where a record was written: its document and the pointer to it inside."""

    doc: Document = field(repr=False, compare=False)
    pointer: Pointer = ()

    def at(self, *steps: Any) -> "Source":
        return Source(self.doc, self.pointer + steps)

    @property
    def path(self) -> str:
        return self.doc.display


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    lead: str | None
    parent: str | None
    source: Source


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    department: str | None
    role: str
    github: str | None
    email: str | None
    capacity: int | None
    source: Source


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    unit: str
    baseline: float | None
    target: float | None
    direction: str  # up | down
    #: SPEC §5.1: sum | last | mean, None when neither `aggregate` nor `targets` is written
    aggregate: str | None = None
    #: SPEC §5.1: the period targets as written, (period, first day, last day, value)
    targets: tuple[tuple[str, dt.date, dt.date, float], ...] = ()

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> "Metric | None":
        if not data:
            return None
        targets = tuple((str(p), *period_range(p), v) for p, v in (data.get("targets") or {}).items())
        aggregate = data.get("aggregate") or ("sum" if targets else None)
        return cls(
            name=data["name"], unit=data.get("unit", ""), baseline=data.get("baseline"),
            target=data.get("target"), direction=data.get("direction", "up"),
            aggregate=aggregate, targets=targets,
        )


@dataclass(frozen=True, slots=True)
class Budget:
    total: float
    currency: str
    contingency: float | None
    allocation: dict[str, float]


@dataclass(frozen=True, slots=True)
class Risk:
    risk: str
    mitigation: str
    owner: str | None


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    title: str
    owner: str | None
    metric: Metric | None
    due: dt.date | None
    start: dt.date | None  # from `period` (the timing), when written
    end: dt.date | None
    priority: str | None
    type: str | None
    klass: str | None  # hard | soft
    support: tuple[str, ...]
    budget: float | None
    resources: str
    notes: str
    strategy: str
    parent: str | None
    level: int  # 1 for a strategy's top goals
    children: tuple[str, ...]
    source: Source
    # computed
    tasks: tuple[str, ...] = ()  # full ids of tasks linked to this goal
    progress: float | None = None
    actual: float | None = None  # the latest metric value
    actual_source: str = ""  # "2024-W23" or "review 2024-Q3"
    achievement: float | None = None
    achievement_pct: int | None = None
    alert: str | None = None  # from the pace when the metric has `aggregate`/`targets`
    # SPEC §5.1, for metrics with `aggregate` or `targets`
    judged_on: dt.date | None = None  # D: the last day of the latest value's week
    expected: float | None = None  # expected to date at D (sum), the target at D (last, mean)
    pace: float | None = None  # value / expected × 100 (down: expected / value)
    pace_pct: int | None = None


@dataclass(frozen=True, slots=True)
class Strategy:
    id: str
    title: str
    period: Any
    start: dt.date
    end: dt.date
    owner: str | None
    budget: Budget | None
    themes: dict[str, str]
    goals: tuple[str, ...]  # top-level goal ids
    source: Source
    description: str = ""
    archived: bool = False  # SPEC §5.5: a finished year, kept for its pages and reviews


@_quick_init
@dataclass(frozen=True, slots=True)
class Task:
    workstream: str
    id: str
    full_id: str  # WORKSTREAM/TASK
    name: str
    owner: str | None
    start: dt.date | None
    end: dt.date | None
    start_written: bool  # False when derived from predecessors
    after: tuple[str, ...]  # predecessors as written
    predecessors: tuple[str, ...]  # resolved full ids
    unknown_after: tuple[int, ...]  # indexes into `after` that resolve to nothing
    milestone: bool
    goal: str | None  # its own goal, else its workstream's
    goal_written: bool
    deliverable: str
    resources: str
    budget: float | None
    support: tuple[str, ...]
    metric: Metric | None
    risks: tuple[Risk, ...]
    notes: str
    written_progress: float | None
    written_status: str | None
    source: Source
    # computed
    days: int | None = None
    department: str | None = None  # the owner's department
    progress: float = 0.0  # current progress
    progress_source: str = ""  # the report week it comes from, "" for the task's own
    planned_progress: float | None = None
    lag: float | None = None  # planned − actual, points
    status: str = "not_started"
    total_float: int | None = None
    critical: bool = False
    successors: tuple[str, ...] = ()
    # SPEC §5.2-§5.5 (their defaults are what a plan without those keys gets)
    #: predecessors with their links: (full id, lag in days, fs | ss), as `predecessors`
    links: tuple[tuple[str, int, str], ...] = ()
    repeat: str | None = None  # weekly | monthly
    occurrences: int = 0  # of a recurring task
    occurrences_done: int = 0
    strategy: str | None = None  # of its goal
    archived: bool = False  # its strategy is archived
    forecast_start: dt.date | None = None
    forecast_end: dt.date | None = None
    slip: int | None = None  # forecast end − end, days
    pushed_by: str | None = None  # the predecessor whose forecast sets its forecast start
    metric_actual: float | None = None  # the latest report entry's `actual:`
    metric_source: str = ""  # its week
    metric_achievement_pct: int | None = None
    metric_alert: str | None = None


class TaskDraft:
    """A Task's fields, mutable, while build_plan computes its figures; then frozen once.

    Slotted like the records: a SimpleNamespace keeps a Task's 48 fields in a dict of its
    own, 2 KB each from malloc, and 100,000 such dicts, freed when their tasks were
    frozen, left 150 MB of the glibc heap that the process could not give back (check of
    100,000 tasks: 833 -> 681 MB peak RSS).
    """

    __slots__ = tuple(f.name for f in fields(Task))

    def freeze(self) -> Task:
        """This draft, made a Task in place: the two have the same slots in the same order,
        so Python lets an object change between them (no copy of 48 fields: a third of
        freezing's 0.05 s at 10,000 tasks, and no second object alive meanwhile). The
        draft is the caller's to give up: it is frozen from here on."""
        self.__class__ = Task  # type: ignore[assignment]
        return self  # type: ignore[return-value]


def _draft_init() -> Any:
    """TaskDraft's ``__init__``: Task's parameters and defaults, each stored in its slot
    by name (a loop of ``setattr`` over keyword arguments took 5 µs a task)."""
    namespace: dict[str, Any] = {}
    parameters = []
    for f in fields(Task):
        if f.default is MISSING:
            parameters.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"    self.{f.name} = {f.name}\n" for f in fields(Task))
    exec(f"def __init__(self, {', '.join(parameters)}):\n{body}", namespace)  # noqa: S102
    return namespace["__init__"]


TaskDraft.__init__ = _draft_init()  # type: ignore[method-assign]


@dataclass(frozen=True, slots=True)
class Workstream:
    id: str
    title: str
    goal: str | None
    owner: str | None
    module: str | None
    description: str
    tasks: tuple[str, ...]  # full ids, in file order
    source: Source


@_quick_init
@dataclass(frozen=True, slots=True)
class ReportEntry:
    task_ref: str
    task: str | None  # resolved full id
    planned: str
    done: str | None  # yes | no | partial
    progress: float | None
    reason: str
    adjustment: str
    results: dict[str, Any]
    spent: float | None
    support: str
    next: str
    source: Source
    actual: float | None = None  # SPEC §5.2: the value of its task's metric


@dataclass(frozen=True, slots=True)
class KpiValue:
    goal: str
    value: float
    note: str
    source: Source


@dataclass(frozen=True, slots=True)
class Report:
    week: str
    start: dt.date
    end: dt.date
    department: str
    author: str | None
    entries: tuple[ReportEntry, ...]
    metrics: tuple[KpiValue, ...]
    notes: str
    source: Source
    counted: bool = False  # computed: the week ended on or before as_of


@dataclass(frozen=True, slots=True)
class ReviewRow:
    dimension: str
    metric: str
    unit: str
    goal: str | None
    target: float
    actual: float
    direction: str
    analysis: str
    actions: str
    owner: str | None
    source: Source
    achievement: float | None = None
    achievement_pct: int | None = None
    #: below | exceeded | None; None too while the review's period has not begun
    alert: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    period: Any
    label: str
    start: dt.date
    end: dt.date
    owner: str | None
    title: str
    rows: tuple[ReviewRow, ...]
    source: Source
    notes: str = ""  # the period's conclusion
    #: the period has begun at as_of: its rows are judged (alerts, PC603); a period
    #: still to come shows its figures but raises nothing
    judged: bool = True


@dataclass(frozen=True, slots=True)
class EarnedValue:
    pv: float
    ev: float
    ac: float
    spi: float | None
    cpi: float | None


@dataclass(frozen=True, slots=True)
class Module:
    """SPEC §5.5: one allocation of a strategy's budget and the workstreams drawing on it."""

    strategy: str
    module: str
    share: float | None  # % of the total, None when the allocation has no such key
    allocated: float | None  # total × share
    planned: float  # the task budgets of its workstreams
    spent: float  # their entries' `spent` (weeks ended by as_of)
    workstreams: tuple[str, ...]

    @property
    def remaining(self) -> float | None:
        return None if self.allocated is None else self.allocated - self.spent


@dataclass(frozen=True, slots=True)
class DepartmentFigures:
    """SPEC §5.5: a department's figures, its own and rolled up from its sub-departments."""

    department: str
    children: tuple[str, ...]
    tasks: int  # tasks owned by its people (cancelled left out)
    active: int  # in progress or overdue at as_of
    reports: int  # weekly reports it sent (weeks begun by as_of)
    spent: float
    tasks_total: int  # with every sub-department's
    active_total: int
    reports_total: int
    spent_total: float


@dataclass(frozen=True, slots=True)
class Plan:
    """The whole repository, resolved and computed, at one as-of date."""

    as_of: dt.date
    departments: dict[str, Department]
    people: dict[str, Person]
    strategies: dict[str, Strategy]
    goals: dict[str, Goal]
    workstreams: dict[str, Workstream]
    tasks: dict[str, Task]
    reports: tuple[Report, ...]  # by week, then department
    reviews: tuple[Review, ...]  # by period start
    earned_value: EarnedValue
    cycles: tuple[tuple[str, ...], ...]  # dependency cycles, each as a closed path
    documents: tuple[Document, ...]
    #: ids whose records exist but sit in files that failed validation: references to
    #: them are not reported again (one finding per problem)
    unavailable: frozenset[str] = frozenset()
    # SPEC §5
    #: whether any §5 key is used; when not, every figure is the one of §2 exactly
    year: bool = False
    calendar: Any = None  # model.calendar.WorkCalendar, or None: every day counts
    earned_value_by_strategy: dict[str, EarnedValue] = field(default_factory=dict)
    modules: tuple[Module, ...] = ()
    department_figures: dict[str, DepartmentFigures] = field(default_factory=dict)

