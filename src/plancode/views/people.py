"""People and their load (人員與職責): what each person owns and how much runs at as_of."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..model import Goal, Person, Plan, Task
from ..model.entities import Department, DepartmentFigures
from .dashboard import STATUSES


@dataclass(frozen=True)
class PersonRow:
    person: Person
    tasks: tuple[Task, ...]
    goals: tuple[Goal, ...]
    by_status: dict[str, int]
    active: int  # tasks running at as_of: started, not ended, not finished


def people_rows(plan: Plan) -> list[PersonRow]:
    """Every person of the team, in the team's order."""
    rows = []
    as_of = plan.as_of
    owned_tasks: dict[str | None, list[Task]] = defaultdict(list)  # one pass, not people × tasks
    for task in plan.tasks.values():
        owned_tasks[task.owner].append(task)
    owned_goals: dict[str | None, list[Goal]] = defaultdict(list)
    for goal in plan.goals.values():
        owned_goals[goal.owner].append(goal)
    for person in plan.people.values():
        tasks = owned_tasks.get(person.id, [])
        goals = owned_goals.get(person.id, [])
        counts = {s: sum(1 for t in tasks if t.status == s) for s in STATUSES}
        active = sum(1 for t in tasks if t.start and t.end and t.start <= as_of <= t.end
                     and t.status not in ("done", "cancelled"))
        rows.append(PersonRow(person, tuple(tasks), tuple(goals), counts, active))
    return rows


@dataclass(frozen=True)
class DepartmentRow:
    """A department in its tree (SPEC §5.5): its own figures and those rolled up from the
    departments under it (`parent`)."""

    department: Department
    depth: int
    figures: DepartmentFigures


def department_rows(plan: Plan) -> list[DepartmentRow]:
    """The department tree, top departments first in the team's order, each followed by
    the departments under it; empty when no department has a parent (a flat team)."""
    departments = plan.departments
    if not any(d.parent in departments for d in departments.values()):
        return []
    rows: list[DepartmentRow] = []
    seen: set[str] = set()

    def walk(dept_id: str, depth: int) -> None:
        if dept_id in seen:
            return
        seen.add(dept_id)
        rows.append(DepartmentRow(departments[dept_id], depth, plan.department_figures[dept_id]))
        for child in plan.department_figures[dept_id].children:
            walk(child, depth + 1)

    for dept in departments.values():
        if dept.parent not in departments:
            walk(dept.id, 0)
    for dept in departments.values():  # a loop of parents has no top: listed as it comes
        walk(dept.id, 0)
    return rows
