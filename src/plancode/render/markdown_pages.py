"""What each Markdown report prints, as plain values for its template: the tables of
README.md, workstreams/<id>.md, weeks/<week>.md, reviews/<period>.md and baseline.md.

What is shown — the alerts, the weeks' missing entries and reports, the budget's
modules, the goal tree's order, what is judged at as_of — comes from
:mod:`plancode.views`, as on the site; this module only arranges those records into
Markdown tables (:class:`.markdown_text.Table`) and links between the reports.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from .. import views
from ..config import Config
from ..model import Plan
from ..model.entities import Goal, Metric, Report, Review, Task
from ..model.figures import round_half_up
from ..views.baseline import STATES, BaselineChanges, slip
from .fragments import NONE
from .labels import Labels, date, number, percent
from .markdown_text import Md, Table, cell, image, link, mermaid_ids, mermaid_text, points, text

STATUSES = views.STATUSES


class PageContexts:
    """What each page shows, as plain values; the templates only lay them out."""

    def __init__(self, plan: Plan, config: Config, labels: Labels, charts: frozenset[str], layout=None,
                 weeks: list[views.Week] | None = None):
        self.plan, self.config, self.L, self.charts = plan, config, labels, charts
        self.layout = layout  # the build's chart layout, when it has one: its Gantt parts' names
        self.names = views.Names(plan, labels)
        self.fragments = NONE  # the page being rendered's pieces kept from before (README.md's)
        # views.weeks(plan, config), when the caller has made it already (the site's)
        self._weeks: dict[str, views.Week] | None = None if weeks is None else {w.week: w for w in weeks}
        self.sep = labels("md.list_sep")
        self.weeks = sorted({report.week for report in plan.reports})
        reviews = sorted(plan.reviews, key=lambda r: (r.start, r.end, r.label))
        self.review_slugs: list[tuple[Review, str]] = []
        taken: set[str] = set()
        for review in reviews:
            base = re.sub(r"[^A-Za-z0-9._-]", "-", review.label).strip("-.") or "review"
            slug, n = base, 1
            while slug in taken:  # two reviews of one period
                n += 1
                slug = f"{base}-{n}"
            taken.add(slug)
            self.review_slugs.append((review, slug))

    @property
    def week_views(self) -> dict[str, views.Week]:
        """The weeks × departments view (the site's), by week, made once per build."""
        if self._weeks is None:
            self._weeks = {week.week: week for week in views.weeks(self.plan, self.config)}
        return self._weeks

    # --- small formats ---------------------------------------------------------------

    def person(self, person_id: str | None) -> str:
        return self.names.person(person_id)

    def department(self, department_id: str | None) -> str:
        return self.names.department(department_id)

    def departments(self, ids: Iterable[str]) -> str:
        return self.names.departments(ids, self.sep)

    def task_name(self, full_id: str, here: str | None = None) -> str:
        """A task's name; with its workstream's title when it is in another one."""
        task = self.plan.tasks.get(full_id)
        if task is None:
            return full_id
        if here is not None and task.workstream != here:
            ws = self.plan.workstreams.get(task.workstream)
            return f"{task.name} ({ws.title if ws else task.workstream})"
        return task.name

    def currency(self, strategy_id: str | None = None) -> str:
        strategies = self.plan.strategies
        strategy = strategies.get(strategy_id) if strategy_id else None
        if strategy is None and strategies:
            strategy = strategies[sorted(strategies)[0]]
        return strategy.budget.currency if strategy and strategy.budget else ""

    def money(self, value: float | None, currency: str = "") -> str:
        if value is None:
            return "—"
        return f"{number(round_half_up(value))} {currency}".strip()

    @staticmethod
    def quantity(value: float | None, unit: str) -> str:
        if value is None:
            return "—"
        return f"{number(value)} {unit}".strip()

    def metric(self, metric: Metric | None) -> str:
        """'銷售額 1,000 → 1,300 萬元' (baseline → target), lower-is-better marked."""
        if metric is None:
            return ""
        if metric.baseline is not None and metric.target is not None:
            figures = f"{number(metric.baseline)} → {self.quantity(metric.target, metric.unit)}"
        else:
            figures = self.quantity(metric.target, metric.unit) if metric.target is not None else ""
        parts = [metric.name, figures]
        if metric.direction == "down":
            parts.append(f"({self.L('direction.down')})")
        return " ".join(p for p in parts if p)

    def status(self, task: Task) -> str:
        return self.L(f"status.{task.status}")

    def achievement(self, pct: int | None, divisor_zero: str | None) -> str:
        """'111%', or '—' with the reason when the figure is undefined."""
        if pct is not None:
            return percent(pct)
        if divisor_zero:
            return f"{percent(None)} ({self.L(divisor_zero)})"
        return percent(None)

    def goal_achievement(self, goal: Goal) -> list[str]:
        zero = None
        if goal.actual is not None and goal.achievement is None and goal.metric is not None:
            zero = "md.zero.actual" if goal.metric.direction == "down" else "md.zero.target"
        value = self.achievement(goal.achievement_pct, zero) if goal.metric else ""
        if goal.pace is not None:  # SPEC §5.1: judged by its pace
            value += (f" · {self.L('pace')} {percent(goal.pace)} · {self.L('expected_to_date')} "
                      f"{number(goal.expected)}")
        return [value, self.L(f"alert.{goal.alert}") if goal.alert else ""]

    def source_link(self, source: str, prefix: str = "") -> Md | str:
        """A goal's actual_source ('2024-W23' or a review period) as a link to its page."""
        if source in self.weeks:
            return link(source, f"{prefix}weeks/{source}.md")
        for review, slug in self.review_slugs:
            if review.label == source:
                return link(source, f"{prefix}reviews/{slug}.md")
        return source or "—"

    def chart_link(self, name: str, label: str, prefix: str = "") -> Md | None:
        return link(label, f"{prefix}charts/{name}.svg") if name in self.charts else None

    def chart(self, name: str, alt: str, prefix: str = "../") -> Md | None:
        return image(alt, f"{prefix}charts/{name}.svg") if name in self.charts else None

    def achievement_chart_name(self, review: Review) -> str:
        from .charts import achievement_chart

        return achievement_chart(review, self.L, self.config.thresholds.kpi_deviation).name

    def as_of_line(self) -> str:
        return f"{self.L('as_of')}: {date(self.plan.as_of)}"

    # --- README.md -------------------------------------------------------------------

    def index(self) -> dict[str, Any]:
        plan, L = self.plan, self.L
        strategies = [plan.strategies[s] for s in sorted(plan.strategies)]
        title = self.config.title or (strategies[0].title if strategies else "plancode")
        periods = [
            f"{s.title}: {s.period} ({date(s.start)} – {date(s.end)})" for s in strategies
        ]
        alerts, good_news = self.alert_tables()
        return {
            "title": title,
            "as_of": date(plan.as_of),
            "periods": periods,
            "kpis": self.kpi_table(),
            "statuses": self.status_table(),
            "alerts": alerts,
            "good_news": good_news,
            "budget": self.budget_table(),
            "goals": self.goal_table(strategies),
            "unlinked": self.unlinked_table(),
            "workstreams": self.workstream_list(),
            "weeks": self.week_list(),
            "reviews": self.review_list(),
            "charts": [c for c in (self.chart("burnup", L("md.chart.burnup"), ""),
                                   self.chart("load", L("md.chart.load"), "")) if c],
        }

    def goals_in_order(self, strategies) -> list[Goal]:
        """Every goal, strategy by strategy, parents before children, in file order."""
        order: list[Goal] = []

        def walk(goal_id: str) -> None:
            goal = self.plan.goals.get(goal_id)
            if goal is None:
                return
            order.append(goal)
            for child in goal.children:
                walk(child)

        for strategy in strategies:
            for goal_id in strategy.goals:
                walk(goal_id)
        return order

    def kpi_table(self) -> Table:
        L = self.L
        strategies = [self.plan.strategies[s] for s in sorted(self.plan.strategies)]
        rows = []
        for goal in self.goals_in_order(strategies):
            if goal.metric is None:
                continue
            m = goal.metric
            name = m.name if m.direction != "down" else f"{m.name} ({L('direction.down')})"
            rows.append([
                goal.title, name, self.quantity(m.baseline, m.unit), self.quantity(m.target, m.unit),
                self.quantity(goal.actual, m.unit),
                [self.source_link(goal.actual_source), self.chart_link(f"kpi-{goal.id}", L("md.trend"))],
                *self.goal_achievement(goal),
            ])
        return Table([L("goal"), L("kpi"), L("md.baseline"), L("target"), L("actual_value"),
                       L("md.source"), L("achievement"), L("alerts")], rows, "llrrrlrl")

    def status_table(self) -> Table:
        L = self.L
        counts = {status: 0 for status in STATUSES}
        for task in self.plan.tasks.values():
            counts[task.status] = counts.get(task.status, 0) + 1
        rows = [[L(f"status.{s}"), number(n)] for s, n in counts.items()]
        rows.append([Md(f"**{text(L('md.total_tasks'))}**"), Md(f"**{number(len(self.plan.tasks))}**")])
        return Table([L("status"), L("md.count")], rows, "lr")

    def lagging(self, task: Task) -> bool:
        return views.lagging(task, self.config)

    def alert_tables(self) -> tuple[Table, Table | None]:
        """The dashboard's alerts and its good news (:func:`plancode.views.alerts`)."""
        L = self.L
        found = views.alerts(self.plan, self.config, L, list(self.week_views.values()))

        def table(alerts: tuple[views.Alert, ...]) -> Table:
            rows = [[a.label, a.subject, [a.detail, self.alert_link(a)]] for a in alerts]
            return Table([L("md.alert_type"), L("md.subject"), L("md.detail")], rows)

        return table(found.alerts), (table(found.good_news) if found.good_news else None)

    def alert_link(self, alert: views.Alert) -> Md | str:
        """The report an alert is about: a goal's source, a review, a week, a workstream."""
        plan = self.plan
        if alert.goal is not None:
            return self.source_link(alert.goal.actual_source)
        if alert.review is not None:
            return self.source_link(alert.review.label)
        if alert.week is not None:
            return link(alert.week, f"weeks/{alert.week}.md")
        task = alert.task
        if task is None:
            return ""
        return link(plan.workstreams[task.workstream].title if task.workstream in plan.workstreams
                    else task.workstream, f"workstreams/{task.workstream}.md")

    def tasks_in_order(self) -> list[Task]:
        """Tasks workstream by workstream (sorted by id), in file order within each."""
        plan = self.plan
        order = []
        for ws_id in sorted(plan.workstreams):
            order += [plan.tasks[t] for t in plan.workstreams[ws_id].tasks if t in plan.tasks]
        listed = {t.full_id for t in order}
        order += [t for key, t in sorted(plan.tasks.items()) if key not in listed]
        return order

    def budget_table(self) -> Table:
        """Budget and modules (:func:`plancode.views.budgets`), then earned value."""
        plan, L = self.plan, self.L
        rows: list[list[Any]] = []
        budgets = views.budgets(plan, L)
        for b in budgets:
            budget, cur = b.budget, b.budget.currency
            prefix = f"{b.strategy.title} · " if len(budgets) > 1 else ""
            rows.append([prefix + L("total"), self.money(budget.total, cur)])
            if b.contingency is not None:
                rows.append([prefix + L("contingency"), f"{number(budget.contingency)}% · "
                             f"{self.money(b.contingency, cur)}"])
            for module in b.allocation if not b.modules else ():
                rows.append([f"{prefix}{L('md.allocation')} · {module.label}",
                             f"{number(module.share)}% · {self.money(module.amount, cur)}"])
            for m in b.modules:  # SPEC §5.5: allocated, planned, spent, remaining
                share = "" if m.share is None else f"{number(m.share)}% · "
                rows.append([f"{prefix}{L('module')} · {views.Names(plan, L).module(m.module)}",
                             f"{share}{L('allocated')} {self.money(m.allocated, cur)} · "
                             f"{L('planned_budget')} {self.money(m.planned, cur)} · "
                             f"{L('spent')} {self.money(m.spent, cur)} · "
                             f"{L('remaining')} {self.money(m.remaining, cur)}"])
            if b.allocation:
                rows.append([prefix + L("allocated"),
                             f"{number(b.allocated_share)}% · {self.money(b.allocated, cur)}"])
            if b.goal_budgets:
                rows.append([prefix + L("goal_budgets"), self.money(b.goals, cur)])
            if b.earned_value is not None:  # SPEC §5.5: earned value per strategy
                rows += self.earned_value_rows(b.earned_value, cur, prefix)
        if not plan.year:
            rows += self.earned_value_rows(plan.earned_value, self.currency(), "")
        return Table([L("md.item"), L("md.value")], rows, "lr")

    def earned_value_rows(self, ev, cur: str, prefix: str) -> list[list[Any]]:
        L = self.L
        return [
            [prefix + L("md.ev.pv"), self.money(ev.pv, cur)],
            [prefix + L("md.ev.ev"), self.money(ev.ev, cur)],
            [prefix + L("md.ev.ac"), self.money(ev.ac, cur)],
            [prefix + L("md.ev.spi"), "—" if ev.spi is None else f"{ev.spi:.2f}"],
            [prefix + L("md.ev.cpi"), "—" if ev.cpi is None else f"{ev.cpi:.2f}"],
        ]

    def goal_table(self, strategies) -> list[dict[str, Any]]:
        """Templates 1 and 5: per strategy, each goal then its tasks then its sub-goals."""
        plan, L = self.plan, self.L
        tables = []
        for strategy in strategies:
            rows: list[list[Any]] = []
            for goal in self.goals_in_order([strategy]):
                cur = self.currency(goal.strategy)
                title = [goal.title, goal.notes]  # the notes under the title, as on the site
                l1 = title if goal.level == 1 else ""
                l2 = "" if goal.level == 1 else [("↳ " * (goal.level - 2)) + goal.title, goal.notes]
                resources = [goal.resources, f"{L('budget')} {self.money(goal.budget, cur)}"
                             if goal.budget is not None else ""]
                due = date(goal.due) if goal.due else (
                    f"{date(goal.start)} – {date(goal.end)}" if goal.start else "—")
                priority = f"{L('priority')}: {L(f'priority.{goal.priority}')}" if goal.priority else ""
                rows.append([
                    l1, l2, "", [self.metric(goal.metric), priority, *views.goal_tags(goal, L)],
                    self.person(goal.owner),
                    self.departments(goal.support), due, resources,
                    percent(goal.progress), self.goal_achievement(goal),
                ])
                tasks = [plan.tasks[t] for t in goal.tasks if t in plan.tasks]
                if tasks:  # its tasks' rows: one fragment (:mod:`plancode.render.fragments`)
                    rows.append(Md(self.fragments.get(goal.id, lambda: Table.lines(
                        [self.task_goal_row(task, cur) for task in tasks]))))
            tables.append({
                "title": strategy.title, "description": strategy.description,
                "themes": views.themes(strategy, L),
                "table": Table([L("l1"), L("l2"), L("l3"), L("metric"), L("owner"), L("support"),
                                L("due"), L("resources"), L("progress"), L("achievement")],
                               rows, "llllllllrr")})
        return tables

    def task_goal_row(self, task: Task, currency: str) -> list[Any]:
        L = self.L
        name = link(task.name, f"workstreams/{task.workstream}.md")
        measure = self.metric(task.metric) or task.deliverable or "—"
        resources = [task.resources, f"{L('budget')} {self.money(task.budget, currency)}"
                     if task.budget is not None else ""]
        return ["", "", name, measure, self.person(task.owner), self.departments(task.support),
                date(task.end), resources, percent(task.progress), ""]

    def unlinked_table(self) -> Table | None:
        tasks = [t for t in self.tasks_in_order() if not t.goal or t.goal not in self.plan.goals]
        if not tasks:
            return None
        L = self.L
        rows = [self.task_goal_row(t, self.currency())[2:] for t in tasks]
        return Table([L("l3"), L("metric"), L("owner"), L("support"), L("due"),
                       L("resources"), L("progress"), L("achievement")], rows, "llllllrr")

    def workstream_list(self) -> Table:
        plan, L = self.plan, self.L
        rows = []
        for ws_id in sorted(plan.workstreams):
            ws = plan.workstreams[ws_id]
            tasks = [plan.tasks[t] for t in ws.tasks if t in plan.tasks]
            counts = [f"{L(f'status.{s}')} {n}" for s in STATUSES
                      if (n := sum(t.status == s for t in tasks))]
            goal = plan.goals.get(ws.goal) if ws.goal else None
            rows.append([link(ws.title, f"workstreams/{ws_id}.md"), self.person(ws.owner),
                         goal.title if goal else (ws.goal or "—"), number(len(tasks)),
                         " · ".join(counts) or "—"])
        return Table([L("md.workstream"), L("owner"), L("goal"), L("md.tasks"), L("status")], rows, "lllrl")

    def week_list(self) -> Table:
        L = self.L
        rows = []
        for week in reversed(self.weeks):  # the latest first: that is what people open
            reports = [r for r in self.plan.reports if r.week == week]
            first = reports[0]
            counted = all(r.counted for r in reports)
            rows.append([link(week, f"weeks/{week}.md"), f"{date(first.start)} – {date(first.end)}",
                         self.departments(sorted({r.department for r in reports})),
                         number(sum(len(r.entries) for r in reports)),
                         "" if counted else L("md.not_counted_short")])
        return Table([L("week"), L("md.dates"), L("department"), L("md.entries"), L("md.note")],
                      rows, "lllrl")

    def review_list(self) -> Table:
        L = self.L
        rows = []
        for review, slug in self.review_slugs:
            below = sum(row.alert == "below" for row in review.rows)
            rows.append([link(review.label, f"reviews/{slug}.md"), review.title or "—",
                         self.person(review.owner), number(len(review.rows)),
                         number(below) if review.start <= self.plan.as_of else L("md.not_begun_short")])
        return Table([L("period"), L("md.title"), L("owner"), L("md.rows"), L("alert.below")],
                      rows, "lllrr")

    # --- workstreams/<id>.md --------------------------------------------------------------

    def workstream(self, ws_id: str) -> dict[str, Any]:
        plan, L = self.plan, self.L
        ws = plan.workstreams[ws_id]
        tasks = [plan.tasks[t] for t in ws.tasks if t in plan.tasks]
        rows = []
        for task in tasks:
            preds = [self.task_name(p, ws_id) for p in task.predecessors] or ["—"]
            risks = [r.risk for r in task.risks] or ["—"]
            name = f"◆ {task.name}" if task.milestone else task.name
            rows.append([
                name, self.person(task.owner), date(task.start), date(task.end),
                number(task.days), preds, percent(task.planned_progress), percent(task.progress),
                self.status(task), risks,
            ] + ([f"{date(task.forecast_end)}" + (f" (+{task.slip})" if task.slip else "")]
                 if plan.year else []))
        table = Table([L("task"), L("owner"), L("start"), L("end"), L("days"), L("predecessors"),
                        L("planned"), L("progress"), L("status"), L("risk")]
                      + ([f"{L('gantt.forecast')} ({L('gantt.slip')})"] if plan.year else []),
                      rows, "llllrlrrll" + ("l" if plan.year else ""))
        risk_rows = [[task.name, r.risk, r.mitigation or "—", self.person(r.owner)]
                     for task in tasks for r in task.risks]
        critical = [t for t in sorted(tasks, key=lambda t: (t.start or dt.date.max))
                    if t.critical]
        goal = plan.goals.get(ws.goal) if ws.goal else None
        facts = [
            (L("as_of"), date(plan.as_of)),
            (L("goal"), goal.title if goal else (ws.goal or "—")),
            (L("owner"), self.person(ws.owner)),
        ]
        if ws.module:
            facts.append((L("md.module"), self.names.module(ws.module)))
        gantt = self.mermaid_gantt(ws.title, tasks)
        return {
            "title": ws.title,
            "facts": facts,
            "description": ws.description,
            "table": table,
            "critical": [t.name for t in critical],
            "gantt": gantt,
            "risks": Table([L("task"), L("risk"), L("mitigation"), L("owner")], risk_rows)
            if risk_rows else None,
        }

    def mermaid_gantt(self, title: str, tasks: list[Task]) -> Md | None:
        """A Mermaid gantt block with the site's meaning: tasks in the order written (no
        sections: they would regroup them), each from its start for its days (inclusive:
        Mermaid's end dates are not). Mermaid has three looks: ``done`` for done tasks,
        ``active`` for tasks under way, ``crit`` (red) for the tasks in trouble — overdue or
        blocked — as the site's red status; a not-done task on the critical path says so
        in its name, a milestone is a diamond, and the as-of date is a milestone of its own
        (Mermaid's "today" would be the reader's date)."""
        dated = [t for t in tasks if t.start is not None and t.days and t.days > 0]
        if not dated:
            return None
        ids = mermaid_ids(t.id for t in tasks)
        years = {t.start.year for t in dated} | {t.end.year for t in dated if t.end}
        lines = [
            "```mermaid",
            "gantt",
            f"    title {mermaid_text(title, 80)}",
            "    dateFormat YYYY-MM-DD",
            "    axisFormat " + ("%m-%d" if len(years) == 1 else "%Y-%m"),
            "    todayMarker off",
        ]
        for task in dated:
            tags = []
            if task.status == "done":
                tags.append("done")
            elif task.status in ("overdue", "blocked"):
                tags.append("crit")
            elif task.status == "in_progress":
                tags.append("active")
            if task.milestone:
                tags.append("milestone")
            name = mermaid_text(task.name)
            if task.status in ("overdue", "blocked", "cancelled"):
                name += f" ({mermaid_text(self.status(task))})"  # after the cut: always seen
            elif task.critical and task.status != "done":
                name += f" ({mermaid_text(self.L('critical'))})"
            data = ", ".join([*tags, ids[task.id], task.start.isoformat(), f"{task.days}d"])
            lines.append(f"    {name} :{data}")
        as_of_id = "as_of"
        while as_of_id in ids.values():
            as_of_id += "_"
        lines.append(f"    {mermaid_text(self.L('as_of'))} :milestone, {as_of_id}, {self.plan.as_of.isoformat()}, 1d")
        lines.append("```")
        return Md("\n".join(lines))

    # --- weeks/<week>.md ------------------------------------------------------------------

    def week(self, week: str) -> dict[str, Any]:
        plan = self.plan
        reports = [r for r in plan.reports if r.week == week]
        start, end = reports[0].start, reports[0].end
        sections = [self.report_section(r) for r in reports]
        return {
            "week": week,
            "dates": f"{date(start)} – {date(end)}",
            "as_of": date(plan.as_of),
            "counted": all(r.counted for r in reports),
            "sections": sections,
            "lagging": self.lagging_table(reports),
            "missing": self.missing_table(week) if start <= plan.as_of else None,
        }

    def report_section(self, report: Report) -> dict[str, Any]:
        plan, L = self.plan, self.L
        rows = []
        for entry in report.entries:
            name = self.task_name(entry.task) if entry.task else entry.task_ref
            results = [f"{key}: {number(value)}" for key, value in entry.results.items()] or ["—"]
            rows.append([
                name, entry.planned or "—", L(f"done.{entry.done}") if entry.done else "—",
                percent(entry.progress), entry.reason or "—", results,
                entry.support or "—", entry.next or "—",
            ])
        table = Table([L("task"), L("planned_this_week"), L("done"), L("md.reported"), L("reason"),
                        L("results"), L("support_needed"), L("next")], rows, "lllrllll")
        kpi_rows = []
        for kpi in report.metrics:
            goal = plan.goals.get(kpi.goal)
            unit = goal.metric.unit if goal and goal.metric else ""
            target = goal.metric.target if goal and goal.metric else None
            kpi_rows.append([goal.title if goal else kpi.goal, self.quantity(kpi.value, unit),
                             self.quantity(target, unit), kpi.note or "—"])
        spent = [e.spent for e in report.entries if e.spent is not None]
        return {
            "department": self.department(report.department),
            "author": self.person(report.author) if report.author else None,
            "table": table,
            "spent": self.money(sum(spent), self.currency()) if spent else None,
            "kpis": Table([L("goal"), L("md.value"), L("target"), L("md.note")], kpi_rows, "lrrl")
            if kpi_rows else None,
            "notes": report.notes,
        }

    def lagging_table(self, reports: list[Report]) -> Table:
        """Template 3's second variant: the week's tasks that are behind plan at as_of
        (lagging or overdue), with the cause and the adjustment posted that week."""
        plan, L = self.plan, self.L
        rows = []
        for report in reports:
            for entry in report.entries:
                task = plan.tasks.get(entry.task) if entry.task else None
                if task is None or not (task.status == "overdue" or self.lagging(task)):
                    continue
                results = [f"{key}: {number(value)}" for key, value in entry.results.items()] or ["—"]
                rows.append([
                    task.name, self.person(task.owner), percent(task.planned_progress),
                    percent(task.progress), points(task.lag), self.status(task),
                    results, entry.reason or "—", entry.adjustment or L("md.no_adjustment"),
                ])
        return Table([L("task"), L("owner"), L("planned"), L("actual"), L("lag"), L("status"),
                       L("results"), L("risk"), L("adjustment")], rows, "llrrrllll")

    def missing_table(self, week: str) -> Table:
        """What the week's reports miss (:func:`plancode.views.weeks`, PC602's reading):
        tasks due and not listed, and departments that owed tasks and sent no report."""
        L = self.L
        rows = []
        for dw in self.week_views[week].departments:
            what = L("md.no_entry") if dw.report is not None else L("md.no_report")
            for task in dw.missing:
                rows.append([self.department(dw.department), task.name, self.person(task.owner),
                             date(task.start), date(task.end), what])
        return Table([L("department"), L("task"), L("owner"), L("start"), L("end"), L("md.missing")],
                     rows)

    # --- baseline.md -----------------------------------------------------------------------

    def baseline(self, changes: BaselineChanges) -> dict[str, Any]:
        """Template of baseline.md: the summary, a section per milestone (its move and the
        tasks leading to it that changed), then every task."""
        L = self.L
        worst = changes.max_slip
        revision = f"{changes.rev} ({changes.commit[:12]})" if changes.commit else changes.rev
        counts = " · ".join(f"{L('baseline.state.' + s)} {number(changes.count(s))}" for s in STATES)
        milestones = []
        for section in changes.milestones:
            r = section.row
            milestones.append({
                "title": f"◆ {r.name} ({L('baseline.state.' + r.state)})",
                "facts": [
                    (L("baseline.baseline_dates"), self.span(r.baseline_start, r.baseline_end)),
                    (L("baseline.current_dates"), self.span(r.start, r.end)),
                    (L("baseline.end_slip"), slip(r.end_slip, L)),
                    (L("md.workstream"), changes.workstream(r.workstream)),
                    (L("owner"), self.owner(changes, r.owner)),
                ],
                "leading": self.baseline_table(changes, section.leading) if section.leading else None,
            })
        return {
            "facts": [
                (L("baseline.revision"), revision),
                (L("as_of"), date(self.plan.as_of)),
                (L("baseline.slipped_tasks"), number(len(changes.slipped))),
                (L("baseline.max_slip"), f"{slip(worst.end_slip, L)}: {worst.name}" if worst else "0"),
                (L("baseline.earlier"), number(len(changes.earlier))),
                (L("baseline.state"), counts),
            ],
            "missing": changes.missing,
            "unreadable": list(changes.unreadable),
            "milestones": milestones,
            "table": self.baseline_table(changes, changes.rows),
        }

    def baseline_table(self, changes: BaselineChanges, rows) -> Table:
        L = self.L
        body = []
        for r in rows:
            name = f"◆ {r.name}" if r.milestone else r.name
            workstream = changes.workstream(r.workstream)
            if r.workstream in self.plan.workstreams:
                workstream = link(workstream, f"workstreams/{r.workstream}.md")
            end_slip = slip(r.end_slip, L)
            body.append([
                name, workstream, self.owner(changes, r.owner),
                self.span(r.baseline_start, r.baseline_end), self.span(r.start, r.end),
                slip(r.start_slip, L), Md(f"**{cell(end_slip)}**") if r.slipped else end_slip,
                L(f"baseline.state.{r.state}"),
            ])
        return Table([L("task"), L("md.workstream"), L("owner"), L("baseline.baseline_dates"),
                       L("baseline.current_dates"), L("baseline.start_slip"), L("baseline.end_slip"),
                       L("baseline.state")], body, "lllllrrl")

    def owner(self, changes: BaselineChanges, person_id: str | None) -> str:
        return self.person(person_id) if person_id in self.plan.people else changes.person(person_id)

    @staticmethod
    def span(start: dt.date | None, end: dt.date | None) -> str:
        if start is None and end is None:
            return "—"
        return date(start) if start == end else f"{date(start)} – {date(end)}"

    # --- reviews/<period>.md --------------------------------------------------------------

    def review(self, review: Review, slug: str) -> dict[str, Any]:
        plan, L = self.plan, self.L
        rows = []
        for row in review.rows:
            kpi = row.metric if row.direction != "down" else [row.metric, L("direction.down")]
            zero = None
            if row.achievement is None:
                zero = "md.zero.actual" if row.direction == "down" else "md.zero.target"
            pct = self.achievement(row.achievement_pct, zero)
            if row.direction == "down" and row.achievement_pct is not None:
                pct = Md(f"**{cell(pct)}**")  # as the template: a reversed ratio stands out
            rows.append([
                row.dimension or "—", kpi, self.quantity(row.target, row.unit),
                self.quantity(row.actual, row.unit), pct, row.analysis or "—",
                row.actions or "—", self.person(row.owner),
                # a period still to come has no alert (the model's Review.judged)
                L(f"alert.{row.alert}") if row.alert else "",
            ])
        return {
            "title": review.title or review.label,
            "period": review.label,
            "facts": [
                (L("period"), f"{review.label} ({date(review.start)} – {date(review.end)})"),
                (L("owner"), self.person(review.owner)),
                (L("as_of"), date(plan.as_of)),
            ],
            "not_begun": not review.judged,
            "notes": review.notes,
            "table": Table([L("dimension"), L("kpi"), L("target"), L("actual_value"),
                             L("achievement"), L("analysis"), L("actions"), L("owner"), L("alerts")],
                            rows, "llrrrllll"),
            "chart": self.chart(self.achievement_chart_name(review), f"{L('achievement')} {review.label}"),
        }
