"""How the views name things: people, departments and tasks by their names, labels of
keys the plans write freely (a budget module, a file kind) in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..model import Plan

#: ``labels(key) -> text`` in the reader's language (a :class:`plancode.render.labels.Labels`);
#: an unknown key comes back as itself
Labels = Callable[[str], str]


@dataclass(frozen=True)
class Names:
    """The names of a plan's people, departments, goals and tasks, and its labels."""

    plan: Plan
    labels: Labels

    def person(self, person_id: str | None) -> str:
        """A person's name; the id when the team does not know it; "—" for nobody."""
        if not person_id:
            return "—"
        person = self.plan.people.get(person_id)
        return person.name if person else person_id

    def department(self, department_id: str | None) -> str:
        if not department_id:
            return "—"
        department = self.plan.departments.get(department_id)
        return department.name if department else department_id

    def departments(self, ids: Iterable[str], separator: str) -> str:
        return separator.join(self.department(d) for d in ids) or "—"

    def task(self, full_id: str) -> str:
        task = self.plan.tasks.get(full_id)
        return task.name if task else full_id

    def label_or(self, key: str, default: str) -> str:
        """The label for a key the catalogue may not have (a free-text module name)."""
        found = self.labels(key)
        return default if found == key else found

    def module(self, key: str) -> str:
        """A budget allocation's or a workstream's module, as the reader says it:
        推廣策略 for ``promotion``; a module the catalogue does not know keeps its name."""
        return self.label_or("module." + key, key)
