"""The static HTML site: one page per view of the plan, from the model's figures only.

``site_files`` is pure: it turns the plan (and the SVG charts already rendered) into
``{relative path: bytes}`` and writes nothing; :mod:`plancode.render.output` writes the
tree. The same plan gives the same bytes: pages carry no build time (only as_of), and
every list is in model order (files, as written) or sorted.

Pages (all in one folder, so every link is relative and the site works from file://):

- ``index.html`` — dashboard: headline KPIs, task counts, alerts, budget, earned value
- ``goals.html`` — goal decomposition (templates 1 and 5) and KPI trends
- ``workstreams.html`` and ``workstream-ID.html`` — Gantt and task table (template 2)
- ``weeks.html`` and ``week-YYYY-Www.html`` — weekly tracking (template 3)
- ``reviews.html`` — evaluation per period and period over period (template 4)
- ``people.html`` — responsibility matrix and load
- ``baseline.html`` — changes since a baseline revision (``build --baseline REV`` only)

Git stays out of this module: the build reads the baseline and each plan file's last
change (:mod:`plancode.history`) and passes them in as plain values.

What each page shows — the goal tree, the weeks × departments tracking, the alerts and
good news, budget and modules, people, the review comparison — comes from
:mod:`plancode.views`, which the Markdown reports read too; this module only lays those
records out as HTML (escaping, links, bars, filters).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from markupsafe import Markup

from .. import __version__, views
from ..config import Config
from ..model import Goal, Person, Plan, Task
from ..model import figures
from . import labels as fmt
from ..views.baseline import STATES, BaselineChanges, slip
from .fragments import NONE
from .labels import Labels
from .page_keys import file_key
from .svg import NOT_XML, escape  # markupsafe's, without the characters no page may hold

STATUSES = views.STATUSES
STATIC_FILES = ("site.css", "site.js")

# (label key, file) of the navigation, in reading order
NAV = (
    ("page.dashboard", "index.html"),
    ("page.goals", "goals.html"),
    ("page.workstreams", "workstreams.html"),
    ("page.portfolio", "portfolio.html"),
    ("page.weeks", "weeks.html"),
    ("page.reviews", "reviews.html"),
    ("page.people", "people.html"),
)
#: the navigation's last entry, when the site is built with a baseline
BASELINE_NAV = ("page.baseline", "baseline.html")


def workstream_page(workstream_id: str) -> str:
    return f"workstream-{workstream_id}.html"


def week_page(week: str) -> str:
    return f"week-{week}.html"


# --- charts ----------------------------------------------------------------------------------

@dataclass
class ChartLayout:
    """Which chart goes on which page. The build renders exactly ``all()``; the pages
    look the SVGs up by name, so the two always agree."""

    burnup: Any = None
    load: Any = None
    achievement: dict[str, Any] = field(default_factory=dict)  # review label -> chart
    kpi: dict[str, Any] = field(default_factory=dict)  # goal id -> chart

    def all(self) -> list[Any]:
        found = [self.burnup, self.load]
        found.extend(self.achievement.values())
        found.extend(self.kpi.values())
        return [chart for chart in found if chart is not None]


def chart_layout(plan: Plan, config: Config, labels: Labels) -> ChartLayout:
    """The charts of the site, described (specs), not drawn. The Gantt charts are no
    specs: the pages draw them from the views (:mod:`plancode.render.gantt`)."""
    from . import charts

    layout = ChartLayout(burnup=charts.burnup_chart(plan, labels), load=charts.load_chart(plan, labels))
    for review in plan.reviews:
        layout.achievement[review.label] = charts.achievement_chart(
            review, labels, config.thresholds.kpi_deviation)
    for goal_id in plan.goals:
        chart = charts.kpi_trend_chart(plan, goal_id, labels)
        if chart is not None:
            layout.kpi[goal_id] = chart
    return layout


# --- what only the site shows -----------------------------------------------------------------

@dataclass(frozen=True)
class PlanFile:
    """A plan file on the dashboard: where it is, what it holds, who changed it last."""

    path: str  # relative to plancode.yaml's folder, as git names it
    kind: str
    href: str  # the page showing what it holds
    title: str
    changed: tuple[dt.date, str] | None  # (date, author) of its last commit; None if never committed


class _Site:
    def __init__(self, plan: Plan, config: Config, labels: Labels, charts: frozenset[str],
                 baseline: dict | None, since_baseline: BaselineChanges | None = None,
                 last_changes: dict[str, tuple[dt.date, str]] | None = None, layout: ChartLayout | None = None):
        self.plan, self.config, self.labels = plan, config, labels
        self.svgs = charts
        self.page_cache: Path | None = None  # where the charts drawn in the pages are kept
        if layout is None:  # specs only, no drawing: every chart is drawn in its page
            layout = chart_layout(plan, config, labels)
        self.layout = layout
        self.baseline = baseline
        self._task_links: dict[str, Markup] = {}
        self._history: dict[str, list[tuple[str, float, bool]]] | None = None
        self._grid = None
        self._people_links: dict[str | None, Markup] = {}
        self.names = views.Names(plan, labels)
        self.weeks = views.weeks(plan, config)
        self.since_baseline, self.last_changes = since_baseline, last_changes or {}

    # --- small lookups -----------------------------------------------------------------------

    def person_name(self, person_id: str | None) -> str:
        return self.names.person(person_id)

    def department_name(self, department_id: str | None) -> str:
        return self.names.department(department_id)

    def task_href(self, full_id: str) -> str:
        task = self.plan.tasks.get(full_id)
        if task is None:
            return ""
        return f"{workstream_page(task.workstream)}#task-{task.id}"

    def goal_href(self, goal_id: str | None) -> str:
        return f"goals.html#goal-{goal_id}" if goal_id in self.plan.goals else ""

    def task_name(self, full_id: str) -> str:
        return self.names.task(full_id)

    def row_href(self, row) -> str:
        """Where a Gantt row links: a task's row, a workstream's page, a goal."""
        if row.task is not None:
            return self.task_href(row.task.full_id)
        if row.workstream is not None:
            return workstream_page(row.workstream.id)
        return self.goal_href(row.goal.id) if row.goal is not None else ""

    def week_grid(self):
        """(departments, weeks) of the weeks × departments grid, and the weeks with a page."""
        if self._grid is None:  # the dashboard and the weeks page both show it
            from ..views.weekgrid import week_grid

            departments, weeks = week_grid(self.plan)
            self._grid = (departments, weeks, {w.week for w in self.weeks})
        return self._grid

    def week_neighbours(self, week: str) -> tuple[str | None, str | None]:
        """The weeks with a page just before and after ``week``."""
        names = [w.week for w in self.weeks]
        at = names.index(week)
        return (names[at - 1] if at else None), (names[at + 1] if at + 1 < len(names) else None)

    def grid_cell(self, cell, week, pages: set[str]) -> Markup:
        """A cell of the grid: ✓ linking to the department's report, ✗ for a missing one."""
        L = self.labels
        marks = {"reported": "✓", "missing": "✗", "pending": "…", "idle": "–"}
        owed = "、".join(t.name for t in cell.owed[:8]) + ("…" if len(cell.owed) > 8 else "")
        title = L("grid." + cell.state) + (f" · {L('grid.owed')} {len(cell.owed)}: {owed}" if cell.owed else "")
        mark = f'{marks[cell.state]}<span class="sr"> {escape(L("grid." + cell.state))}</span>'
        if cell.state == "reported" and week.week in pages:
            mark = f'<a href="{week_page(week.week)}#department-{escape(cell.department)}">{mark}</a>'
        return Markup(f'<td class="grid-{cell.state}" title="{escape(title)}">{mark}</td>')

    def task_history(self, full_id: str) -> list[tuple[str, float, bool]]:
        """(week, progress, counted) of every report entry that gave the task a progress,
        in order; ``counted``: the week ended by as_of (its figure counts)."""
        if self._history is None:
            from ..model.tracking import report_history

            self._history = {task: [(figures.week_of(end), value, end <= self.plan.as_of) for end, value in entries]
                             for task, entries in report_history(self.plan).items()}
        return self._history.get(full_id, [])

    def reviews_in_order(self):
        """The current period first: periods begun at as_of, latest first, then the ones not
        begun (not judged yet), earliest first."""
        reviews = list(self.plan.reviews)
        return [r for r in reversed(reviews) if r.judged] + [r for r in reviews if not r.judged]

    def portfolio(self):
        from ..views.portfolio import portfolio

        return portfolio(self.plan, self.config, self.labels, self.baseline)

    def portfolio_gantt(self, found) -> Markup:
        from .gantt import gantt_html

        return gantt_html(found.gantt, self.labels, self.row_href, self.labels("page.portfolio"))

    def gantt(self, workstream) -> Markup:
        """A workstream's Gantt, inline (:mod:`plancode.render.gantt`)."""
        from ..views.gantt import workstream_gantt
        from .gantt import gantt_html

        chart = workstream_gantt(self.plan, workstream.id, self.labels, self.baseline)
        return gantt_html(chart, self.labels, self.row_href, f"{self.labels('chart.gantt')}: {workstream.title}")

    def chart(self, chart: Any) -> dict | None:
        """What the template needs to show a chart: its SVG, drawn for the page
        (:mod:`plancode.render.svg`, real text at a legible size); None without one."""
        if chart is None:
            return None
        from .charts import inline_svg

        svg = inline_svg(chart.spec, self.page_cache)
        return {"svg": Markup(svg), "name": chart.name, "scroll": chart.spec["kind"] == "load"} if svg else None

    # --- goals -------------------------------------------------------------------------------

    def goal_tree(self) -> list[views.TreeRow]:
        return views.goal_tree(self.plan)

    def tree_filters(self, tree: list[views.TreeRow]) -> dict[str, list[tuple[str, str]]]:
        return self.filters([r.task for r in tree if r.task], owners=[r.goal.owner for r in tree if r.goal])

    def alignment(self):
        return views.alignment(self.plan)

    def headline_goals(self) -> list[Goal]:
        return views.headline_goals(self.plan)

    # --- dashboard ---------------------------------------------------------------------------

    def status_counts(self):
        return views.status_counts(self.plan)

    def alerts(self) -> views.Alerts:
        return views.alerts(self.plan, self.config, self.labels, self.weeks)

    def alert_href(self, alert: views.Alert) -> str:
        """The page an alert is about: its goal, review, week or task."""
        if alert.goal is not None:
            return self.goal_href(alert.goal.id)
        if alert.review is not None:
            return f"reviews.html#review-{alert.review.label}"
        if alert.week is not None:
            return week_page(alert.week)
        return self.task_href(alert.task.full_id) if alert.task is not None else ""

    def budget_rows(self) -> list[views.BudgetView]:
        return views.budgets(self.plan, self.labels)

    # --- reviews -----------------------------------------------------------------------------

    def comparison(self):
        return views.comparison(self.plan)

    def review_owners(self) -> list[str]:
        return views.review_owners(self.plan)

    # --- plan files and their history ---------------------------------------------------------

    def file_key(self, doc) -> str:
        """A document's path as history names it: relative to plancode.yaml's folder."""
        return file_key(doc, self.config.root)

    def plan_files(self) -> list[PlanFile]:
        """Every plan file, by path, with the page that shows what it holds. Empty when the
        build had no history to give (outside git): the dashboard then leaves it out."""
        if not self.last_changes:
            return []
        plan = self.plan
        pages: dict[str, tuple[str, str]] = {}
        for person in plan.people.values():
            pages.setdefault(self.file_key(person.source.doc), ("people.html", self.labels("page.people")))
        for department in plan.departments.values():
            pages.setdefault(self.file_key(department.source.doc), ("people.html", self.labels("page.people")))
        for strategy in plan.strategies.values():
            pages.setdefault(self.file_key(strategy.source.doc), ("goals.html", strategy.title))
        for workstream in plan.workstreams.values():
            pages.setdefault(self.file_key(workstream.source.doc),
                             (workstream_page(workstream.id), workstream.title))
        for report in plan.reports:
            pages.setdefault(self.file_key(report.source.doc),
                             (week_page(report.week), f"{report.week} · {self.department_name(report.department)}"))
        for review in plan.reviews:
            pages.setdefault(self.file_key(review.source.doc),
                             (f"reviews.html#review-{review.label}", review.title or review.label))
        files = []
        for doc in plan.documents:
            key = self.file_key(doc)
            href, title = pages.get(key, ("", ""))
            files.append(PlanFile(key, doc.kind or "", href, title, self.last_changes.get(key)))
        return sorted(files, key=lambda f: f.path)

    def last_changed(self, record) -> str:
        """'最後修改:2024-07-01 張敏' for the file a record is written in; '' without history."""
        changed = self.last_changes.get(self.file_key(record.source.doc))
        if changed is None:
            return ""
        return self.labels("last_changed_line").format(date=fmt.date(changed[0]), author=changed[1])

    # --- people ------------------------------------------------------------------------------

    def people_rows(self) -> list[views.PersonRow]:
        return views.people_rows(self.plan)

    def department_rows(self) -> list[views.DepartmentRow]:
        return views.department_rows(self.plan)

    # --- filters -----------------------------------------------------------------------------

    def filters(self, tasks: Iterable[Task] = (), owners: Iterable[str | None] = (),
                statuses: bool = True) -> dict[str, list[tuple[str, str]]]:
        """The select boxes for a page's tables: the owners, departments and statuses of
        its rows (value, label), sorted by label."""
        tasks = list(tasks)
        people = {t.owner for t in tasks if t.owner} | {o for o in owners if o}
        departments = {t.department for t in tasks if t.department}
        departments |= {self.plan.people[p].department for p in people
                        if p in self.plan.people and self.plan.people[p].department}
        found = {
            "owner": sorted(((p, self.person_name(p)) for p in people), key=lambda item: (item[1], item[0])),
            "department": sorted(((d, self.department_name(d)) for d in departments),
                                 key=lambda item: (item[1], item[0])),
        }
        if statuses:
            present = {t.status for t in tasks}
            found["status"] = [(s, self.labels("status." + s)) for s in STATUSES if s in present]
        return {key: values for key, values in found.items() if values}

    def person_department(self, person_id: str | None) -> str:
        person = self.plan.people.get(person_id or "")
        return person.department or "" if person else ""

    # --- helpers the templates call ------------------------------------------------------------

    # The small pieces every row of a table shows, as HTML. They were Jinja macros; a
    # macro call costs about 20 µs, and a 10,000-task site makes half a million of them.
    # Every value from the plans goes through ``escape``, as autoescaping would.

    def status(self, value: str) -> Markup:
        return Markup(f'<span class="status status-{escape(value)}">{escape(self.labels("status." + value))}</span>')

    def alert_badge(self, value: str | None) -> Markup:
        if not value:
            return Markup("")
        return Markup(f'<span class="badge badge-{escape(value)}">{escape(self.labels("alert." + value))}</span>')

    def progress(self, value: float | None) -> Markup:
        return Markup(f'<span class="progress"><span class="bar" aria-hidden="true"><span style="width: '
                      f'{escape(_bar(value))}%"></span></span><span class="figure">{escape(fmt.percent(value))}'
                      '</span></span>')

    def planned_actual(self, planned: float | None, actual: float | None) -> Markup:
        return Markup('<span class="progress pair">\n'
                      f'<span class="bar planned" aria-hidden="true"><span style="width: {escape(_bar(planned))}%">'
                      '</span></span>\n'
                      f'<span class="bar actual" aria-hidden="true"><span style="width: {escape(_bar(actual))}%">'
                      '</span></span>\n</span>')

    def _planned_actual_figures(self, planned: float | None, actual: float | None) -> str:
        """The two bars, then the two figures: '54% / 70%'."""
        return (f'{self.planned_actual(planned, actual)} <span class="figure">'
                f'{escape(fmt.percent(planned))} / {escape(fmt.percent(actual))}</span>')

    @staticmethod
    def lines(value: str) -> Markup:
        """Plan text with its line breaks kept (as ``<br>``), as the Markdown reports keep
        them; each line escaped."""
        return Markup("<br>".join(str(escape(line.strip())) for line in value.splitlines() if line.strip()))

    def person(self, person_id: str | None) -> Markup:
        found = self._people_links.get(person_id)
        if found is None:
            name = escape(self.person_name(person_id))
            if person_id and person_id in self.plan.people:
                found = Markup(f'<a href="people.html#person-{escape(person_id)}">{name}</a>')
            else:
                found = Markup(name)
            self._people_links[person_id] = found
        return found

    def departments(self, ids: Iterable[str]) -> Markup:
        names = [str(escape(self.department_name(d))) for d in ids]
        return Markup("、".join(names) if names else "—")

    def task_link(self, full_id: str) -> Markup:
        found = self._task_links.get(full_id)
        if found is None:
            href = self.task_href(full_id)
            if href:
                found = Markup(f'<a href="{escape(href)}">{escape(self.task_name(full_id))}</a>')
            else:
                found = Markup(escape(full_id))
            self._task_links[full_id] = found
        return found

    def goal_link(self, goal_id: str | None) -> Markup:
        goal = self.plan.goals.get(goal_id) if goal_id is not None else None
        if goal is not None:
            return Markup(f'<a href="{escape(self.goal_href(goal_id))}">{escape(goal.title)}</a>')
        return Markup(escape(goal_id) if goal_id else "—")

    def metric(self, m) -> Markup:
        if not m:
            return Markup("—")
        out = [str(escape(m.name))]
        if m.baseline is not None:
            out.append(f" {escape(fmt.number(m.baseline))} →")
        if m.target is not None:
            out.append(f" {escape(fmt.number(m.target))}")
        if m.unit:
            out.append(f" {escape(m.unit)}")
        if m.direction == "down":
            out.append(f' <span class="note">({escape(self.labels("direction.down"))})</span>')
        return Markup("".join(out))

    def row_data(self, owner: str | None, status: str | None = None) -> Markup:
        out = f' data-owner="{escape(owner or "")}" data-department="{escape(self.person_department(owner))}"'
        if status:
            out += f' data-status="{escape(status)}"'
        return Markup(out)

    # The rows of the three long tables (a week's reports, a workstream's tasks, the goal
    # tree's tasks) are made here rather than in a template loop, for the same reason:
    # a 10,000-task site has 26,000 report entries. Each method returns the row's lines as
    # the template would print them, without the last line break.

    def week_row(self, r: views.EntryRow) -> Markup:
        t, entry, L = r.task, r.entry, self.labels
        head = (f"{self.task_link(t.full_id)}<br><span class=\"note\">{self.person(t.owner)}</span>" if t
                else escape(entry.task_ref))
        done = (f'<span class="done done-{escape(entry.done)}">{escape(L("done." + entry.done))}</span>'
                if entry.done else "—")
        spent = escape(fmt.number(entry.spent)) if entry.spent is not None else "–"
        return Markup(
            f'<tr class="{"late" if r.lagging else ""}"{self.row_data(t.owner, t.status) if t else ""}>\n'
            f'  <th scope="row" class="wrap">{head}</th>\n'
            f'  <td class="wrap">{escape(entry.planned or "—")}</td>\n'
            f'  <td>{done}</td>\n'
            f'  <td class="wrap">{escape(entry.reason or "–")}</td>\n'
            f'  <td class="wrap">{escape(self.results(entry.results) or "–")}</td>\n'
            f'  <td class="wrap">{escape(entry.support or "–")}</td>\n'
            f'  <td class="wrap">{escape(entry.next or "–")}</td>\n'
            f'  <td class="pa">{self._planned_actual_figures(r.planned, r.reported)}</td>\n'
            f'  <td class="wrap">{escape(entry.adjustment or "–")}</td>\n'
            f'  <td class="num">{spent}</td>\n'
            '</tr>')

    def behind_row(self, r: views.EntryRow) -> Markup:
        entry, L = r.entry, self.labels
        if entry.adjustment:
            adjustment = escape(entry.adjustment)
        else:
            adjustment = escape(L("no_adjustment")) if r.lagging else "–"
        return Markup(
            f'<tr class="{"late" if r.lagging else ""}">\n'
            f'  <th scope="row" class="wrap">{self.task_link(r.task.full_id)}</th>\n'
            f'  <td>{self.person(r.task.owner)}</td>\n'
            f'  <td class="num">{escape(fmt.percent(r.planned))}</td>\n'
            f'  <td class="num">{escape(fmt.percent(r.reported))}</td>\n'
            f'  <td class="num">{escape(_points(r.lag))}</td>\n'
            f'  <td class="wrap">{escape(self.results(entry.results) or "—")}</td>\n'
            f'  <td class="wrap">{escape(entry.reason or "—")}</td>\n'
            f'  <td class="wrap{" missing" if r.lagging and not entry.adjustment else ""}">{adjustment}</td>\n'
            '</tr>')

    def matrix_row(self, t: Task, people: list[tuple[str, list[Person]]]) -> Markup:
        L = self.labels
        owner = f'<span title="{escape(L("owner"))}">●</span><span class="sr">{escape(L("owner"))}</span>'
        support = f'<span title="{escape(L("support"))}">○</span><span class="sr">{escape(L("support"))}</span>'
        supporters = self.supporters(t)
        cells = "".join(
            f'<td class="mark">{owner if t.owner == p.id else support if p.id in supporters else ""}</td>'
            for _, members in people for p in members)
        return Markup(
            '<tr>\n'
            f'  <th scope="row" class="wrap"><a href="#task-{escape(t.id)}">{escape(t.name)}</a></th>\n'
            f'  <td>{self.status(t.status)}</td>\n'
            f'{cells}</tr>')

    def task_row(self, t: Task) -> Markup:
        L = self.labels
        classes = ("critical" if t.critical else "") + (" late" if t.status == "overdue" else "")
        tags = ""
        if t.milestone:
            tags += f' <span class="tag">◆ {escape(L("milestone"))}</span>'
        if t.critical:
            tags += f' <span class="tag tag-critical">{escape(L("critical"))}</span>'
        predecessors = "<br>".join(str(self.task_link(p)) for p in t.predecessors) or "–"
        source = ""
        history = self.task_history(t.full_id)
        if history:  # every report's figure, each linking to its week
            source = (f' <span class="note history" title="{escape(self.labels("history"))}">'
                      + " · ".join(f'<a href="{week_page(w)}">{escape(w[5:])}</a> {escape(fmt.percent(v))}'
                                   if counted else
                                   f'<a href="{week_page(w)}" class="uncounted" title="{escape(self.labels("not_counted"))}">'
                                   f'{escape(w[5:])}</a> <i>{escape(fmt.percent(v))}</i>'
                                   for w, v, counted in history) + "</span>")
        elif t.progress_source:
            source = f' <span class="note">{escape(t.progress_source)}</span>' 
        late = " bad" if t.lag is not None and t.lag > self.config.thresholds.schedule_lag else ""
        risks = "".join(
            f'<p class="risk">{escape(r.risk)}{f" → {escape(r.mitigation)}" if r.mitigation else ""}'
            f'{f" ({escape(self.person_name(r.owner))})" if r.owner else ""}</p>' for r in t.risks) or "–"
        return Markup(
            f'<tr id="task-{escape(t.id)}" class="{classes}"{self.row_data(t.owner, t.status)}>\n'
            f'  <th scope="row" class="wrap">{escape(t.name)}{tags}<br><code>{escape(t.id)}</code></th>\n'
            f'  <td>{self.person(t.owner)}</td>\n'
            f'  <td>{escape(fmt.date(t.start))}</td>\n'
            f'  <td>{escape(fmt.date(t.end))}</td>\n'
            f'  <td class="num">{escape(t.days if t.days is not None else "—")}</td>\n'
            f'  <td class="wrap">{predecessors}</td>\n'
            f'  <td class="pa">{self._planned_actual_figures(t.planned_progress, t.progress)}{source}</td>\n'
            f'  <td class="num{late}">{escape(_points(t.lag)) if t.lag is not None else "—"}</td>\n'
            f'  <td>{self.status(t.status)}</td>\n'
            f'  <td class="wrap">{risks}</td>\n'
            f'  <td class="wrap">{escape(t.deliverable or "—")}</td>\n'
            f'  <td class="num">{escape(fmt.number(t.budget))}</td>\n'
            + (self._forecast_cell(t) if self.plan.year else "") + '</tr>')

    def _forecast_cell(self, t) -> str:
        """SPEC §5.4: the forecast end and its slip, for a plan that uses §5."""
        slip = f' <span class="bad">+{t.slip}</span>' if t.slip else ""
        return f'  <td>{escape(fmt.date(t.forecast_end))}{slip}</td>\n'

    def goal_task_rows(self, row: views.TreeRow, fragments) -> Markup:
        """The rows of a goal's tasks in the decomposition: one fragment (:mod:`.fragments`)."""
        depth, tasks = row.depth + 1, [self.plan.tasks[t] for t in row.goal.tasks]
        return Markup(fragments.get(row.goal.id, lambda: "\n".join(
            self.tree_task_row(views.TreeRow("task", depth, task=t)) for t in tasks)))

    def tree_task_row(self, row: views.TreeRow) -> Markup:
        t, L = row.task, self.labels
        milestone = f' <span class="tag">◆ {escape(L("milestone"))}</span>' if t.milestone else ""
        if t.metric:
            what = self.metric(t.metric)
        else:
            what = escape(t.deliverable) if t.deliverable else "—"
        resources = escape(t.resources or "")
        if t.budget:
            resources += Markup("<br>" if t.resources else "") + escape(f"{L('budget')} {fmt.number(t.budget)}")
        return Markup(
            f'<tr class="task"{self.row_data(t.owner, t.status)}>\n'
            f'  <td class="wrap depth-{min(row.depth, 6)}"><span class="level">{escape(L("task"))}</span> '
            f'{self.task_link(t.full_id)}{milestone}</td>\n'
            f'  <td class="wrap">{what}</td>\n'
            f'  <td>{self.person(t.owner)}</td>\n'
            f'  <td>{self.departments(t.support)}</td>\n'
            f'  <td>{escape(fmt.date(t.end))}</td>\n'
            f'  <td class="wrap">{resources}</td>\n'
            f'  <td>{self.progress(t.progress)}</td>\n'
            '  <td class="num"></td>\n'
            f'  <td>{self.status(t.status)}</td>\n'
            '</tr>')

    def label_or(self, key: str, default: str) -> str:
        """The label for a key the catalogue may not have (a file kind)."""
        return self.names.label_or(key, default)

    def workstream_tasks(self, workstream) -> list[Task]:
        return [self.plan.tasks[t] for t in workstream.tasks if t in self.plan.tasks]

    def status_tally(self, tasks: Iterable[Task]) -> Markup:
        counts = Counter(t.status for t in tasks)  # each status and how many, in one pass
        return Markup("".join(f"{self.status(s)} {counts[s]} " for s in STATUSES if counts[s]))

    @staticmethod
    def first_start(tasks: Iterable[Task]) -> dt.date | None:
        return min((t.start for t in tasks if t.start), default=None)

    @staticmethod
    def last_end(tasks: Iterable[Task]) -> dt.date | None:
        return max((t.end for t in tasks if t.end), default=None)

    def behind_plan(self) -> list[views.BehindRow]:
        return views.behind_plan(self.plan, self.config)

    @staticmethod
    def results(results: dict[str, Any]) -> str:
        """Key results as people read them: 總播放量 120,000、點贊量 8,000."""
        return "、".join(f"{name} {fmt.number(value)}" for name, value in results.items())

    change = staticmethod(views.review_change)

    def capacity(self, person: Person) -> int:
        return person.capacity or self.config.thresholds.max_concurrent_tasks

    def matrix_people(self, tasks: Iterable[Task]) -> list[tuple[str, list[Person]]]:
        """The people a responsibility matrix of ``tasks`` needs as columns — their owners
        and the leads of their supporting departments — grouped by department, in the
        team's order (no department last). Only these: one column per person of the whole
        team would make a table of tasks × people, 46 MB at 10,000 tasks."""
        involved: set[str] = set()
        for task in tasks:
            if task.owner:
                involved.add(task.owner)
            involved |= self.supporters(task)
        groups: dict[str, list[Person]] = {d: [] for d in self.plan.departments}
        for person in self.plan.people.values():
            if person.id in involved:
                groups.setdefault(person.department or "", []).append(person)
        return [(d, members) for d, members in groups.items() if members]

    def supporters(self, task: Task) -> set[str]:
        """The leads of the departments supporting ``task`` (配合部門 contacts)."""
        departments = self.plan.departments
        return {departments[d].lead for d in task.support if d in departments and departments[d].lead}

    # --- pages -------------------------------------------------------------------------------

    def title(self) -> str:
        if self.config.title:
            return self.config.title
        for strategy in self.plan.strategies.values():
            return strategy.title
        return "plancode"

    def period(self) -> str:
        spans = [f"{s.start.isoformat()} – {s.end.isoformat()}" for s in self.plan.strategies.values()
                 if s.start is not None and s.end is not None]  # `period:` is optional
        return " · ".join(dict.fromkeys(spans)) or "—"

    def pages(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(file, template, context) of every page."""
        plan = self.plan
        pages: list[tuple[str, str, dict[str, Any]]] = [
            ("index.html", "dashboard.html.j2", {"nav": "index.html"}),
            ("goals.html", "goals.html.j2", {"nav": "goals.html"}),
            ("workstreams.html", "workstreams.html.j2", {"nav": "workstreams.html"}),
            ("portfolio.html", "portfolio.html.j2", {"nav": "portfolio.html"}),
            ("weeks.html", "weeks.html.j2", {"nav": "weeks.html"}),
            ("reviews.html", "reviews.html.j2", {"nav": "reviews.html"}),
            ("people.html", "people.html.j2", {"nav": "people.html"}),
        ]
        for workstream in plan.workstreams.values():
            pages.append((workstream_page(workstream.id), "workstream.html.j2",
                          {"nav": "workstreams.html", "workstream": workstream,
                           "tasks": [plan.tasks[t] for t in workstream.tasks]}))
        for week in self.weeks:
            pages.append((week_page(week.week), "week.html.j2", {"nav": "weeks.html", "week": week}))
        if self.since_baseline is not None:
            pages.append(("baseline.html", "baseline.html.j2", {"nav": "baseline.html", "b": self.since_baseline}))
        return pages

    def nav(self) -> tuple[tuple[str, str], ...]:
        return NAV + (BASELINE_NAV,) if self.since_baseline is not None else NAV

    def baseline_filters(self, changes: BaselineChanges) -> dict[str, list[tuple[str, str]]]:
        """The select boxes of the baseline table: owners, departments, and the states present."""
        tasks = [self.plan.tasks[r.task] for r in changes.rows if r.task in self.plan.tasks]
        found = self.filters(tasks, owners=[r.owner for r in changes.rows], statuses=False)
        present = {r.state for r in changes.rows}
        states = [(s, self.labels("baseline.state." + s)) for s in STATES if s in present]
        if states:
            found["state"] = states
        return found


class SitePages:
    """The site's pages, each rendered on its own by :meth:`render`, so that the build can
    write every page as soon as it is made (never the whole site in memory) and render
    pages in several processes. ``layout``: the build's :func:`chart_layout`, when it has
    made it already (it is made again otherwise); ``page_cache``: the cache folder of pieces of
    pages (:mod:`.fragments`), where the charts drawn in them are kept. The rest is :func:`site_files`'s."""

    fragmented = frozenset({"goals.html"})  #: the pages made of fragments (:mod:`.fragments`)

    def __init__(self, plan: Plan, config: Config, labels: Labels, charts: Iterable[str],
                 baseline: dict | None = None, template_cache: Path | None = None,
                 since_baseline: BaselineChanges | None = None,
                 last_changes: dict[str, tuple[dt.date, str]] | None = None, layout: ChartLayout | None = None,
                 page_cache: Path | None = None):
        site = _Site(plan, config, labels, frozenset(charts), baseline, since_baseline, last_changes, layout)
        self.site, site.page_cache = site, page_cache
        self.template_cache = template_cache
        self._env = None
        self._pages = site.pages()
        self.paths = [path for path, _, _ in self._pages]
        #: what each page is about, for the page keys (:mod:`plancode.render.page_keys`):
        #: ("workstream", id), ("week", its views.Week), or None (an overview of the plan)
        self.subjects = [("workstream", c["workstream"].id) if "workstream" in c
                         else ("week", c["week"]) if "week" in c else None for _, _, c in self._pages]
        self._common = {
            "site": site, "plan": plan, "config": config, "L": labels, "lang": labels.locale,
            "title": site.title(), "period": site.period(), "as_of": plan.as_of.isoformat(),
            "version": __version__, "NAV": site.nav(), "STATUSES": STATUSES, "slip": lambda d: slip(d, labels),
            "pct": fmt.percent, "num": fmt.number, "date": fmt.date, "bar": _bar, "points": _points,
            "whole": _whole, "workstream_page": workstream_page, "week_page": week_page,
            "goal_tags": lambda goal: views.goal_tags(goal, labels),
            "themes": lambda strategy: views.themes(strategy, labels),
        }

    def prepare(self) -> None:
        """Compile every template now: a build that forks its workers afterwards compiles
        them once, not once per worker."""
        if self._env is None:
            self._env = _environment(self.template_cache)
        for template in dict.fromkeys(t for _, t, _ in self._pages):
            self._env.get_template(template)

    def render(self, index: int, fragments=NONE) -> bytes:
        """The bytes of page ``index`` (of :attr:`paths`), with ``fragments`` (:mod:`.fragments`)."""
        if self._env is None:  # made where it is used: in each process that renders
            self._env = _environment(self.template_cache)
        _, template, context = self._pages[index]
        return self._env.get_template(template).render(**self._common, **context,
                                                        fragments=fragments).encode("utf-8")

    def static_files(self, search: bool = True) -> dict[str, bytes]:
        """The style sheet and script, and (``search``) the search box's index of this plan."""
        from .search import search_index

        static = resources.files("plancode.render") / "static"
        files = {f"static/{name}": (static / name).read_bytes() for name in STATIC_FILES}
        site = self.site
        if search:
            files["search-index.js"] = search_index(site.plan, site.labels, site.task_href, site.goal_href,
                                                    workstream_page).encode("utf-8")
        return files


def site_files(plan: Plan, config: Config, labels: Labels, charts: dict[str, str],
               baseline: dict | None = None, template_cache: Path | None = None,
               since_baseline: BaselineChanges | None = None,
               last_changes: dict[str, tuple[dt.date, str]] | None = None) -> dict[str, bytes]:
    """Every file of the site: pages and ``static/``. ``charts``: the charts the site holds
    (name → SVG); a chart of the layout it does not hold is left out of its page (the
    tables carry the same figures).
    ``baseline``: the Gantt charts' baseline dates; ``template_cache``: where compiled
    templates are kept between builds; ``since_baseline`` adds ``baseline.html``;
    ``last_changes``: :func:`plancode.history.last_changes`'s ``{file: (date, author)}``,
    shown on the dashboard and each workstream page (empty or None outside git)."""
    pages = SitePages(plan, config, labels, charts, baseline, template_cache, since_baseline, last_changes)
    files = {path: pages.render(index) for index, path in enumerate(pages.paths)}
    files.update(pages.static_files())
    return files


def _bar(value: float | None) -> str:
    """A CSS width for a progress bar: clamped to 0–100, one decimal, the same bytes for
    the same figure."""
    if value is None:
        return "0"
    return f"{min(max(value, 0.0), 100.0):.1f}".rstrip("0").rstrip(".")


_points = views.points


def _whole(value: float | None) -> str:
    """A sum of money to the unit: 173,138."""
    return "—" if value is None else fmt.number(figures.round_half_up(value))


def _environment(template_cache: Path | None = None):
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    from .templates_cache import bytecode_cache as compiled_templates

    # keyed by template name and source checksum: an edited template is recompiled
    bytecode_cache = compiled_templates(template_cache)
    return Environment(
        bytecode_cache=bytecode_cache,
        loader=PackageLoader("plancode.render", "templates"),
        # *.html.j2 is not escaped by select_autoescape's defaults: name it
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_without_controls,  # {{ name }}: a pasted ESC or BEL is no character of a page
    )


def _without_controls(value: Any) -> Any:
    return NOT_XML.sub("", value) if type(value) is str else value
