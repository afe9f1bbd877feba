"""What several rules look up in the plan, built once per plan, and the "did you mean"
hints for task references.

A hint compares the misspelt reference with candidates one by one (difflib), so it costs
findings × candidates. Against every task of the repository that is quadratic in the
repository's size: 6.4 s of a 15 s check of 10,000 tasks with 100 findings
(docs/performance.md). So a hint looks only where the task most likely is: in the
workstream the reference names (or, when no workstream has that id, in the few whose
ids are one typo away), and at the tasks elsewhere whose own id is the reference's,
or one typo away from it (:class:`plancode.spelling.Vocabulary`): the cost of a hint
does not grow with the repository.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, TypeVar

from ..model import Plan
from ..spelling import Vocabulary, closest

T = TypeVar("T")

#: compute function -> (the plan it was computed for, its value); one plan at a time
_memo: dict[Callable[[Plan], Any], tuple[Plan, Any]] = {}


def per_plan(compute: Callable[[Plan], T], plan: Plan) -> T:
    """``compute(plan)``, computed once for the plan being checked: several rules (or
    several findings of one rule) ask for the same index."""
    hit = _memo.get(compute)
    if hit is None or hit[0] is not plan:
        hit = _memo[compute] = (plan, compute(plan))
    return hit[1]


def _by_short_id(plan: Plan) -> dict[str, tuple[str, ...]]:
    by_id: dict[str, list[str]] = defaultdict(list)
    for task in plan.tasks.values():
        by_id[task.id].append(task.full_id)
    return {ident: tuple(fulls) for ident, fulls in by_id.items()}


def tasks_with_id(plan: Plan, short: str) -> tuple[str, ...]:
    """The full ids of the tasks whose own id is ``short``, in the plan's order."""
    return per_plan(_by_short_id, plan).get(short, ())


def _task_ids(plan: Plan) -> Vocabulary:
    return Vocabulary(per_plan(_by_short_id, plan), typos=1)  # as many as the tasks: no index


def _workstream_ids(plan: Plan) -> Vocabulary:
    # numbered ids (`kol-0030`, `kol-0080`) put many workstreams two typos away
    return Vocabulary(plan.workstreams, typos=1)


def near_ids(plan: Plan, short: str) -> set[str]:
    """The task ids of the plan at most one typo away from ``short``, itself included."""
    return per_plan(_task_ids, plan).near(short)


def closest_task(plan: Plan, workstream: str, short: str, exclude: str | None = None) -> str | None:
    """The full id most likely meant by ``workstream/short``, or None; ``exclude`` (the
    referring task itself) is never suggested.

    In this order: the only task whose own id is ``short`` (the reference named the
    wrong workstream, or none, or the task moved); the full id spelt most like the
    reference among the tasks of that workstream (or, when no workstream has this id,
    among the tasks with this id or one a typo away in the workstreams whose ids are one
    typo away); the task elsewhere whose own id is spelt most like ``short``, one
    typo away, when it is the only task with that id.
    """
    def unique(ident: str) -> str | None:
        fulls = tasks_with_id(plan, ident)
        return fulls[0] if len(fulls) == 1 and fulls[0] != exclude else None

    found = unique(short)
    if found:
        return found
    if workstream in plan.workstreams:
        # one workstream: compare the task ids alone, or the shared `WORKSTREAM/` would
        # make any task of it look alike
        in_stream = {plan.tasks[full].id: full for full in plan.workstreams[workstream].tasks
                     if full != exclude}
        found = closest(short, in_stream)
        found = in_stream[found] if found else None
    else:
        # numbered ids may put dozens of workstreams one typo away: in them, only the
        # tasks with this id or one a typo away are compared
        ids = near_ids(plan, short)
        found = closest(f"{workstream}/{short}", (
            full for ws in per_plan(_workstream_ids, plan).near(workstream) for ident in ids
            if (full := f"{ws}/{ident}") in plan.tasks and full != exclude))
    if found:
        return found
    elsewhere = {ident: full for ident in near_ids(plan, short) if (full := unique(ident))}
    found = closest(short, elsewhere)
    return elsewhere[found] if found else None
