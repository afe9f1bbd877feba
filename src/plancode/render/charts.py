"""The charts of the site and the reports, as plain data first and SVG second.

Each public function reads the model and returns a :class:`Chart`: a file name and a
JSON-serialisable *spec* that holds everything the picture shows (rows, dates, colours,
texts in the page's language, axis ticks). :func:`render_chart` turns a spec into SVG,
from the cache when the same spec was drawn before, else by :mod:`plancode.render.svg`
(pure Python, text as text). Keeping the spec plain makes the cache key honest (it is the
hash of exactly what is drawn) and lets tests check a chart's content without reading SVG.
The Gantt charts are not specs: the pages draw them from the views
(:mod:`plancode.render.gantt`).

No figure of SPEC §2 is computed here: progress, status, critical path and achievement
come from the model. What is derived here is presentation only: axis ticks, the week in
which a task was first reported done (burn-up) and the tasks active per person and week
(load).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..i18n import is_chinese
from ..model import Plan
from ..model.entities import Review
from .labels import Labels, number, percent
from .svg import shorten

#: Bump whenever svg.py (or a spec's meaning) changes what a spec looks like: every
#: cached SVG drawn by an older renderer is then ignored.
RENDERER_VERSION = "5"  # 3: drawn by render/svg.py; 4: no control characters; 5: no matplotlib

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
DAY = dt.timedelta(days=1)

STATUS_COLOURS = {
    "not_started": "#8a96a3",
    "in_progress": "#2f6db5",
    "done": "#2b8a3e",
    "overdue": "#e8590c",
    "blocked": "#9c36b5",
    "cancelled": "#b8bec4",
}
CRITICAL_COLOUR = "#c92a2a"
BASELINE_COLOUR = "#9aa0a6"
LINK_COLOUR = "#6b7580"
AS_OF_COLOUR = "#d6336c"
ALERT_COLOURS = {"below": "#e03131", "ok": "#2f6db5", "exceeded": "#2b8a3e"}
TARGET_COLOUR = "#2b8a3e"


@dataclass(frozen=True)
class Chart:
    """One chart: ``name`` is its file name without ``.svg`` (under ``charts/``);
    ``spec`` is what :func:`render_chart` draws."""

    name: str
    spec: dict[str, Any]

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"not a chart name: {self.name!r}")


# --- shared helpers ---------------------------------------------------------------------


def _shorten(text: str, max_em: float) -> str:
    """A spec's label cut to ``max_em`` (a non-CJK character 0.6 em, as the cached specs
    have always been cut)."""
    return shorten(text, max_em, latin=0.6)


def _month_label(day: dt.date, locale: str, with_year: bool) -> str:
    if is_chinese(locale):
        return f"{day.year}年{day.month}月" if with_year else f"{day.month}月"
    name = _EN_MONTHS[day.month - 1]  # not strftime: that follows the process locale
    return f"{name} {day.year}" if with_year else name


_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day_label(day: dt.date, locale: str) -> str:
    if is_chinese(locale):
        return f"{day.month}月{day.day}日"
    return f"{day.day} {_EN_MONTHS[day.month - 1]}"


def _month_starts(lo: dt.date, hi: dt.date, every: int = 1) -> list[dt.date]:
    """First days of months in [lo, hi], for months that are multiples of ``every``."""
    out = []
    year, month = lo.year, lo.month
    while True:
        day = dt.date(year, month, 1)
        if day > hi:
            return out
        if day >= lo and (month - 1) % every == 0:
            out.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def date_ticks(lo: dt.date, hi: dt.date, locale: str) -> dict[str, list]:
    """Readable ticks for a date axis from ``lo`` to ``hi``: weeks (Mondays, labelled with
    the day) up to ~3 months, months up to ~13 months, quarters up to 3 years, else
    years. ``{"major": [[iso, label], …], "minor": [iso, …]}``; the year is named on the
    first major tick and on every January."""
    span = (hi - lo).days
    mondays = [lo + dt.timedelta(days=(7 - lo.weekday()) % 7)]
    while mondays[-1] + 7 * DAY <= hi:
        mondays.append(mondays[-1] + 7 * DAY)
    mondays = [d for d in mondays if d <= hi]
    major: list[list[str]] = []
    minor: list[dt.date] = []
    if span <= 100:
        # at most ~9 labelled weeks: "4月15日" is half an inch wide at the tick size
        step = max(1, math.ceil(len(mondays) / 9))
        for i, day in enumerate(mondays[::step]):
            label = _day_label(day, locale)
            if i == 0 or (day.month == 1 and day.day <= 7 * step):
                label = f"{day.year}年{label}" if is_chinese(locale) else f"{label} {day.year}"
            major.append([day.isoformat(), label])
        labelled = set(mondays[::step])
        return {"major": major, "minor": [d.isoformat() for d in mondays if d not in labelled]}
    if span <= 400:
        majors, minor = _month_starts(lo, hi), mondays
    elif span <= 1100:
        majors, minor = _month_starts(lo, hi, 3), _month_starts(lo, hi)
    else:
        years = _month_starts(lo, hi, 12)
        suffix = "年" if is_chinese(locale) else ""
        return {"major": [[d.isoformat(), f"{d.year}{suffix}"] for d in years],
                "minor": [d.isoformat() for d in _month_starts(lo, hi, 3) if d.month != 1]}
    for i, day in enumerate(majors):
        major.append([day.isoformat(), _month_label(day, locale, i == 0 or day.month == 1)])
    major_days = set(majors)
    return {"major": major, "minor": [d.isoformat() for d in minor if d not in major_days]}


def _person_name(plan: Plan, person_id: str | None) -> str:
    if not person_id:
        return ""
    person = plan.people.get(person_id)
    return person.name if person else person_id


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- evaluation: achievement per KPI ----------------------------------------------------


def achievement_chart(review: Review, labels: Labels, kpi_deviation: float = 10) -> Chart:
    """Achievement % per KPI row of one review: bars coloured by alert, a 100% line and
    the ±``kpi_deviation`` band (pass the configured threshold). A row whose achievement
    is undefined (divisor 0) shows "—" and no bar."""
    rows = []
    for row in review.rows:
        alert = row.alert or "ok"
        label = f"{row.dimension} · {row.metric}" if row.dimension else row.metric
        rows.append({
            "label": _shorten(label, 20),
            "value": row.achievement,
            "text": percent(row.achievement) if row.achievement is not None else labels("undefined"),
            "alert": row.alert,
            "colour": ALERT_COLOURS[alert],
        })
    values = [r["value"] for r in rows if r["value"] is not None]
    hi = max([100 + kpi_deviation, *values]) * 1.15
    lo = min([0.0, *values]) * 1.15
    legend = [{"label": labels("alert.below"), "colour": ALERT_COLOURS["below"]},
              {"label": labels("chart.on_target"), "colour": ALERT_COLOURS["ok"]},
              {"label": labels("alert.exceeded"), "colour": ALERT_COLOURS["exceeded"]}]
    period = review.label
    return Chart(f"achievement-{_slug(period)}", {
        "kind": "achievement",
        "title": labels("chart.achievement_title").format(period=period),
        "subtitle": _shorten(review.title, 70),
        "rows": rows,
        "deviation": kpi_deviation,
        "band_label": labels("chart.tolerance").format(deviation=number(kpi_deviation)),
        "axis_label": f"{labels('achievement')} (%)",
        "limits": [lo, hi],
        "legend": legend,
        "judged": review.judged,  # a period not begun: grey, as in its table
        # its legend's one entry, in the spec only when drawn (every character of a
        # spec is drawn, so no label hides a glyph the font lacks)
        **({} if review.judged else {"not_judged_label": labels("chart.not_judged")}),
    })


def _slug(text: str) -> str:
    """A name part from free text such as a period label ``2024-01-01..2024-03-31``."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")
    return slug or "x"


# --- a goal's KPI over the weeks --------------------------------------------------------


def kpi_trend_chart(plan: Plan, goal_id: str, labels: Labels) -> Chart | None:
    """The weekly KPI values of a goal from counted reports, against its target (and
    baseline). None when no counted report carries a value for the goal."""
    goal = plan.goals[goal_id]
    by_week: dict[str, tuple[dt.date, float]] = {}
    # Same order as the model's "latest value": by week end, then file path.
    for report in sorted(plan.reports, key=lambda r: (r.end, r.source.path)):
        if report.counted:
            for kpi in report.metrics:
                if kpi.goal == goal_id:
                    by_week[report.week] = (report.end, kpi.value)
    if not by_week:
        return None
    points = [[week, end.isoformat(), value] for week, (end, value) in sorted(by_week.items())]
    metric = goal.metric
    unit = metric.unit if metric else ""
    ends = [dt.date.fromisoformat(p[1]) for p in points]
    lo, hi = min(ends), max(ends)
    span = max((hi - lo).days, 14)
    pad = max(3, round(span * 0.06))
    lo, hi = lo - pad * DAY, hi + pad * DAY
    lines = []
    if metric and metric.target is not None:
        lines.append({"value": metric.target, "colour": TARGET_COLOUR, "style": "dashed",
                      "label": f"{labels('target')} {number(metric.target)} {unit}".strip()})
    if metric and metric.baseline is not None:
        lines.append({"value": metric.baseline, "colour": BASELINE_COLOUR, "style": "dotted",
                      "label": f"{labels('chart.kpi_baseline')} {number(metric.baseline)} {unit}".strip()})
    name = metric.name if metric else goal.title
    if len(points) <= 12:
        # few values: each is labelled with the week of the report it comes from
        ticks = {"major": [[p[1], p[0]] for p in points], "minor": []}
    else:
        ticks = date_ticks(lo, hi, labels.locale)
    return Chart(f"kpi-{goal.id}", {
        "kind": "kpi_trend",
        "title": _shorten(goal.title, 50),
        "axis_label": f"{name} ({unit})" if unit else name,
        "series_label": labels("chart.weekly_value"),
        "points": [{"week": w, "date": d, "value": v, "text": number(v)} for w, d, v in points],
        "lines": lines,
        "range": [lo.isoformat(), hi.isoformat()],
        "ticks": ticks,
        "colour": ALERT_COLOURS["ok"],
    })


# --- burn-up of done tasks --------------------------------------------------------------


def done_weeks(plan: Plan) -> dict[str, dt.date]:
    """The Monday of the week each done task counts as done in: the week of the first
    counted report entry that reports it at 100 (``done: yes`` without a progress counts
    100, as in the model), else — for a task whose current progress is 100 — the week of
    its end date, but never after as_of (it is done now)."""
    first: dict[str, dt.date] = {}
    for report in sorted(plan.reports, key=lambda r: (r.end, r.source.path)):
        if not report.counted:
            continue
        for entry in report.entries:
            value = entry.progress if entry.progress is not None else (100 if entry.done == "yes" else None)
            if entry.task and value is not None and value >= 100 and entry.task not in first:
                first[entry.task] = report.start
    out = {}
    for task in plan.tasks.values():
        if task.status == "cancelled":
            continue
        if task.full_id in first:
            out[task.full_id] = first[task.full_id]
        elif task.progress >= 100:
            out[task.full_id] = _monday(min(task.end or plan.as_of, plan.as_of))
    return out


def burnup_chart(plan: Plan, labels: Labels) -> Chart:
    """Cumulative done tasks per week up to as_of, against the total and the number of
    tasks planned to be done by each week (their end dates). Cancelled tasks are out of
    scope."""
    tasks = [t for t in plan.tasks.values() if t.status != "cancelled"]
    done = done_weeks(plan)
    as_of_week = _monday(plan.as_of)
    starts = [t.start for t in tasks if t.start] + list(done.values())
    ends = [t.end for t in tasks if t.end]
    first = _monday(min(starts + [plan.as_of]))
    last = _monday(max(ends + [plan.as_of]))
    weeks = []
    day = first
    while day <= last:
        weeks.append(day)
        day += 7 * DAY
    # counted by bisecting sorted dates: weeks × tasks comparisons were 26 million for
    # 100,000 tasks over five years
    ends.sort()
    done_mondays = sorted(done.values())
    done_counts = []
    planned_counts = []
    for monday in weeks:
        planned_counts.append(bisect.bisect_right(ends, monday + 6 * DAY))
        if monday <= as_of_week:
            done_counts.append(bisect.bisect_right(done_mondays, monday))
    # x positions: the end of each week (the count is "done by then")
    lo, hi = first, last + 7 * DAY
    return Chart("burnup", {
        "kind": "burnup",
        "title": labels("chart.burnup"),
        "axis_label": labels("chart.tasks"),
        "weeks": [[_week_label(m), (m + 7 * DAY).isoformat()] for m in weeks],
        "done": done_counts,
        "planned": planned_counts,
        "total": len(tasks),
        "labels": {"done": labels("chart.done_cumulative"), "planned": labels("chart.planned_cumulative"),
                   "total": labels("chart.total_tasks"),
                   "as_of": f"{labels('as_of')} {plan.as_of.isoformat()}"},
        "as_of": plan.as_of.isoformat(),
        "range": [lo.isoformat(), (hi + DAY).isoformat()],
        "ticks": date_ticks(lo, hi + DAY, labels.locale),
        "colours": {"done": STATUS_COLOURS["done"], "planned": STATUS_COLOURS["in_progress"],
                    "total": LINK_COLOUR, "as_of": AS_OF_COLOUR},
    })


# --- load per person and week -----------------------------------------------------------


def load_chart(plan: Plan, labels: Labels) -> Chart:
    """A heat map: one row per person who owns a dated task, one column per ISO week,
    the cell holding the number of that person's tasks scheduled in the week (start..end
    overlaps it; cancelled tasks left out). Rows are grouped by department."""
    tasks = [t for t in plan.tasks.values() if t.status != "cancelled" and t.start and t.end and t.owner]
    owners = sorted({t.owner for t in tasks}, key=lambda p: _person_key(plan, p))
    if tasks:
        first = _monday(min(t.start for t in tasks))
        last = _monday(max(t.end for t in tasks))
    else:
        first = last = _monday(plan.as_of)
    weeks = []
    day = first
    while day <= last:
        weeks.append(day)
        day += 7 * DAY
    col = {m: i for i, m in enumerate(weeks)}
    counts = {p: [0] * len(weeks) for p in owners}
    for task in tasks:
        monday = _monday(task.start)
        while monday <= task.end:
            counts[task.owner][col[monday]] += 1
            monday += 7 * DAY
    rows = []
    for person_id in owners:
        person = plan.people.get(person_id)
        dept = plan.departments.get(person.department) if person and person.department else None
        label = _person_name(plan, person_id) + (f" · {dept.name}" if dept else "")
        rows.append({"label": _shorten(label, 14), "group": dept.id if dept else "",
                     "counts": counts[person_id]})
    lo, hi = first, last + 7 * DAY
    as_of = plan.as_of if lo <= plan.as_of < hi else None
    return Chart("load", {
        "kind": "load",
        "title": labels("chart.load"),
        "colorbar_label": labels("chart.active_tasks"),
        "weeks": [m.isoformat() for m in weeks],
        "rows": rows,
        "max": max([c for r in rows for c in r["counts"]] + [1]),
        "as_of": as_of.isoformat() if as_of else None,
        "as_of_label": f"{labels('as_of')} {plan.as_of.isoformat()}",
        "ticks": date_ticks(lo, hi, labels.locale),
        "colours": {"as_of": AS_OF_COLOUR},
    })


def _person_key(plan: Plan, person_id: str) -> tuple:
    person = plan.people.get(person_id)
    dept = person.department if person and person.department else "\uffff"
    return (dept, person_id)


# --- rendering and the cache ------------------------------------------------------------


def cache_key(spec: Mapping[str, Any], renderer_version: str = RENDERER_VERSION) -> str:
    """sha256 of the spec and the renderer version: anything that changes the picture
    changes the key, so a stale SVG is never returned."""
    payload = json.dumps(
        {"renderer": renderer_version, "spec": spec},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_path(cache_dir: Path, spec: Mapping[str, Any]) -> Path:
    return cache_dir / "charts" / f"{cache_key(spec)}.svg"


def cached_svg(cache_dir: Path, spec: Mapping[str, Any]) -> Path | None:
    """The cache file of a chart when it holds a whole SVG (it ends with ``</svg>``:
    only its last bytes are read), else None: the chart must be drawn."""
    path = cache_path(cache_dir, spec)
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(handle.tell() - 64, 0))
            tail = handle.read()
    except OSError:
        return None
    return path if tail.rstrip().endswith(b"</svg>") else None


def inline_svg(spec: dict[str, Any], folder: Path | None) -> str | None:
    """A chart drawn for a page (:func:`plancode.render.svg.inline`): read from
    ``folder/charts/<key>.svg`` when present and whole (it ends with ``</svg>``), else
    drawn and stored there. A load chart at 10,000 tasks is 14,000 rectangles (0.08 s): a
    build after a change that does not move a chart reads it. ``folder`` None stores
    nothing; a kind drawn elsewhere (the Gantt) gives None."""
    from .svg import inline

    path = None if folder is None else folder / "charts" / f"{cache_key(spec)}.svg"
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        if text is not None and text.endswith("</svg>"):
            return text
    text = inline(spec)
    if path is not None and text is not None and text.endswith("</svg>"):
        from ..loader import write_atomically

        write_atomically(path.parent, path.name, text.encode("utf-8"))
    return text


def render_chart(chart: Chart | Mapping[str, Any], cache_dir: Path | None) -> str:
    """The SVG text of a chart: read from ``cache_dir/charts/<key>.svg`` when present,
    else drawn (and stored there atomically). ``cache_dir=None`` always draws.

    A cache that cannot be read or written is ignored: it only saves time.
    """
    spec = chart.spec if isinstance(chart, Chart) else chart
    path = cache_path(cache_dir, spec) if cache_dir is not None else None
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        if text is not None and text.rstrip().endswith("</svg>"):
            return text
    from .svg import standalone

    svg = standalone(spec)
    if path is not None:
        _write_atomic(path, svg)
    return svg


def _write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".svg")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            # a written file's usual permissions (mkstemp's are 0600): the build links
            # cached charts into the site, which a web server must be able to read
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only or full cache costs time, never the build



def all_charts(plan: Plan, labels: Labels, kpi_deviation: float = 10) -> list[Chart]:
    """Every chart of a plan, in a stable order: achievement per review, KPI trends of
    goals with weekly values, burn-up, load."""
    found: list[Chart] = []
    found.extend(achievement_chart(review, labels, kpi_deviation) for review in plan.reviews)
    for goal_id in plan.goals:
        trend = kpi_trend_chart(plan, goal_id, labels)
        if trend is not None:
            found.append(trend)
    found += [burnup_chart(plan, labels), load_chart(plan, labels)]
    return found
