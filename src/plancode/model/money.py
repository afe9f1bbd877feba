"""Per strategy and per module budgets, per department figures (SPEC §5.5).

Computed once from the frozen tasks and reports; the renderers and rules only read them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from . import figures
from .entities import (
    Department, DepartmentFigures, EarnedValue, Module, Report, Strategy, Task, Workstream,
)


def earned_value(tasks: Iterable[Task], spent: float) -> EarnedValue:
    """SPEC §2's PV, EV, AC, SPI and CPI of ``tasks``."""
    pv = ev = 0.0
    for task in tasks:
        if task.budget and task.status != "cancelled":
            if task.planned_progress is not None:
                pv += task.budget * task.planned_progress / 100
            ev += task.budget * task.progress / 100
    return EarnedValue(pv=pv, ev=ev, ac=spent, spi=figures.ratio(ev, pv), cpi=figures.ratio(ev, spent))


def spent_by_task(reports: Iterable[Report]) -> dict[str, float]:
    """The `spent` of each task's entries, weeks ended by as_of."""
    spent: dict[str, float] = defaultdict(float)
    for report in reports:
        if report.counted:
            for entry in report.entries:
                if entry.task is not None and entry.spent:
                    spent[entry.task] += entry.spent
    return spent


def earned_value_by_strategy(strategies: dict[str, Strategy], tasks: dict[str, Task],
                             spent: dict[str, float]) -> dict[str, EarnedValue]:
    """Earned value of each strategy's tasks (a task belongs to its goal's strategy)."""
    grouped: dict[str, list[Task]] = defaultdict(list)
    for task in tasks.values():
        if task.strategy is not None:
            grouped[task.strategy].append(task)
    return {
        sid: earned_value(grouped.get(sid, ()), sum(spent.get(t.full_id, 0) for t in grouped.get(sid, ())))
        for sid in strategies
    }


def modules(strategies: dict[str, Strategy], workstreams: dict[str, Workstream],
            tasks: dict[str, Task], spent: dict[str, float]) -> tuple[Module, ...]:
    """Each allocation of each strategy's budget, and each module a workstream names,
    with the task budgets planned against it and the money spent (SPEC §5.5)."""
    by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ws in workstreams.values():
        strategy = _strategy_of(ws, tasks)
        if ws.module and strategy in strategies:
            by_key[(strategy, ws.module)].append(ws.id)
    found = []
    for sid, strategy in strategies.items():
        allocation = strategy.budget.allocation if strategy.budget else {}
        names = list(allocation) + sorted(m for s, m in by_key if s == sid and m not in allocation)
        for name in names:
            streams = tuple(by_key.get((sid, name), ()))
            share = allocation.get(name)
            planned = used = 0.0
            for ws in streams:
                for full in workstreams[ws].tasks:
                    task = tasks[full]
                    if task.status != "cancelled":
                        planned += task.budget or 0
                    used += spent.get(full, 0)
            allocated = None
            if share is not None and strategy.budget is not None:
                allocated = strategy.budget.total * share / 100
            found.append(Module(sid, name, share, allocated, planned, used, streams))
    return tuple(found)


def _strategy_of(ws: Workstream, tasks: dict[str, Task]) -> str | None:
    """A workstream's strategy: its tasks' (their goals'), the first one that has one."""
    for full in ws.tasks:
        if tasks[full].strategy is not None:
            return tasks[full].strategy
    return None


def department_figures(departments: dict[str, Department], tasks: dict[str, Task],
                       reports: Iterable[Report], as_of) -> dict[str, DepartmentFigures]:
    """Per department, its own figures and those rolled up from its sub-departments
    (the tree of `parent`; a loop in it is cut where it closes). Tasks of an archived
    strategy and their spending are left out: these are the live figures."""
    own_tasks: dict[str, int] = defaultdict(int)
    own_active: dict[str, int] = defaultdict(int)
    own_reports: dict[str, int] = defaultdict(int)
    own_spent: dict[str, float] = defaultdict(float)
    for task in tasks.values():
        if task.department and task.status != "cancelled" and not task.archived:
            own_tasks[task.department] += 1
            own_active[task.department] += task.status in ("in_progress", "overdue")
    for report in reports:
        if report.start <= as_of:
            own_reports[report.department] += 1
        if report.counted:
            own_spent[report.department] += sum(
                e.spent or 0 for e in report.entries
                if not (e.task in tasks and tasks[e.task].archived))
    children: dict[str, list[str]] = defaultdict(list)
    for dept in departments.values():
        if dept.parent in departments and dept.parent != dept.id:
            children[dept.parent].append(dept.id)

    result: dict[str, DepartmentFigures] = {}

    def totals(dept: str, path: frozenset[str]) -> tuple[int, int, int, float]:
        t, a, r, s = own_tasks[dept], own_active[dept], own_reports[dept], own_spent[dept]
        for child in children.get(dept, ()):
            if child in path:
                continue
            ct, ca, cr, cs = totals(child, path | {child})
            t, a, r, s = t + ct, a + ca, r + cr, s + cs
        return t, a, r, s

    for dept in departments:
        t, a, r, s = totals(dept, frozenset({dept}))
        result[dept] = DepartmentFigures(
            dept, tuple(children.get(dept, ())), own_tasks[dept], own_active[dept],
            own_reports[dept], own_spent[dept], t, a, r, s)
    return result
