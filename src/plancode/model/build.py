"""Schema-valid documents -> one resolved :class:`Plan` with every figure computed.

This is the only place that resolves ids and references and computes SPEC §2's figures.
Resolution problems that belong to the structure (PC104 duplicate ids, PC105 unresolved
goal or department references) are returned as findings; references owned by later rules
(owners, predecessors, report entries) are left unresolved on the records for those rules
to report, so each problem is reported once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from typing import Any, Iterable, Iterator

from ..config import Config
from ..i18n import Messages
from ..loader import Document
from ..problems import Finding
from ..spelling import Vocabulary
from . import figures, forecast, money, tracking, year
from .calendar import WorkCalendar
from .entities import (
    Budget, Department, Goal, KpiValue, Metric, Person, Plan, Report,
    ReportEntry, Review, ReviewRow, Risk, Source, Strategy, Task, TaskDraft, Workstream,
)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _str(value: Any) -> str:
    """A text field's value as :func:`_text` gives it, from the value itself."""
    return "" if value is None else value if type(value) is str else str(value)


class _Builder:
    def __init__(self, config: Config, messages: Messages):
        self.config = config
        self.as_of = config.as_of
        self.m = messages
        self.findings: list[Finding] = []
        self.departments: dict[str, Department] = {}
        self.people: dict[str, Person] = {}
        self.strategies: dict[str, Strategy] = {}
        self.goals: dict[str, Goal] = {}
        self.workstreams: dict[str, Workstream] = {}
        # Tasks stay mutable drafts with a Task's fields until build_plan has computed their
        # figures, then each is frozen once: a dataclasses.replace() per figure cost a third
        # of a check, and a record made first and copied into a draft doubled the memory.
        self.tasks: dict[str, TaskDraft] = {}
        self.reports: list[Report] = []
        self.reviews: list[Review] = []
        self.unavailable: set[str] = set()
        self._report_keys: dict[tuple[str, str], Source] = {}
        self._pending_reports: list[tuple[dict[str, Any], Source, dt.date, dt.date]] = []
        self._bare: dict[str, list[str]] | None = None  # task id -> full ids, built on first use
        self._vocabularies: dict[str, Vocabulary] = {}  # per kind of id, for the hints
        #: whether a §5 key is written anywhere (a plan without one keeps §2's figures)
        self.year = config.calendar is not None

    # --- findings -------------------------------------------------------------------------
    def duplicate(self, what: str, ident: str, source: Source, first: Source) -> None:
        self.findings.append(Finding(
            "PC104", self.m("duplicate-id", what=self.m.noun(what), id=ident, other=first.path),
            source.doc, source.pointer + ("id",), hint=self.m("duplicate-id-hint"),
        ))

    def unknown(self, what: str, ref: str, source: Source, known: Iterable[str], where: str) -> None:
        if ref in self.unavailable:
            return
        if what not in self._vocabularies:  # the ids are all known when references are resolved
            self._vocabularies[what] = Vocabulary(known)
        close = self._vocabularies[what].closest(ref)
        hint = (self.m("unknown-ref-hint-suggest", suggestion=close) if close
                else self.m("unknown-ref-hint-where", where=where))
        self.findings.append(Finding(
            "PC105", self.m("unknown-ref", what=self.m.noun(what), ref=ref),
            source.doc, source.pointer, hint=hint,
        ))

    # --- documents --------------------------------------------------------------------------
    def add(self, doc: Document) -> None:
        getattr(self, f"_add_{doc.kind}")(doc, doc.data, Source(doc))

    def _add_team(self, doc: Document, data: dict[str, Any], src: Source) -> None:
        for i, item in enumerate(data.get("departments") or ()):
            here = src.at("departments", i)
            if item["id"] in self.departments:
                self.duplicate("department", item["id"], here, self.departments[item["id"]].source)
                continue
            self.departments[item["id"]] = Department(
                item["id"], item["name"], item.get("lead"), item.get("parent"), here)
        for i, item in enumerate(data.get("people") or ()):
            here = src.at("people", i)
            if item["id"] in self.people:
                self.duplicate("person", item["id"], here, self.people[item["id"]].source)
                continue
            self.people[item["id"]] = Person(
                item["id"], item["name"], item.get("department"), _text(item, "role"),
                item.get("github"), item.get("email"), item.get("capacity"), here)

    def _add_strategy(self, doc: Document, data: dict[str, Any], src: Source) -> None:
        if data["id"] in self.strategies:
            self.duplicate("strategy", data["id"], src, self.strategies[data["id"]].source)
            return
        budget = data.get("budget")
        start, end = figures.period_range(data["period"]) if "period" in data else (None, None)
        top = tuple(self._add_goals(data.get("goals") or (), data["id"], None, 1, src.at("goals")))
        self.strategies[data["id"]] = Strategy(
            id=data["id"], title=data["title"], period=data.get("period"), start=start, end=end,
            owner=data.get("owner"),
            budget=Budget(budget["total"], budget.get("currency", "CNY"), budget.get("contingency"),
                          dict(budget.get("allocation") or {})) if budget else None,
            themes=dict(data.get("themes") or {}), goals=top, source=src,
            description=_text(data, "description"), archived=bool(data.get("archived")),
        )
        self.year = self.year or "archived" in data

    def _add_goals(self, items: Iterable[dict[str, Any]], strategy: str, parent: str | None,
                   level: int, src: Source) -> Iterator[str]:
        for i, item in enumerate(items):
            here = src.at(i)
            if item["id"] in self.goals:
                self.duplicate("goal", item["id"], here, self.goals[item["id"]].source)
                continue
            start, end = figures.period_range(item["period"]) if "period" in item else (None, None)
            self.year = self.year or year.uses_periods(item.get("metric"))
            # registered before its children so the tree reads top-down in the dict
            self.goals[item["id"]] = goal = Goal(
                id=item["id"], title=item["title"], owner=item.get("owner"),
                metric=Metric.from_data(item.get("metric")), due=_date(item.get("due")),
                start=start, end=end, priority=item.get("priority"), type=item.get("type"),
                klass=item.get("class"), support=tuple(item.get("support") or ()),
                budget=item.get("budget"), resources=_text(item, "resources"),
                notes=_text(item, "notes"), strategy=strategy, parent=parent, level=level,
                children=(), source=here,
            )
            children = tuple(self._add_goals(item.get("goals") or (), strategy, item["id"],
                                             level + 1, here.at("goals")))
            self.goals[item["id"]] = replace(goal, children=children)
            yield item["id"]

    def _add_workstream(self, doc: Document, data: dict[str, Any], src: Source) -> None:
        ws = data["id"]
        if ws in self.workstreams:
            self.duplicate("workstream", ws, src, self.workstreams[ws].source)
            return
        full_ids = []
        pointer, default_goal = src.pointer + ("tasks",), data.get("goal")
        for i, item in enumerate(data.get("tasks") or ()):
            here = Source(doc, (*pointer, i))
            full = f"{ws}/{item['id']}"
            if full in self.tasks:
                self.duplicate("task", item["id"], here, self.tasks[full].source)
                continue
            full_ids.append(full)
            get = item.get  # 10,000 tasks: each lookup, each call counts
            goal_written = "goal" in item
            written_after = get("after") or ()
            after, links = year.links_written(written_after)
            if not self.year:
                self.year = ("repeat" in item or year.uses_periods(get("metric"))
                             or any(isinstance(a, dict) for a in written_after))
            self.tasks[full] = TaskDraft(
                workstream=ws, id=item["id"], full_id=full, name=item["name"],
                owner=get("owner"), start=_date(get("start")), end=_date(get("end")),
                start_written="start" in item, after=after, links=links,
                repeat=get("repeat"),
                predecessors=(), unknown_after=(), milestone=bool(get("milestone")),
                goal=get("goal") if goal_written else default_goal,
                goal_written=goal_written, deliverable=_str(get("deliverable")),
                resources=_str(get("resources")), budget=get("budget"),
                support=tuple(get("support") or ()), metric=Metric.from_data(get("metric")),
                risks=tuple(Risk(r["risk"], _text(r, "mitigation"), r.get("owner"))
                            for r in get("risks") or ()),
                notes=_str(get("notes")), written_progress=get("progress"),
                written_status=get("status"), source=here,
                days=get("days"),
            )
        self.workstreams[ws] = Workstream(
            id=ws, title=data["title"], goal=data.get("goal"), owner=data.get("owner"),
            module=data.get("module"), description=_text(data, "description"),
            tasks=tuple(full_ids), source=src,
        )

    def _add_report(self, doc: Document, data: dict[str, Any], src: Source) -> None:
        start, end = figures.week_range(data["week"])
        key = (data["week"], data["department"])
        if key in self._report_keys:
            self.duplicate("report", f"{data['week']} {data['department']}", src, self._report_keys[key])
            return
        self._report_keys[key] = src
        # entries name tasks that may be defined in files read later: built in finish()
        self._pending_reports.append((data, src, start, end))

    def finish(self) -> None:
        """Build what needs every document first: the weekly reports' resolved entries."""
        for data, src, start, end in self._pending_reports:
            self._build_report(data, src, start, end)

    def _build_report(self, data: dict[str, Any], src: Source, start: dt.date, end: dt.date) -> None:
        self.year = self.year or any("actual" in e for e in data.get("entries") or ())
        # 26,000 entries at 10,000 tasks: the fields in order, the texts without a call each
        doc, pointer, task_ref = src.doc, src.pointer + ("entries",), self.task_ref
        entries = tuple(
            ReportEntry(
                e["task"], task_ref(e["task"], None), _str(e.get("planned")), e.get("done"), e.get("progress"),
                _str(e.get("reason")), _str(e.get("adjustment")), dict(e.get("results") or {}), e.get("spent"),
                _str(e.get("support")), _str(e.get("next")), Source(doc, (*pointer, i)), e.get("actual"),
            )
            for i, e in enumerate(data.get("entries") or ())
        )
        metrics = tuple(
            KpiValue(k["goal"], k["value"], _text(k, "note"), src.at("metrics", i))
            for i, k in enumerate(data.get("metrics") or ())
        )
        self.reports.append(Report(
            week=data["week"], start=start, end=end, department=data["department"],
            author=data.get("author"), entries=entries, metrics=metrics,
            notes=_text(data, "notes"), source=src, counted=end <= self.as_of,
        ))

    def _add_review(self, doc: Document, data: dict[str, Any], src: Source) -> None:
        start, end = figures.period_range(data["period"])
        deviation = self.config.thresholds.kpi_deviation
        judged = tracking.judged(start, self.as_of)
        rows = []
        for i, r in enumerate(data.get("rows") or ()):
            direction = r.get("direction", "up")
            achieved = figures.achievement(r["target"], r["actual"], direction)
            rows.append(ReviewRow(
                dimension=_text(r, "dimension"), metric=r["metric"], unit=_text(r, "unit"),
                goal=r.get("goal"), target=r["target"], actual=r["actual"], direction=direction,
                analysis=_text(r, "analysis"), actions=_text(r, "actions"), owner=r.get("owner"),
                source=src.at("rows", i), achievement=achieved,
                achievement_pct=None if achieved is None else figures.round_half_up(achieved),
                alert=figures.kpi_alert(achieved, deviation) if judged else None,
            ))
        self.reviews.append(Review(
            period=data["period"], label=figures.period_label(data["period"]), start=start, end=end,
            owner=data.get("owner"), title=_text(data, "title"), rows=tuple(rows), source=src,
            notes=_text(data, "notes"), judged=judged,
        ))

    # --- resolution ---------------------------------------------------------------------------
    def harvest(self, doc: Document) -> None:
        """Remember the ids of a document that failed validation (best effort)."""
        def ids(value: Any, prefix: str = "") -> Iterator[str]:
            if isinstance(value, dict):
                ident = value.get("id")
                if isinstance(ident, str):
                    yield prefix + ident
                for key, child in value.items():
                    if key == "tasks" and isinstance(value.get("id"), str):
                        yield from ids(child, value["id"] + "/")
                    elif isinstance(child, (dict, list)):
                        yield from ids(child, prefix)
            elif isinstance(value, list):
                for child in value:
                    yield from ids(child, prefix)

        self.unavailable.update(ids(doc.data))

    def resolve(self) -> None:
        goal_where = "strategy `goals:`"
        dept_where = "team `departments:`"
        for dept in self.departments.values():
            if dept.parent and dept.parent not in self.departments:
                self.unknown("department", dept.parent, dept.source.at("parent"), self.departments, dept_where)
        for person in self.people.values():
            if person.department and person.department not in self.departments:
                self.unknown("department", person.department, person.source.at("department"),
                             self.departments, dept_where)
        for goal in self.goals.values():
            self._check_departments(goal.support, goal.source.at("support"))
        for ws in self.workstreams.values():
            if ws.goal and ws.goal not in self.goals:
                self.unknown("goal", ws.goal, ws.source.at("goal"), self.goals, goal_where)
        for task in self.tasks.values():
            if task.goal_written and task.goal and task.goal not in self.goals:
                self.unknown("goal", task.goal, task.source.at("goal"), self.goals, goal_where)
            self._check_departments(task.support, task.source.at("support"))
        for report in self.reports:
            if report.department not in self.departments:
                self.unknown("department", report.department, report.source.at("department"),
                             self.departments, dept_where)
            for kpi in report.metrics:
                if kpi.goal not in self.goals:
                    self.unknown("goal", kpi.goal, kpi.source.at("goal"), self.goals, goal_where)
        for review in self.reviews:
            for row in review.rows:
                if row.goal and row.goal not in self.goals:
                    self.unknown("goal", row.goal, row.source.at("goal"), self.goals, goal_where)

    def _check_departments(self, departments: tuple[str, ...], src: Source) -> None:
        for i, dept in enumerate(departments):
            if dept not in self.departments:
                self.unknown("department", dept, src.at(i), self.departments, "team `departments:`")

    def task_ref(self, ref: str, workstream: str | None) -> str | None:
        if "/" in ref:
            return ref if ref in self.tasks else None
        if workstream is not None:
            full = f"{workstream}/{ref}"
            return full if full in self.tasks else None
        if self._bare is None:
            self._bare = defaultdict(list)
            for task in self.tasks.values():
                self._bare[task.id].append(task.full_id)
        matches = self._bare.get(ref, ())
        return matches[0] if len(matches) == 1 else None


def build_plan(documents: Iterable[Document], config: Config, messages: Messages,
               invalid: Iterable[Document] = ()) -> tuple[Plan, list[Finding]]:
    """Resolve and compute the plan from schema-valid ``documents``.

    ``invalid`` are the documents that failed validation: they are not modelled, but the
    ids they define are not reported again as unresolved references.
    """
    b = _Builder(config, messages)
    documents = sorted(documents, key=lambda d: d.display)
    for doc in invalid:
        b.harvest(doc)
    for doc in documents:
        b.add(doc)
    b.finish()
    b.resolve()

    drafts = b.tasks
    calendar = WorkCalendar(config.calendar) if config.calendar is not None else None
    _resolve_predecessors(b, drafts)
    order = _topological(drafts, set())
    cycles: list[tuple[str, ...]] = []
    if len(order) < len(drafts):  # some task never became ready: there is a cycle (the usual: none)
        cycles = _find_cycles(drafts)
        order = _topological(drafts, {t for cycle in cycles for t in cycle})
    b.findings.extend(_derive_dates(drafts, order, messages, calendar))
    _progress(b, drafts, config)
    if b.year:
        year.recurring_and_calendar(b.reports, drafts, config.as_of, calendar)
    forecast.forecast(drafts, order, config.as_of, calendar)
    if b.year:
        forecast.critical_path(drafts, order, calendar)
    else:
        _critical_path(drafts, order)
    year.task_metrics(b.reports, drafts, config.thresholds.kpi_deviation)
    # each draft is dropped as its record is made, so the two never all exist at once
    tasks = {full: drafts.pop(full).freeze() for full in list(drafts)}
    goals = _goal_figures(b, tasks, config)
    reports = tuple(sorted(b.reports, key=lambda r: (r.week, r.department)))
    spent = sum(e.spent or 0 for r in reports if r.counted for e in r.entries)
    by_task = money.spent_by_task(reports)
    plan = Plan(
        as_of=config.as_of, departments=b.departments, people=b.people, strategies=b.strategies,
        goals=goals, workstreams=b.workstreams, tasks=tasks, reports=reports,
        reviews=tuple(sorted(b.reviews, key=lambda r: (r.start, r.end, r.source.path))),
        earned_value=money.earned_value(tasks.values(), spent), cycles=tuple(cycles),
        documents=tuple(documents), unavailable=frozenset(b.unavailable),
        year=b.year, calendar=calendar,
        earned_value_by_strategy=money.earned_value_by_strategy(b.strategies, tasks, by_task),
        modules=money.modules(b.strategies, b.workstreams, tasks, by_task),
        department_figures=money.department_figures(b.departments, tasks, reports, config.as_of),
    )
    return plan, b.findings


def _resolve_predecessors(b: _Builder, tasks: dict[str, TaskDraft]) -> None:
    for task in tasks.values():
        preds, unknown, links = [], [], []
        for i, ref in enumerate(task.after):
            target = b.task_ref(ref, task.workstream)
            if target is None:
                unknown.append(i)
            elif target not in preds:
                preds.append(target)
                links.append((target, *task.links[i][1:]) if task.links else (target, 0, "fs"))
        task.predecessors, task.unknown_after = tuple(preds), tuple(unknown)
        task.links = tuple(links)
        task.department = b.people[task.owner].department if task.owner in b.people else None
        goal = b.goals.get(task.goal) if task.goal else None
        if goal is not None and goal.strategy in b.strategies:
            task.strategy = goal.strategy
            task.archived = b.strategies[goal.strategy].archived
    successors: dict[str, list[str]] = defaultdict(list)
    for full, task in tasks.items():
        for pred in task.predecessors:
            successors[pred].append(full)
    for full, task in tasks.items():
        task.successors = tuple(successors.get(full, ()))


def _find_cycles(tasks: dict[str, TaskDraft]) -> list[tuple[str, ...]]:
    """Each dependency cycle once, as a closed path (a → b → a), via Tarjan's SCCs
    (iterative: plans may chain thousands of tasks)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in tasks:
        if root in index:
            continue
        work = [(root, iter(tasks[root].successors))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(tasks[child].successors)))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in tasks[node].successors:
                        components.append(component)
    cycles = []
    for component in components:
        members = set(component)
        start = min(component)
        path, seen = [start], {start}
        while True:
            following = min(s for s in tasks[path[-1]].successors if s in members)
            if following in seen:
                cycle = path[path.index(following):] + [following]
                break
            path.append(following)
            seen.add(following)
        cycles.append(tuple(cycle))
    return sorted(cycles)


def _topological(tasks: dict[str, TaskDraft], excluded: set[str]) -> list[str]:
    """Tasks in dependency order (Kahn), leaving out those in or behind a cycle."""
    pending = {t: sum(1 for p in task.predecessors if p not in excluded)
               for t, task in tasks.items() if t not in excluded}
    ready = [t for t, n in pending.items() if n == 0]
    order = []
    while ready:
        current = ready.pop()
        order.append(current)
        for child in tasks[current].successors:
            if child in pending:
                pending[child] -= 1
                if pending[child] == 0:
                    ready.append(child)
    return order


def _derive_dates(tasks: dict[str, TaskDraft], order: list[str], messages: Messages,
                  calendar: Any = None) -> list[Finding]:
    """Fill in start from predecessors (the day after the latest ends), end from days,
    and days from start and end. Tasks in a cycle (absent from ``order``) keep the dates
    they have, with their end and duration completed from what is written.

    A derived date beyond the years plans may use (SPEC §5.7; ``days: 100000000`` would
    overflow Python's calendar) is left undefined and returned as a PC101 finding."""
    from ..validate import FIRST_YEAR, LAST_YEAR

    first, last = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    findings: list[Finding] = []
    in_order = set(order)
    for full in [*order, *(t for t in tasks if t not in in_order)]:
        task = tasks[full]
        start, end, days = task.start, task.end, task.days
        if start is None and task.predecessors and full in in_order:
            ends = [tasks[p].end for p in task.predecessors]
            if all(ends):
                try:
                    start = max(ends) + figures.DAY
                    if calendar is not None or any(lag or kind != "fs" for _, lag, kind in task.links):
                        start = max(forecast.link_start(tasks[p].start or tasks[p].end, tasks[p].end,
                                                        lag, kind, calendar)
                                    for p, lag, kind in task.links)
                except OverflowError:  # a lag of 10^14 days
                    start = last + figures.DAY
                if not first <= start <= last:
                    findings.append(Finding("PC101", messages("date-out-of-range", field="start", value=start,
                                                              first=FIRST_YEAR, last=LAST_YEAR),
                                            task.source.doc, task.source.pointer + ("after",), key=True))
                    start = None
        if end is None and start is not None and days:
            if days - 1 > (last - start).days:  # working days never end sooner than calendar days
                findings.append(Finding("PC101", messages("date-out-of-range", field="days", value=days,
                                                          first=FIRST_YEAR, last=LAST_YEAR),
                                        task.source.doc, task.source.pointer + ("days",)))
            else:
                end = forecast.finish(start, days, calendar)
                if end > last:
                    findings.append(Finding("PC101", messages("date-out-of-range", field="days", value=days,
                                                              first=FIRST_YEAR, last=LAST_YEAR),
                                            task.source.doc, task.source.pointer + ("days",)))
                    end = None
        if start is not None and end is not None:
            days = figures.duration(start, end) if calendar is None else calendar.count(start, end)
        task.start, task.end, task.days = start, end, days
    return findings


def _progress(b: _Builder, tasks: dict[str, TaskDraft], config: Config) -> None:
    latest: dict[str, tuple[float, str]] = {}
    for report in sorted(b.reports, key=lambda r: (r.end, r.source.path)):
        if not report.counted:
            continue
        for entry in report.entries:
            full = entry.task
            if full is None:
                continue
            value = tracking.entry_progress(entry)
            if value is not None:
                latest[full] = (value, report.week)
    as_of = config.as_of
    for full, task in tasks.items():
        if full in latest:
            progress, source = latest[full]
        else:
            progress, source = (task.written_progress or 0), ""
        planned = (figures.planned_progress(task.start, task.end, as_of)
                   if task.start is not None and task.end is not None else None)
        task.progress, task.progress_source, task.planned_progress = progress, source, planned
        task.lag = None if planned is None else planned - progress
        task.status = figures.status(task.written_status, progress, task.start, task.end, as_of)


def _critical_path(tasks: dict[str, TaskDraft], order: list[str]) -> None:
    """Total float per SPEC §2: latest allowed end − end, where the latest allowed end is
    the day before the earliest latest-start of the successors, or the workstream's last
    end for a task without successors. Critical: float ≤ 0."""
    last_end: dict[str, dt.date] = {}
    for task in tasks.values():
        if task.end is not None:
            last_end[task.workstream] = max(task.end, last_end.get(task.workstream, task.end))
    latest_start: dict[str, dt.date] = {}
    for full in reversed(order):
        task = tasks[full]
        if task.end is None or task.days is None:
            continue
        starts = [latest_start.get(s) for s in task.successors]
        if any(s is None for s in starts):
            continue  # a successor without dates: float undefined
        latest_end = min(starts) - figures.DAY if starts else last_end[task.workstream]
        latest_start[full] = latest_end - (task.days - 1) * figures.DAY
        task.total_float = (latest_end - task.end).days
        task.critical = task.total_float <= 0


def _goal_figures(b: _Builder, tasks: dict[str, Task], config: Config) -> dict[str, Goal]:
    linked: dict[str, list[str]] = defaultdict(list)
    for task in tasks.values():
        if task.goal in b.goals:
            linked[task.goal].append(task.full_id)

    observed: dict[str, tuple[float, str, dt.date]] = {}
    for review in sorted(b.reviews, key=lambda r: (r.start, r.end)):
        if review.judged:
            for row in review.rows:
                if row.goal:
                    observed[row.goal] = (row.actual, f"{review.label}", min(review.end, config.as_of))
    for report in sorted(b.reports, key=lambda r: (r.end, r.source.path)):
        if report.counted:
            for kpi in report.metrics:
                observed[kpi.goal] = (kpi.value, report.week, report.end)

    goals: dict[str, Goal] = {}

    def compute(goal_id: str) -> Goal:
        goal = b.goals[goal_id]
        parts: list[tuple[float, float | None]] = []
        for child in goal.children:
            done = goals.get(child) or compute(child)
            if done.progress is not None:
                parts.append((done.progress, done.budget))
        for full in linked.get(goal_id, ()):
            if tasks[full].status != "cancelled":
                parts.append((tasks[full].progress, tasks[full].budget))
        actual, source, day = observed.get(goal_id, (None, "", None))
        achieved = None
        if actual is not None and goal.metric is not None and goal.metric.target is not None:
            achieved = figures.achievement(goal.metric.target, actual, goal.metric.direction)
        paced: dict[str, Any] = {"alert": figures.kpi_alert(achieved, config.thresholds.kpi_deviation)}
        if actual is not None and goal.metric is not None and goal.metric.aggregate is not None:
            paced = year.goal_pace(goal, b.strategies.get(goal.strategy), actual, day,
                                   config.thresholds.kpi_deviation)
        goals[goal_id] = replace(
            goal, tasks=tuple(linked.get(goal_id, ())), progress=figures.weighted_mean(parts),
            actual=actual, actual_source=source, achievement=achieved,
            achievement_pct=None if achieved is None else figures.round_half_up(achieved),
            **paced,
        )
        return goals[goal_id]

    for goal_id in b.goals:
        if goal_id not in goals:
            compute(goal_id)
    return {goal_id: goals[goal_id] for goal_id in b.goals}

