"""The evaluation per period (template 4, 營銷效果評估表) and period over period.

A review's rows carry their achievement whether or not the period has begun; only a
judged period (:attr:`plancode.model.Review.judged`: begun at as_of) has alerts — the
model leaves ``alert`` None otherwise, so every page and export agrees with PC603.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Plan, Review, ReviewRow


def comparison(plan: Plan) -> tuple[list[Review], list[tuple[str, list[ReviewRow | None]]]]:
    """Period over period: metrics (by name) that more than one review measures, with the
    periods that measure them, in period order."""
    reviews = list(plan.reviews)
    by_metric: dict[str, dict[int, ReviewRow]] = defaultdict(dict)
    for index, review in enumerate(reviews):
        for row in review.rows:
            by_metric[row.metric].setdefault(index, row)
    shared = sorted(name for name, seen in by_metric.items() if len(seen) > 1)
    periods = sorted({i for name in shared for i in by_metric[name]})
    table = [(name, [by_metric[name].get(i) for i in periods]) for name in shared]
    return [reviews[i] for i in periods], table


def change(rows: list[ReviewRow]) -> str:
    """Achievement change from the previous period to the latest, in points: +12, −3, 0."""
    if len(rows) < 2 or rows[-1].achievement_pct is None or rows[-2].achievement_pct is None:
        return "—"
    delta = rows[-1].achievement_pct - rows[-2].achievement_pct
    return f"+{delta}" if delta > 0 else ("0" if delta == 0 else f"−{-delta}")


def owners(plan: Plan) -> list[str]:
    """The owners of every review row (for the filters)."""
    return [row.owner for review in plan.reviews for row in review.rows if row.owner]
