"""The semantic diff of SPEC §5's keys and figures: a moved period target, a changed lag
or link type, a task made recurring, a workstream moved to another budget module, a
strategy archived, and a new or changed forecast slip.

Called by :func:`plancode.diff.diff_plans` only when either side uses a §5 key, so the
diff of a plan without one is what it was.
"""

from __future__ import annotations

from typing import Any

from .i18n import register

register({
    "diff-f-targets": ("period targets {old} → {new}", "分期目標 {old} → {new}"),
    "diff-f-aggregate": ("aggregation {old} → {new}", "匯總方式 {old} → {new}"),
    "diff-f-links": ("links {old} → {new}", "前置任務鏈接 {old} → {new}"),
    "diff-f-repeat": ("repeats {old} → {new}", "週期 {old} → {new}"),
    "diff-f-module": ("budget module {old} → {new}", "預算模塊 {old} → {new}"),
    "diff-f-archived": ("archived {old} → {new}", "已歸檔 {old} → {new}"),
    "diff-f-slip": ("forecast slip {old} → {new} days", "預計延誤 {old} → {new} 天"),
})


def _links(task: Any) -> dict[str, str]:
    """A task's links as people write them: {predecessor: 'fs +2'}."""
    return {pred: f"{kind} {lag:+d}" for pred, lag, kind in task.links}


def year_changes(d: Any) -> None:
    """Add §5 changes to the differ ``d`` (a :class:`plancode.diff._Differ`)."""
    if not (d.a.year or d.b.year):
        return
    for key, a, b in d.pairs(d.a.strategies, d.b.strategies):
        if a is not None and b is not None:
            d.fields("strategy", key, b.title, [("archived", a.archived, b.archived)])
    for key, a, b in d.pairs(d.a.goals, d.b.goals):
        if a is None or b is None:
            continue
        ma, mb = a.metric, b.metric
        d.fields("goal", key, b.title, [
            ("targets", {t[0]: t[3] for t in ma.targets} if ma else {},
             {t[0]: t[3] for t in mb.targets} if mb else {}),
            ("aggregate", ma.aggregate if ma else None, mb.aggregate if mb else None),
        ])
    for key, a, b in d.pairs(d.a.workstreams, d.b.workstreams):
        if a is not None and b is not None:
            d.fields("workstream", key, b.title, [("module", a.module, b.module)])
    for key, a, b in d.pairs(d.a.tasks, d.b.tasks):
        if a is None or b is None:
            continue
        la, lb = _links(a), _links(b)
        # a plain finish-to-start link is `predecessors`' business; here only lags and types
        if la != lb and set(la) == set(lb):
            d.add("task", key, b.name, "links", la, lb)
        d.fields("task", key, b.name, [("repeat", a.repeat, b.repeat)])
        if (a.slip or 0) != (b.slip or 0) and (b.slip or 0) >= 0:
            delta = (b.slip or 0) - (a.slip or 0)
            d.add("task", key, b.name, "slip", a.slip or 0, b.slip or 0, delta=delta,
                  note="later" if delta > 0 else "earlier", risky=delta > 0)
