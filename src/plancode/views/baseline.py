"""The "changes since baseline" pages of ``plancode build --baseline REV``: what the
site's ``baseline.html`` and the reports' ``baseline.md`` show, gathered once for both.

Pure: two plans in, a :class:`BaselineChanges` out. Reading the baseline revision is the
build command's job (:mod:`plancode.history`), and the slip of each task is
:func:`plancode.diff.changes_since_baseline`'s: this module only groups and words it, so
the site and the Markdown reports cannot disagree. (It lived in ``render/``, which
re-exports it as :mod:`plancode.render.baseline`.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..diff import BaselineRow, changes_since_baseline
from ..model import Plan
from .names import Labels

STATES = ("moved", "added", "removed", "unchanged")


@dataclass(frozen=True)
class MilestoneSection:
    """A milestone, and the tasks leading to it (its predecessors, transitively) whose
    dates changed or that were added or removed since the baseline: why it moved."""

    row: BaselineRow
    leading: tuple[BaselineRow, ...]


@dataclass(frozen=True)
class BaselineChanges:
    """Every task and milestone of the plan against the baseline revision ``rev``."""

    rev: str  # as given on the command line
    commit: str | None  # the commit it resolved to
    rows: tuple[BaselineRow, ...]  # the plan's order, then the tasks removed since
    milestones: tuple[MilestoneSection, ...]
    #: files of the revision that could not be read (relative to plancode.yaml's folder):
    #: the tasks they define are not compared, so the page must say so
    unreadable: tuple[str, ...] = ()
    missing: str = ""  # set when the revision has no plans folder at all: why
    #: names of ids only the baseline still has (a removed workstream or person)
    workstream_titles: dict[str, str] = field(default_factory=dict)
    person_names: dict[str, str] = field(default_factory=dict)

    @property
    def slipped(self) -> tuple[BaselineRow, ...]:
        return tuple(r for r in self.rows if r.slipped)

    @property
    def max_slip(self) -> BaselineRow | None:
        """The task whose end moved furthest out; the first in plan order on a tie."""
        worst = None
        for row in self.slipped:
            if worst is None or row.end_slip > worst.end_slip:
                worst = row
        return worst

    @property
    def earlier(self) -> tuple[BaselineRow, ...]:
        return tuple(r for r in self.rows if r.end_slip is not None and r.end_slip < 0)

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)

    @property
    def changed(self) -> tuple[BaselineRow, ...]:
        return tuple(r for r in self.rows if r.state != "unchanged")

    def workstream(self, workstream_id: str) -> str:
        return self.workstream_titles.get(workstream_id, workstream_id)

    def person(self, person_id: str | None) -> str:
        if not person_id:
            return "—"
        return self.person_names.get(person_id, person_id)


def since_baseline(base_plan: Plan, plan: Plan, rev: str, commit: str | None = None,
                   unreadable: Iterable[str] = (), missing: str = "",
                   unknown: Iterable[str] = ()) -> BaselineChanges:
    """The changes of ``plan`` since ``base_plan``, read at revision ``rev``.

    ``unreadable`` names the files of the revision that could not be read, and
    ``unknown`` the tasks of ``plan`` written in them: the baseline may well have had
    those tasks, so they are left out rather than called added (as ``plancode diff``
    does); the page lists the files instead."""
    hidden = set(unknown) | set(base_plan.unavailable)
    rows = tuple(r for r in changes_since_baseline(base_plan, plan)
                 if not (r.state == "added" and r.task in hidden))
    by_id = {r.task: r for r in rows}
    milestones = []
    for row in rows:
        if not row.milestone:
            continue
        # the chain as the plan now has it; a milestone removed since: as the baseline had it
        source = plan if row.task in plan.tasks else base_plan
        chain = _leading(source, row.task)
        milestones.append(MilestoneSection(row, tuple(
            r for r in rows if r.task in chain and by_id[r.task].state != "unchanged")))
    titles = {k: w.title for k, w in base_plan.workstreams.items()}
    titles.update({k: w.title for k, w in plan.workstreams.items()})
    people = {k: p.name for k, p in base_plan.people.items()}
    people.update({k: p.name for k, p in plan.people.items()})
    return BaselineChanges(rev, commit, rows, tuple(milestones), tuple(sorted(unreadable)), missing,
                           titles, people)


def _leading(plan: Plan, full_id: str) -> set[str]:
    """Every task before ``full_id`` through its predecessors (cycles end the walk)."""
    seen: set[str] = set()
    todo = list(plan.tasks[full_id].predecessors)
    while todo:
        current = todo.pop()
        if current in seen or current == full_id or current not in plan.tasks:
            continue
        seen.add(current)
        todo.extend(plan.tasks[current].predecessors)
    return seen


def slip(days: int | None, labels: Labels) -> str:
    """A move in days as people read it: '+3 天', '−2 days', '0'; '—' when either side
    has no date (an added or removed task)."""
    if days is None:
        return "—"
    if days == 0:
        return "0"
    unit = labels("baseline.day" if abs(days) == 1 else "baseline.days")
    # a minus sign, not a hyphen: no Markdown reads it as a list item
    return f"{'+' if days > 0 else '−'}{abs(days)} {unit}"


def summary(changes: BaselineChanges, labels: Labels) -> str:
    """One line for an index: '3 tasks slipped (max +12 days: 首場直播執行)'."""
    worst = changes.max_slip
    if worst is None:
        return labels("baseline.none_slipped")
    return labels("baseline.summary").format(
        count=len(changes.slipped), slip=slip(worst.end_slip, labels), name=worst.name)
