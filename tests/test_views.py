"""The views layer (plancode.views): what every format shows, decided once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from plancode import views
from plancode.model.tracking import tasks_due
from plancode.render.labels import Labels
from plancode.workspace import load_config, load_workspace

REPO = Path(__file__).resolve().parent.parent


def _plan(as_of: dt.date | None = None):
    config = load_config(None, REPO)
    if as_of is not None:
        config = dataclasses.replace(config, as_of=as_of)
    ws = load_workspace(config, cwd=REPO)
    assert ws.plan is not None
    return ws.plan, config


@pytest.fixture(scope="module")
def examples():
    return _plan()


def test_alerts_and_good_news_apart(examples):
    plan, config = examples
    found = views.alerts(plan, config, Labels("zh-CN"), views.weeks(plan, config))
    assert found.alerts and found.good_news
    assert {a.severity for a in found.alerts} == {"warning"}
    assert {a.severity for a in found.good_news} == {"note"}
    # every KPI that exceeded its target by more than kpi_deviation is good news, not an alert
    exceeded = {g.id for g in plan.goals.values() if g.alert == "exceeded"}
    assert {a.goal.id for a in found.good_news if a.goal} == exceeded
    assert all(a.goal is None or a.goal.alert == "below" for a in found.alerts)


def test_a_review_row_that_repeats_its_goal_is_left_out(examples):
    plan, config = examples
    found = views.alerts(plan, config, Labels("en"), views.weeks(plan, config))
    told = {(a.goal.actual_source, a.goal.id) for a in found.alerts + found.good_news if a.goal}
    assert told  # the examples have goals whose actual comes from the 2024-Q2 review
    rows = [(a.review.label, a.row.goal) for a in found.alerts + found.good_news if a.review]
    assert rows and not set(rows) & told
    subjects = [(a.kind, a.subject) for a in found.alerts + found.good_news]
    assert len(subjects) == len(set(subjects))


def test_a_period_not_begun_raises_nothing():
    plan, config = _plan()
    q3 = next(r for r in plan.reviews if r.label == "2024-Q3")
    assert not q3.judged and all(row.alert is None for row in q3.rows)
    found = views.alerts(plan, config, Labels("en"), views.weeks(plan, config))
    assert not [a for a in found.alerts + found.good_news if a.review is q3]
    later, config = _plan(dt.date(2024, 10, 8))
    q3 = next(r for r in later.reviews if r.label == "2024-Q3")
    assert q3.judged and any(row.alert == "below" for row in q3.rows)
    found = views.alerts(later, config, Labels("en"), views.weeks(later, config))
    assert [a for a in found.alerts if a.review is q3]


def test_budget_modules_are_labelled(examples):
    plan, _ = examples
    [budget] = views.budgets(plan, Labels("zh-CN"))
    written = list(plan.strategies["fy2024"].budget.allocation)
    assert [m.key for m in budget.allocation] == written
    assert "promotion" in written and all(m.label != m.key for m in budget.allocation)
    assert budget.allocated == sum(m.amount for m in budget.allocation)


def test_weeks_owe_what_pc602_expects(examples):
    """The week view's missing entries are exactly PC602's findings."""
    plan, config = examples
    import subprocess
    import sys
    import json

    result = subprocess.run([sys.executable, "-m", "plancode", "--locale", "en", "check", "--no-cache",
                             "--format", "json"], cwd=REPO, capture_output=True, text=True)
    pc602 = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "PC602"]
    missing = [(w.week, t.full_id) for w in views.weeks(plan, config) for _, t in w.missing_entries]
    assert len(pc602) == len(missing) > 0
    for (week, task), finding in zip(missing, pc602):
        assert week in finding["message"] and task in finding["message"]


def test_tasks_due_for_weeks_without_a_report(examples):
    plan, _ = examples
    due = tasks_due(plan, ["2024-W24", "2024-W30"])
    w30 = [t for tasks in due.get("2024-W30", {}).values() for t in tasks]
    monday, sunday = dt.date(2024, 7, 22), dt.date(2024, 7, 28)
    expected = [t for t in plan.tasks.values() if t.department and t.status != "cancelled"
                and t.start and t.end and t.start <= sunday and t.end >= monday and t.progress < 100]
    assert sorted(t.full_id for t in w30) == sorted(t.full_id for t in expected)
