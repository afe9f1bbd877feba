"""The Markdown reports: GitHub-flavoured pages that read well in a pull request.

``markdown_files`` returns the whole tree as ``{relative path: bytes}`` (pure: no I/O):

- ``README.md``: the index — the dashboard summary (period, as-of, KPIs with
  achievement, task counts by status, alerts, budget and earned value), the goal
  decomposition (templates 1 and 5) and links to every other page;
- ``workstreams/<id>.md``: the Gantt table (template 2), a Mermaid ``gantt`` block (GitHub
  draws it) and a link to the chart's SVG;
- ``weeks/<week>.md``: the weekly tracking tables per department (template 3), the
  lagging-task view (its second variant) and what is missing from the reports;
- ``reviews/<period>.md``: the evaluation (template 4) and a link to its chart;
- ``baseline.md`` (``build --baseline REV`` only): each task's and milestone's move since
  the baseline revision, linked from the index;
- ``charts/<name>.svg``: copies of the rendered charts, so the reports folder stands alone.

Every figure comes from the model. Every piece of plan text reaches the output through
:func:`cell` or :func:`text`, which make it render as text on GitHub whatever it contains
(pipes, newlines, HTML, comments, backticks, links, images); the Jinja environment refuses
to print a value that did not pass through one of them (see ``_finalize``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Iterable

from ..config import Config
from ..model import Plan
from ..model.entities import Goal, Metric, Report, Review, Task
from ..model.figures import round_half_up, week_of
from .baseline import STATES, BaselineChanges, slip, summary
from .labels import Labels, date, number, percent

#: a chart name is a file name under charts/: an id, `~` before a part number
_CHART_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")

STATUSES = ("not_started", "in_progress", "done", "overdue", "blocked", "cancelled")


# --- escaping --------------------------------------------------------------------------------

class Md(str):
    """Markdown that is safe to print as is: escaped plan text, or markup made here."""

    __slots__ = ()


# Characters that start inline Markdown on GitHub: code spans (`), emphasis (* _),
# links and images ([ ]), strikethrough (~), math ($), table cells (|), headings' closing
# sequences (#), and the backslash itself. A backslash before ASCII punctuation always
# renders the character itself, so escaping them all keeps the text exactly.
_INLINE = re.compile(r"([\\`*_\[\]~|$#])")
# GitHub links bare URLs (scheme:// and www.): an escaped `:` or `.` keeps them text.
# (E-mail addresses still become mailto: links; no escape prevents that.)
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9]):(?=//)|(?<=\bwww)\.")
# At the start of a line these begin a block: a list item or a thematic break (- +),
# a setext underline (=), an ordered list item (1. or 1) before a space).
_BLOCK_START = re.compile(r"^(?:([-+=])|(\d{1,9})([.)])(?=\s|$))")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Bidirectional controls can make a cell display other text than it holds.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# Unicode's control characters (category Cc) but the tab and the line feed.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(value: Any) -> list[str]:
    """Plan text as lines: controls and bidirectional overrides removed."""
    text = _LINE_BREAK.sub("\n", str(value))
    text = _BIDI.sub("", text)
    text = _CONTROL.sub("", text)
    return [line.strip() for line in text.split("\n")]


def _escape_line(line: str) -> str:
    line = _INLINE.sub(r"\\\1", line)
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = _AUTOLINK.sub(lambda m: "\\" + m[0], line)
    return _BLOCK_START.sub(
        lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def _escape(value: Any, line_break: str) -> str:
    if type(value) is str:
        return _escape_text(value, line_break)
    return line_break.join(_escape_line(line) for line in _clean(value) if line)


@functools.lru_cache(maxsize=1 << 16)
def _escape_text(value: str, line_break: str) -> str:
    """Memoised: a report repeats the same names, labels and figures in many cells."""
    return line_break.join(_escape_line(line) for line in _clean(value) if line)


def text(value: Any) -> Md:
    """Plan text for a heading, a paragraph or a list item: one line, rendered as text."""
    if isinstance(value, Md):
        return value
    if value is None:
        return Md("")
    return Md(_escape(value, " "))


def cell(value: Any) -> Md:
    """A table cell: plan text rendered as text, its line breaks kept as ``<br>``; a list
    or tuple gives one line per item; None gives an empty cell."""
    if isinstance(value, Md):
        return value
    if value is None:
        return Md("")
    if isinstance(value, (list, tuple)):
        return Md("<br>".join(part for part in (cell(item) for item in value) if part))
    return Md(_escape(value, "<br>"))


def href(path: str) -> Md:
    """A relative link target made here (ids are slugs): refuses anything else."""
    # `..` is refused as a path segment only: an id may end in a dot (`workstreams/v2..md`)
    segments = path.removeprefix("../").split("/")
    if not re.fullmatch(r"(?:\.\./)?[A-Za-z0-9][A-Za-z0-9._~/-]*", path) or ".." in segments:
        raise ValueError(f"not a report path: {path!r}")
    return Md(path)


def link(label: Any, path: str) -> Md:
    return Md(f"[{text(label) or href(path)}]({href(path)})")


def image(alt: Any, path: str) -> Md:
    return Md(f"![{text(alt)}]({href(path)})")


def _finalize(value: Any) -> Any:
    """Every ``{{ }}`` of a Markdown template must print escaped text or markup made here:
    a value that skipped :func:`cell`/:func:`text` is a bug, not something to print."""
    if isinstance(value, Md):
        return value
    raise TypeError(f"unescaped value in a Markdown template: {value!r:.80}")


def points(value: float | None) -> str:
    """A lag in percentage points, one decimal, halves up: '10', '−15.5' (a minus sign,
    which no Markdown reads as a list item)."""
    if value is None:
        return "—"
    from decimal import ROUND_HALF_UP, Decimal

    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".rstrip("0").rstrip(".").replace("-", "−") if rounded else "0"


# --- Mermaid ---------------------------------------------------------------------------------

# Mermaid's gantt lexer (case-insensitive) reads these at the start of a line as
# statements, not as a task's name; a date there is a token too. Covers Mermaid 9 to 11.
_MERMAID_KEYWORD = re.compile(
    r"^(?:gantt|dateformat\s|inclusiveenddates|topaxis|axisformat\s|tickinterval\s|"
    r"includes\s|excludes\s|todaymarker\s|weekday\s|weekend\s|datemarker\s|title\s|"
    r"accdescription\s|section\s|click\s|href\s|call\s|acctitle|accdescr|"
    r"\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
# `:` ends a task's name, `#` and `;` end a statement (or start a comment) and `%` starts
# a comment or a directive: full-width look-alikes keep the name readable. Angle brackets
# too, so that no Mermaid version's HTML sanitiser rewrites a name; and no backtick, so
# that no line inside the block looks like its closing fence.
_MERMAID_CHARS = str.maketrans({":": "：", "#": "＃", ";": "；", "%": "％", "`": "ˋ", "<": "＜", ">": "＞"})
_MERMAID_TAGS = {"done", "active", "crit", "milestone"}
MERMAID_NAME_LENGTH = 40


def mermaid_text(value: Any, length: int = MERMAID_NAME_LENGTH) -> str:
    """A name for one Mermaid gantt line: one line, no character that ends a statement,
    never read as a keyword; cut to ``length`` characters (the table has it whole)."""
    words = " ".join(_clean(value)).split()
    name = " ".join(words).translate(_MERMAID_CHARS)
    if len(name) > length:
        name = name[: length - 1].rstrip() + "…"
    if _MERMAID_KEYWORD.match(name):
        name = "\u200b" + name  # a zero-width space: the lexer no longer sees the keyword
    return name or "—"


def mermaid_ids(task_ids: Iterable[str]) -> dict[str, str]:
    """Mermaid ids for task ids: letters, digits and `_`, never a tag word, unique."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for task_id in task_ids:
        base = re.sub(r"[^A-Za-z0-9_]", "_", task_id)
        if not base or base[0].isdigit() or base.lower() in _MERMAID_TAGS:
            base = "t_" + base
        candidate, n = base, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate.lower())
        result[task_id] = candidate
    return result


# --- the reports -----------------------------------------------------------------------------

class MarkdownPages:
    """The Markdown reports, each rendered on its own by :meth:`render` (as
    :class:`plancode.render.site.SitePages`). ``charts`` names the charts the reports
    folder will hold under ``charts/`` (written by the caller)."""

    def __init__(self, plan: Plan, config: Config, labels: Labels, charts: Iterable[str],
                 since_baseline: BaselineChanges | None = None, layout=None):
        names = frozenset(charts)
        for name in names:
            if not _CHART_NAME.match(name):
                raise ValueError(f"not a chart name: {name!r}")
        self.labels = labels
        self._env = None
        view = _View(plan, config, labels, names, layout)
        # (path, template, the function giving its context): contexts are made when rendered
        pages: list[tuple[str, str, Callable[[], dict[str, Any]]]] = []
        if since_baseline is not None:
            pages.append(("baseline.md", "baseline.md.j2", lambda: view.baseline(since_baseline)))

        def index() -> dict[str, Any]:
            found = view.index()
            found["baseline"] = None if since_baseline is None else summary(since_baseline, labels)
            return found

        pages.append(("README.md", "index.md.j2", index))
        for ws_id in sorted(plan.workstreams):
            pages.append((f"workstreams/{ws_id}.md", "workstream.md.j2", partial(view.workstream, ws_id)))
        for week in view.weeks:
            pages.append((f"weeks/{week}.md", "week.md.j2", partial(view.week, week)))
        for review, slug in view.review_slugs:
            pages.append((f"reviews/{slug}.md", "review.md.j2", partial(view.review, review, slug)))
        self._pages = pages
        self.paths = [path for path, _, _ in pages]

    def render(self, index: int) -> bytes:
        if self._env is None:
            self._env = _environment()
        _, template, context = self._pages[index]
        out = self._env.get_template(template).render(L=self.labels, **context())
        return _tidy(out).encode("utf-8")


def markdown_files(plan: Plan, config: Config, labels: Labels, charts: dict[str, str],
                   since_baseline: BaselineChanges | None = None) -> dict[str, bytes]:
    """The Markdown reports of ``plan`` as ``{relative path: bytes}``, with copies of
    ``charts`` (name → SVG text) under ``charts/``. Byte-identical for the same plan.
    ``since_baseline`` adds ``baseline.md``, linked from the index."""
    pages = MarkdownPages(plan, config, labels, charts, since_baseline)
    files = {path: pages.render(index) for index, path in enumerate(pages.paths)}
    for name in sorted(charts):
        files[f"charts/{name}.svg"] = charts[name].encode("utf-8")
    return files


def _environment():
    import jinja2  # not at module level: `plancode check` never pays for it

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("plancode.render", "templates"),
        autoescape=False,  # HTML escaping is wrong for Markdown: `cell`/`text` escape
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(cell=cell, text=text)
    env.globals.update(link=link, image=image)
    return env


def _tidy(out: str) -> str:
    """No trailing spaces (two would be a hard line break), at most one blank line in a
    row, one final newline."""
    lines = [line.rstrip() for line in out.split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return tidy + "\n"


@dataclass
class _Table:
    """A table for the `table` macro: header labels, rows of raw values, alignments."""

    headers: list[str]
    rows: list[list[Any]]
    align: str = ""  # one letter per column: l (default) or r

    def rule(self) -> Md:
        aligns = self.align.ljust(len(self.headers), "l")
        return Md("|" + "|".join("---:" if a == "r" else "---" for a in aligns) + "|")

    def markdown(self) -> Md:
        """The table's lines (without the last line break): every header and every value
        through :func:`cell`. Made here, not in a template loop: a 10,000-task report has
        hundreds of thousands of cells."""
        lines = ["|" + "".join(f" {cell(header)} |" for header in self.headers), self.rule()]
        lines.extend("|" + "".join(f" {cell(value)} |" for value in row) for row in self.rows)
        return Md("\n".join(lines))


class _View:
    """What each page shows, as plain values; the templates only lay them out."""

    def __init__(self, plan: Plan, config: Config, labels: Labels, charts: frozenset[str], layout=None):
        self.plan, self.config, self.L, self.charts = plan, config, labels, charts
        self.layout = layout  # the build's chart layout, when it has one: its Gantt parts' names
        self._history_cache: dict | None = None
        self._scheduled_cache: dict[str, list[Task]] | None = None
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
    def _history(self) -> dict:
        """Each task's reported progress by week (the rule's reading), made once per build."""
        if self._history_cache is None:
            from ..model.tracking import report_history as _report_history

            self._history_cache = _report_history(self.plan)
        return self._history_cache

    @property
    def _scheduled(self) -> dict[str, list[Task]]:
        """{ISO week: the tasks a department should report on that week — neither cancelled
        nor undated, running some day of it — by department and id}. One pass over the
        tasks' weeks, not one pass over every task per week."""
        if self._scheduled_cache is None:
            found: dict[str, list[Task]] = {}
            weeks = set(self.weeks)
            for task in sorted(self.plan.tasks.values(), key=lambda t: (t.department or "", t.full_id)):
                if not task.department or task.status == "cancelled" or not task.start or not task.end:
                    continue
                monday = task.start - dt.timedelta(days=task.start.weekday())
                while monday <= task.end:
                    week = week_of(monday)
                    if week in weeks:
                        found.setdefault(week, []).append(task)
                    monday += dt.timedelta(days=7)
            self._scheduled_cache = found
        return self._scheduled_cache

    # --- small formats ---------------------------------------------------------------

    def person(self, person_id: str | None) -> str:
        if not person_id:
            return "—"
        person = self.plan.people.get(person_id)
        return person.name if person else person_id

    def department(self, department_id: str | None) -> str:
        if not department_id:
            return "—"
        department = self.plan.departments.get(department_id)
        return department.name if department else department_id

    def departments(self, ids: Iterable[str]) -> str:
        return self.sep.join(self.department(d) for d in ids) or "—"

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
        """'111 %', or '—' with the reason when the figure is undefined."""
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

    def gantt_chart_names(self, ws_id: str) -> list[str]:
        """The names of a workstream's Gantt SVGs (one, or its parts), as the chart module
        names them; the build may not have rendered them all."""
        if self.layout is not None:
            return [c.name for c in self.layout.gantt.get(ws_id, []) if c.name in self.charts]
        from .charts import gantt_charts  # no matplotlib: specs only

        return [c.name for c in gantt_charts(self.plan, ws_id, self.L) if c.name in self.charts]

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
        return {
            "title": title,
            "as_of": date(plan.as_of),
            "periods": periods,
            "kpis": self.kpi_table(),
            "statuses": self.status_table(),
            "alerts": self.alert_table(),
            "budget": self.budget_table(strategies),
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

    def kpi_table(self) -> _Table:
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
        return _Table([L("goal"), L("kpi"), L("md.baseline"), L("target"), L("actual_value"),
                       L("md.source"), L("achievement"), L("alerts")], rows, "llrrrlrl")

    def status_table(self) -> _Table:
        L = self.L
        counts = {status: 0 for status in STATUSES}
        for task in self.plan.tasks.values():
            counts[task.status] = counts.get(task.status, 0) + 1
        rows = [[L(f"status.{s}"), number(n)] for s, n in counts.items()]
        rows.append([Md(f"**{text(L('md.total_tasks'))}**"), Md(f"**{number(len(self.plan.tasks))}**")])
        return _Table([L("status"), L("md.count")], rows, "lr")

    def lagging(self, task: Task) -> bool:
        """Behind plan by more than the threshold, and not already reported as overdue."""
        return (task.status in ("in_progress", "not_started") and task.lag is not None
                and task.lag > self.config.thresholds.schedule_lag)

    def alert_table(self) -> _Table:
        plan, L = self.plan, self.L
        rows: list[tuple[int, str, list[Any]]] = []
        strategies = [plan.strategies[s] for s in sorted(plan.strategies)]
        for goal in self.goals_in_order(strategies):
            if goal.alert and goal.metric:
                detail = (f"{L('achievement')} {percent(goal.achievement_pct)}: "
                          f"{self.quantity(goal.actual, goal.metric.unit)} / "
                          f"{self.quantity(goal.metric.target, goal.metric.unit)}")
                rows.append((0 if goal.alert == "below" else 4, L(f"alert.{goal.alert}"),
                             [goal.title, [detail, self.source_link(goal.actual_source)]]))
        for review, _slug in self.review_slugs:
            if review.start > plan.as_of:
                continue  # a period still to come is not judged
            for row in review.rows:
                if row.alert:
                    detail = (f"{L('achievement')} {percent(row.achievement_pct)}: "
                              f"{self.quantity(row.actual, row.unit)} / {self.quantity(row.target, row.unit)}")
                    rows.append((1 if row.alert == "below" else 5, L(f"alert.{row.alert}"),
                                 [f"{review.label} · {row.metric}", [detail, self.source_link(review.label)]]))
        for task in self.tasks_in_order():
            where = link(plan.workstreams[task.workstream].title if task.workstream in plan.workstreams
                         else task.workstream, f"workstreams/{task.workstream}.md")
            if task.status == "overdue":
                detail = f"{L('end')} {date(task.end)} · {L('progress')} {percent(task.progress)}"
                rows.append((2, L("status.overdue"), [task.name, [detail, where]]))
            elif task.status == "blocked":
                rows.append((2, L("status.blocked"), [task.name, [f"{L('end')} {date(task.end)}", where]]))
            elif self.lagging(task):
                detail = (f"{L('planned')} {percent(task.planned_progress)} · {L('actual')} "
                          f"{percent(task.progress)} · {L('lag')} {points(task.lag)}")
                rows.append((3, L("md.behind_plan"), [task.name, [detail, where]]))
        rows.sort(key=lambda r: r[0])  # stable: file order within a kind
        return _Table([L("md.alert_type"), L("md.subject"), L("md.detail")],
                      [[kind, *cells] for _, kind, cells in rows])

    def tasks_in_order(self) -> list[Task]:
        """Tasks workstream by workstream (sorted by id), in file order within each."""
        plan = self.plan
        order = []
        for ws_id in sorted(plan.workstreams):
            order += [plan.tasks[t] for t in plan.workstreams[ws_id].tasks if t in plan.tasks]
        listed = {t.full_id for t in order}
        order += [t for key, t in sorted(plan.tasks.items()) if key not in listed]
        return order

    def budget_table(self, strategies) -> _Table:
        plan, L = self.plan, self.L
        rows: list[list[Any]] = []
        for strategy in strategies:
            budget = strategy.budget
            prefix = f"{strategy.title} · " if len(strategies) > 1 else ""
            if budget is None:
                continue
            cur = budget.currency
            rows.append([prefix + L("total"), self.money(budget.total, cur)])
            if budget.contingency is not None:
                rows.append([prefix + L("contingency"), f"{number(budget.contingency)} % · "
                             f"{self.money(budget.total * budget.contingency / 100, cur)}"])
            for name, share in budget.allocation.items():
                rows.append([f"{prefix}{L('md.allocation')} · {name}",
                             f"{number(share)} % · {self.money(budget.total * share / 100, cur)}"])
            goal_budgets = [plan.goals[g].budget for g in strategy.goals
                            if g in plan.goals and plan.goals[g].budget is not None]
            if goal_budgets:
                rows.append([prefix + L("allocated"), self.money(sum(goal_budgets), cur)])
        ev, cur = plan.earned_value, self.currency()
        rows += [
            [L("md.ev.pv"), self.money(ev.pv, cur)],
            [L("md.ev.ev"), self.money(ev.ev, cur)],
            [L("md.ev.ac"), self.money(ev.ac, cur)],
            [L("md.ev.spi"), "—" if ev.spi is None else f"{ev.spi:.2f}"],
            [L("md.ev.cpi"), "—" if ev.cpi is None else f"{ev.cpi:.2f}"],
        ]
        return _Table([L("md.item"), L("md.value")], rows, "lr")

    def goal_table(self, strategies) -> list[tuple[str, _Table]]:
        """Templates 1 and 5: per strategy, each goal then its tasks then its sub-goals."""
        plan, L = self.plan, self.L
        tables = []
        for strategy in strategies:
            rows: list[list[Any]] = []
            for goal in self.goals_in_order([strategy]):
                cur = self.currency(goal.strategy)
                l1 = goal.title if goal.level == 1 else ""
                l2 = "" if goal.level == 1 else ("↳ " * (goal.level - 2)) + goal.title
                resources = [goal.resources, f"{L('budget')} {self.money(goal.budget, cur)}"
                             if goal.budget is not None else ""]
                due = date(goal.due) if goal.due else (
                    f"{date(goal.start)} – {date(goal.end)}" if goal.start else "—")
                priority = f"{L('priority')}: {L(f'priority.{goal.priority}')}" if goal.priority else ""
                rows.append([
                    l1, l2, "", [self.metric(goal.metric), priority], self.person(goal.owner),
                    self.departments(goal.support), due, resources,
                    percent(goal.progress), self.goal_achievement(goal),
                ])
                for task_id in goal.tasks:
                    task = plan.tasks.get(task_id)
                    if task is not None:
                        rows.append(self.task_goal_row(task, cur))
            tables.append((strategy.title, _Table(
                [L("l1"), L("l2"), L("l3"), L("metric"), L("owner"), L("support"), L("due"),
                 L("resources"), L("progress"), L("achievement")], rows, "llllllllrr")))
        return tables

    def task_goal_row(self, task: Task, currency: str) -> list[Any]:
        L = self.L
        name = link(task.name, f"workstreams/{task.workstream}.md")
        measure = self.metric(task.metric) or task.deliverable or "—"
        resources = [task.resources, f"{L('budget')} {self.money(task.budget, currency)}"
                     if task.budget is not None else ""]
        return ["", "", name, measure, self.person(task.owner), self.departments(task.support),
                date(task.end), resources, percent(task.progress), ""]

    def unlinked_table(self) -> _Table | None:
        tasks = [t for t in self.tasks_in_order() if not t.goal or t.goal not in self.plan.goals]
        if not tasks:
            return None
        L = self.L
        rows = [self.task_goal_row(t, self.currency())[2:] for t in tasks]
        return _Table([L("l3"), L("metric"), L("owner"), L("support"), L("due"),
                       L("resources"), L("progress"), L("achievement")], rows, "llllllrr")

    def workstream_list(self) -> _Table:
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
        return _Table([L("md.workstream"), L("owner"), L("goal"), L("md.tasks"), L("status")], rows, "lllrl")

    def week_list(self) -> _Table:
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
        return _Table([L("week"), L("md.dates"), L("department"), L("md.entries"), L("md.note")],
                      rows, "lllrl")

    def review_list(self) -> _Table:
        L = self.L
        rows = []
        for review, slug in self.review_slugs:
            below = sum(row.alert == "below" for row in review.rows)
            rows.append([link(review.label, f"reviews/{slug}.md"), review.title or "—",
                         self.person(review.owner), number(len(review.rows)),
                         number(below) if review.start <= self.plan.as_of else L("md.not_begun_short")])
        return _Table([L("period"), L("md.title"), L("owner"), L("md.rows"), L("alert.below")],
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
                number(task.days), preds, percent(task.progress), percent(task.planned_progress),
                self.status(task), risks,
            ])
        table = _Table([L("task"), L("owner"), L("start"), L("end"), L("days"), L("predecessors"),
                        L("progress"), L("planned"), L("status"), L("risk")], rows, "llllrlrrll")
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
            facts.append((L("md.module"), ws.module))
        chart_names = self.gantt_chart_names(ws_id)
        return {
            "title": ws.title,
            "facts": facts,
            "description": ws.description,
            "table": table,
            "critical": [t.name for t in critical],
            "gantt": self.mermaid_gantt(ws.title, tasks),
            "charts": [self.chart(name, f"{L('md.gantt')} {ws.title}") for name in chart_names],
            "risks": _Table([L("task"), L("risk"), L("mitigation"), L("owner")], risk_rows)
            if risk_rows else None,
        }

    def mermaid_gantt(self, title: str, tasks: list[Task]) -> Md | None:
        """A Mermaid gantt block: one section per department (in order of first task),
        each task from its start for its days (inclusive: Mermaid's end dates are not)."""
        dated = [t for t in tasks if t.start is not None and t.days and t.days > 0]
        if not dated:
            return None
        ids = mermaid_ids(t.id for t in tasks)
        sections: dict[str, list[Task]] = {}
        for task in dated:
            sections.setdefault(self.department(task.department), []).append(task)
        years = {t.start.year for t in dated} | {t.end.year for t in dated if t.end}
        lines = [
            "```mermaid",
            "gantt",
            f"    title {mermaid_text(title, 80)}",
            "    dateFormat YYYY-MM-DD",
            "    axisFormat " + ("%m-%d" if len(years) == 1 else "%Y-%m"),
            # Mermaid's "today" is the reader's date, not as_of: the line would mislead.
            "    todayMarker off",
        ]
        for section, members in sections.items():
            lines.append(f"    section {mermaid_text(section)}")
            for task in members:
                tags = []
                if task.status == "done":
                    tags.append("done")
                elif task.status in ("in_progress", "overdue"):
                    tags.append("active")
                if task.critical:
                    tags.append("crit")
                if task.milestone:
                    tags.append("milestone")
                name = mermaid_text(task.name)
                if task.status in ("overdue", "blocked", "cancelled"):
                    name += f" ({mermaid_text(self.status(task))})"  # after the cut: always seen
                data = ", ".join([*tags, ids[task.id], task.start.isoformat(), f"{task.days}d"])
                lines.append(f"    {name} :{data}")
        lines.append("```")
        return Md("\n".join(lines))

    # --- weeks/<week>.md ------------------------------------------------------------------

    def week(self, week: str) -> dict[str, Any]:
        plan, L = self.plan, self.L
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
            "missing": self.missing_table(week, reports) if start <= plan.as_of else None,
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
        table = _Table([L("task"), L("planned_this_week"), L("done"), L("md.reported"), L("reason"),
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
            "kpis": _Table([L("goal"), L("md.value"), L("target"), L("md.note")], kpi_rows, "lrrl")
            if kpi_rows else None,
            "notes": report.notes,
        }

    def lagging_table(self, reports: list[Report]) -> _Table:
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
        return _Table([L("task"), L("owner"), L("planned"), L("actual"), L("lag"), L("status"),
                       L("results"), L("risk"), L("adjustment")], rows, "llrrrllll")

    def missing_table(self, week: str, reports: list[Report]) -> _Table:
        """Tasks scheduled in the week and not finished before it that no report lists:
        PC602's reading, plus departments that sent no report at all that week."""
        # One definition of "expected in the week's report": the rule's own helpers.
        from ..model.tracking import finished_before as _finished_before

        plan, L = self.plan, self.L
        start, end = reports[0].start, reports[0].end
        listed = {(r.department, e.task) for r in reports for e in r.entries}
        reported = {r.department for r in reports}
        history = self._history
        rows = []
        for task in self._scheduled.get(week, ()):
            if ((task.department, task.full_id) in listed
                    or _finished_before(task, history.get(task.full_id, []), start)):
                continue
            what = L("md.no_entry") if task.department in reported else L("md.no_report")
            rows.append([self.department(task.department), task.name, self.person(task.owner),
                         date(task.start), date(task.end), what])
        return _Table([L("department"), L("task"), L("owner"), L("start"), L("end"), L("md.missing")],
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

    def baseline_table(self, changes: BaselineChanges, rows) -> _Table:
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
        return _Table([L("task"), L("md.workstream"), L("owner"), L("baseline.baseline_dates"),
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
                # a period still to come is not judged (as PC603 and the index)
                L(f"alert.{row.alert}") if row.alert and review.start <= plan.as_of else "",
            ])
        return {
            "title": review.title or review.label,
            "period": review.label,
            "facts": [
                (L("period"), f"{review.label} ({date(review.start)} – {date(review.end)})"),
                (L("owner"), self.person(review.owner)),
                (L("as_of"), date(plan.as_of)),
            ],
            "not_begun": review.start > plan.as_of,
            "table": _Table([L("dimension"), L("kpi"), L("target"), L("actual_value"),
                             L("achievement"), L("analysis"), L("actions"), L("owner"), L("alerts")],
                            rows, "llrrrllll"),
            "chart": self.chart(self.achievement_chart_name(review), f"{L('achievement')} {review.label}"),
        }
