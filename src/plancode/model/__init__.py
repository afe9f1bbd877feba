"""The plan model: resolved records and the computed figures of SPEC §2."""

from .build import build_plan
from .entities import (
    Budget, Department, EarnedValue, Goal, KpiValue, Metric, Person, Plan, Report,
    ReportEntry, Review, ReviewRow, Risk, Source, Strategy, Task, Workstream,
)

__all__ = [
    "build_plan", "Budget", "Department", "EarnedValue", "Goal", "KpiValue", "Metric",
    "Person", "Plan", "Report", "ReportEntry", "Review", "ReviewRow", "Risk", "Source",
    "Strategy", "Task", "Workstream",
]
