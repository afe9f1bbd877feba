"""The dashboard (總覽): task counts, alerts and good news, budget and modules.

Alerts are what someone must act on, most pressing kind first: KPIs below target
(goals, then review rows), overdue tasks, blocked tasks, tasks behind plan by more than
``schedule_lag``, departments that sent no report of a week they owed tasks in, and
tasks left out of a report (PC602's reading). Good news is the KPIs that exceeded their
target by more than ``kpi_deviation`` — shown apart, never mixed with the alerts.
A review row that only repeats its goal's alert (the goal's actual comes from that very
review) is left out: one fact, one line. A period not begun at as_of raises nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..config import Config
from ..model import Goal, Plan, Review, ReviewRow, Strategy, Task, Workstream
from ..model.entities import Budget, EarnedValue, Module
from ..model.forecast import slipping
from .formats import date, number, percent
from .goals import goals_in_order
from .names import Names
from .weeks import Week, lagging

STATUSES = ("not_started", "in_progress", "done", "overdue", "blocked", "cancelled")

#: alert kinds, in the order the dashboard lists them (forecast_slip: SPEC §5.4, only for
#: a plan that uses §5)
KINDS = ("kpi", "overdue", "blocked", "lagging", "forecast_slip", "missing_report", "missing_entry")


def archived_goal(plan: Plan, goal: Goal) -> bool:
    """Whether the goal belongs to an archived strategy (SPEC §5.5: off the dashboard)."""
    strategy = plan.strategies.get(goal.strategy)
    return strategy is not None and strategy.archived


def archived_period(plan: Plan, review: Review) -> bool:
    """Whether a review's period lies in an archived strategy's and in no live one's."""
    spans = [(s.start, s.end, s.archived) for s in plan.strategies.values() if s.start and s.end]
    inside = [archived for start, end, archived in spans if start <= review.end and review.start <= end]
    return bool(inside) and all(inside)


def points(value: float | None) -> str:
    """A lag in percentage points, one decimal, halves up: 10, −15.5."""
    if value is None:
        return "—"
    from decimal import ROUND_HALF_UP, Decimal

    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):f}".rstrip("0").rstrip(".")
    return ("−" if rounded < 0 else "") + text


@dataclass(frozen=True)
class Alert:
    """One line of the dashboard's alerts (or good news), in words already.

    Exactly one of ``goal``, ``review``, ``task`` and ``week`` says what it is about, so
    that each renderer can link it to its own page for that record.
    """

    kind: str  # one of KINDS
    severity: str  # warning | note (good news)
    label: str  # the kind, in the reader's language
    subject: str
    detail: str
    owner: str | None = None  # person id
    owner_name: str = ""
    goal: Goal | None = None
    review: Review | None = None
    row: ReviewRow | None = None
    task: Task | None = None
    week: str | None = None


@dataclass(frozen=True)
class Alerts:
    alerts: tuple[Alert, ...]  # warnings, most pressing kind first
    good_news: tuple[Alert, ...]  # KPIs above target by more than kpi_deviation


def alerts(plan: Plan, config: Config, labels: Callable[[str], str], weeks: list[Week]) -> Alerts:
    """The alerts and the good news at as_of; ``weeks`` from :func:`.weeks.weeks`."""
    L, names = labels, Names(plan, labels)
    found: list[Alert] = []

    def add(kind: str, severity: str, subject: str, detail: str, owner: str | None = None, **about) -> None:
        found.append(Alert(kind, severity, L("alert_kind." + kind), subject, detail, owner,
                           names.person(owner) if owner else "", **about))

    repeated: set[tuple[str, str]] = set()  # (review label, goal id) already told by the goal
    for goal in goals_in_order(plan):
        if goal.alert and not archived_goal(plan, goal):
            metric = goal.metric
            judged = (f"{L('pace')} {percent(goal.pace)} · {L('expected_to_date')} {number(goal.expected)}"
                      if goal.pace is not None else f"{L('achievement')} {percent(goal.achievement)}")
            add("kpi", "warning" if goal.alert == "below" else "note", goal.title,
                f"{metric.name if metric else ''} {number(goal.actual)} / {number(metric.target if metric else None)}"
                f" {metric.unit if metric else ''} · {judged}"
                f" · {L('alert.' + goal.alert)} ({goal.actual_source})", goal.owner, goal=goal)
            repeated.add((goal.actual_source, goal.id))
    for review in plan.reviews:
        if archived_period(plan, review):
            continue
        for r in review.rows:  # a period not begun has no alert (the model's Review.judged)
            if r.alert and (review.label, r.goal) not in repeated:
                add("kpi", "warning" if r.alert == "below" else "note", f"{review.label} · {r.metric}",
                    f"{number(r.actual)} / {number(r.target)} {r.unit} · {L('achievement')} "
                    f"{percent(r.achievement)} · {L('alert.' + r.alert)}", r.owner, review=review, row=r)
    tasks = [task for task in plan.tasks.values() if not task.archived]
    for task in tasks:  # SPEC §5.2: a task's metric against the `actual:` reported
        if task.metric_alert and task.metric is not None:
            add("kpi", "warning" if task.metric_alert == "below" else "note", task.name,
                f"{task.metric.name} {number(task.metric_actual)} / {number(task.metric.target)} "
                f"{task.metric.unit} · {L('achievement')} {percent(task.metric_achievement_pct)} · "
                f"{L('alert.' + task.metric_alert)} ({task.metric_source})", task.owner, task=task)
    for task in tasks:
        if task.status == "overdue":
            add("overdue", "warning", task.name,
                f"{L('end')} {date(task.end)} · {L('progress')} {percent(task.progress)}", task.owner, task=task)
    for task in tasks:
        if task.status == "blocked":
            add("blocked", "warning", task.name,
                f"{L('end')} {date(task.end)} · {L('progress')} {percent(task.progress)}", task.owner, task=task)
    for task in tasks:
        if lagging(task, config):
            add("lagging", "warning", task.name,
                f"{L('planned')} {percent(task.planned_progress)} · {L('actual')} "
                f"{percent(task.progress)} · {L('lag')} {points(task.lag)}", task.owner, task=task)
    if plan.year:
        for task, kind, goal, limit, pushers in slipping(plan):
            add("forecast_slip", "warning", task.name,
                f"{L('gantt.forecast')} {date(task.forecast_end)} · {L('end')} {date(limit)} · "
                + " → ".join(plan.tasks[t].name for t in pushers), task.owner, task=task)
    for week in weeks:
        for dw in week.missing_reports:
            add("missing_report", "warning", f"{week.week} · {names.department(dw.department)}",
                L("no_report") + ": " + ", ".join(t.name for t in dw.missing), week=week.week)
        for dw, task in week.missing_entries:
            add("missing_entry", "warning", f"{week.week} · {names.department(dw.department)}",
                f"{L('missing_entry')}: {task.name}", task.owner, week=week.week, task=task)
    return Alerts(tuple(a for a in found if a.severity == "warning"),
                  tuple(a for a in found if a.severity == "note"))


# --- task counts ---------------------------------------------------------------------------

def status_counts(plan: Plan) -> tuple[list[tuple[Workstream, dict[str, int]]], dict[str, int]]:
    """Tasks by status per workstream (file order), and in all."""
    rows = []
    total = {s: 0 for s in STATUSES}
    for workstream in plan.workstreams.values():
        if workstream.tasks and all(plan.tasks[t].archived for t in workstream.tasks):
            continue  # an archived strategy's: off the dashboard (SPEC §5.5)
        counts = {s: 0 for s in STATUSES}
        for full_id in workstream.tasks:
            status = plan.tasks[full_id].status
            counts[status] += 1
            total[status] += 1
        rows.append((workstream, counts))
    return rows, total


# --- budget and modules (template 7) -------------------------------------------------------

@dataclass(frozen=True)
class ModuleRow:
    """One allocation of a strategy's budget: 推廣策略 40 % = 400,000."""

    key: str  # as written: promotion
    label: str  # as the reader says it: 推廣策略
    share: float
    amount: float


@dataclass(frozen=True)
class BudgetView:
    strategy: Strategy
    budget: Budget
    contingency: float | None  # the reserve's amount
    allocation: tuple[ModuleRow, ...]
    allocated: float  # the allocations' sum
    allocated_share: float
    goals: float  # the top goals' budgets' sum
    goal_budgets: bool  # whether any top goal has a budget
    # SPEC §5.5, for a plan that uses §5: this strategy's own figures
    earned_value: EarnedValue | None = None
    modules: tuple[Module, ...] = ()  # allocated, planned, spent, remaining by module


def budgets(plan: Plan, labels: Callable[[str], str]) -> list[BudgetView]:
    """Each strategy with a budget, in file order."""
    names = Names(plan, labels)
    rows = []
    for strategy in plan.strategies.values():
        budget = strategy.budget
        if budget is None or strategy.archived:
            continue
        top_goals = [plan.goals[g] for g in strategy.goals if g in plan.goals]
        allocation = tuple(ModuleRow(name, names.module(name), share, budget.total * share / 100)
                           for name, share in budget.allocation.items())
        rows.append(BudgetView(
            strategy=strategy, budget=budget,
            contingency=None if budget.contingency is None else budget.total * budget.contingency / 100,
            allocation=allocation, allocated=sum(m.amount for m in allocation),
            allocated_share=sum(m.share for m in allocation),
            goals=sum(g.budget or 0 for g in top_goals),
            goal_budgets=any(g.budget is not None for g in top_goals),
            earned_value=plan.earned_value_by_strategy.get(strategy.id) if plan.year else None,
            modules=tuple(m for m in plan.modules if m.strategy == strategy.id) if plan.year else (),
        ))
    return rows
