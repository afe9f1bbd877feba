"""The site's search box: an index of tasks, goals, workstreams and people, written as
``search-index.js`` and read by ``static/site.js`` in the reader's browser.

The index is data, never markup: JSON with every non-ASCII character and ``<`` escaped,
and the script shows results with ``textContent``; a task named ``<script>`` is text.
"""

from __future__ import annotations

import json
from typing import Callable

from ..model import Plan
from ..views.names import Names


def search_index(plan: Plan, labels: Callable[[str], str], task_href: Callable[[str], str],
                 goal_href: Callable[[str], str], workstream_href: Callable[[str], str]) -> str:
    """``window.PLANCODE_SEARCH = [[kind, text, detail, href], …]`` in plan order."""
    names = Names(plan, labels)
    entries: list[list[str]] = []
    for goal in plan.goals.values():
        entries.append([labels("goal"), goal.title, names.person(goal.owner), goal_href(goal.id)])
    for workstream in plan.workstreams.values():
        entries.append([labels("workstream"), workstream.title, names.person(workstream.owner),
                        workstream_href(workstream.id)])
    for task in plan.tasks.values():
        workstream = plan.workstreams.get(task.workstream)
        detail = f"{names.person(task.owner)} · {workstream.title if workstream else task.workstream}"
        entries.append([labels("task"), task.name or task.id, detail, task_href(task.full_id)])
    for person in plan.people.values():
        detail = " · ".join(x for x in (person.role or "", names.department(person.department)
                                        if person.department else "") if x)
        entries.append([labels("person"), person.name, detail, f"people.html#person-{person.id}"])
    text = json.dumps(entries, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")
    return f"window.PLANCODE_SEARCH={text};\n"
