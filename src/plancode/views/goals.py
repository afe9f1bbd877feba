"""The goal decomposition (template 1, 營銷策略目標拆解表), the sales–marketing alignment
(template 5, 銷售-市場目標對齊表) and the headline KPIs of the dashboard.

:func:`goal_tree` walks each strategy's goals depth-first, in file order: a goal, its
linked tasks, then its sub-goals. Every page that lists goals reads this order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..model import Goal, Plan, Strategy, Task


@dataclass(frozen=True)
class TreeRow:
    """A row of the goal decomposition: a goal or a task, at an indentation depth."""

    kind: str  # goal | task
    depth: int
    goal: Goal | None = None
    task: Task | None = None


def goal_tree(plan: Plan) -> list[TreeRow]:
    """Strategy by strategy, each goal then its linked tasks then its sub-goals."""
    rows: list[TreeRow] = []

    def walk(goal_id: str, depth: int) -> None:
        goal = plan.goals.get(goal_id)
        if goal is None:
            return
        rows.append(TreeRow("goal", depth, goal=goal))
        for full_id in goal.tasks:
            rows.append(TreeRow("task", depth + 1, task=plan.tasks[full_id]))
        for child in goal.children:
            walk(child, depth + 1)

    for strategy in plan.strategies.values():
        for goal_id in strategy.goals:
            walk(goal_id, 0)
    return rows


def goals_in_order(plan: Plan) -> list[Goal]:
    """The goals of :func:`goal_tree`, without the tasks."""
    return [row.goal for row in goal_tree(plan) if row.kind == "goal" and row.goal is not None]


def alignment(plan: Plan) -> list[tuple[Goal, Goal | None]]:
    """Template 5: each top goal with each goal that supports it (its sub-goals)."""
    pairs: list[tuple[Goal, Goal | None]] = []
    for strategy in plan.strategies.values():
        for goal_id in strategy.goals:
            goal = plan.goals[goal_id]
            children = [plan.goals[c] for c in goal.children if c in plan.goals]
            if children:
                pairs.extend((goal, child) for child in children)
            else:
                pairs.append((goal, None))
    return pairs


def headline_goals(plan: Plan) -> list[Goal]:
    """Top goals, and every goal with an observed KPI value, in tree order; none of an
    archived strategy (SPEC §5.5: off the dashboard)."""
    archived = {sid for sid, strategy in plan.strategies.items() if strategy.archived}
    return [goal for goal in goals_in_order(plan)
            if (goal.level == 1 or goal.actual is not None) and goal.strategy not in archived]


def goal_tags(goal: Goal, labels: Callable[[str], str]) -> list[str]:
    """What kind of goal it is, in words: 結果目標 / 過程目標 (type), 硬性目標 / 軟性目標
    (class), for the ones the plan says."""
    tags = []
    if goal.type:
        tags.append(labels("type." + goal.type))
    if goal.klass:
        tags.append(labels("class." + goal.klass))
    return tags


def themes(strategy: Strategy, labels: Callable[[str], str]) -> str:
    """The strategy's themes by period, as written: 'Q1: 啟動 · Q2: 推進'; '' for none."""
    return " · ".join(f"{period}: {theme}" for period, theme in strategy.themes.items())
