"""A Gantt chart as HTML and inline SVG, drawn from :class:`plancode.views.gantt.Gantt`.

Why not an image: text in an ``<img>`` scales with the picture (≈ 7 px labels on a
phone), cannot be searched, hovered or clicked. Here the task names are an HTML column
of links at the page's font size that never scrolls, and the timeline beside it is an SVG
at one CSS pixel per unit — it scrolls sideways in its box instead of shrinking, with
shadows at the edges that show there is more. Each bar is a link to its task's row with
a hover title (task, owner, dates, progress, status, slip).

Everything from the plans goes through ``escape``: a task named ``<script>`` is text.
Coordinates are printed with one decimal: the same plan gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from markupsafe import Markup

from ..views.gantt import Gantt, GanttRow
from ..views.formats import date as fmt_date
from ..views.formats import percent
from .charts import AS_OF_COLOUR, BASELINE_COLOUR, CRITICAL_COLOUR, LINK_COLOUR, STATUS_COLOURS, date_ticks
from .labels import Labels
from .svg import escape  # without the characters no XML may hold

ROW = 28  # px per row, in the label column and the timeline alike
AXIS = 40  # px of date axis above the first row
BAR = 14  # px: a task bar's height
WIDTH = 1100  # px the timeline aims at; one day is 2–28 px of it
RAG_COLOURS = {"red": "#d92d20", "amber": "#f79009", "green": "#12b76a", "none": "#98a2b3"}


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _tint(colour: str, share: float = 0.3) -> str:
    """``colour`` mixed with white: the unfinished part of a bar."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c * share + 255 * (1 - share)) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def day_width(gantt: Gantt) -> float:
    span = max((gantt.end - gantt.start).days, 1)
    return min(28.0, max(2.0, round(WIDTH / span * 2) / 2))


def bar_title(row: GanttRow, labels: Labels) -> str:
    """The hover text of a task's bar: one fact per line."""
    L, task = labels, row.task
    lines = [row.label, f"{L('owner')}: {row.owner_name}",
             f"{L('dates')}: {fmt_date(row.start)} – {fmt_date(row.end)}",
             f"{L('progress')}: {percent(task.progress)}"
             + (f" ({L('planned')} {percent(task.planned_progress)})" if task.planned_progress is not None else ""),
             f"{L('status')}: {row.status_label}"]
    if task.critical:
        lines.append(L("critical"))
    if task.milestone:
        lines.append(L("milestone"))
    if row.slip is not None:
        from .baseline import slip

        lines.append(f"{L('baseline.end_slip')}: {slip(row.slip, labels)}")
    if row.forecast is not None:
        from .baseline import slip

        lines.append(f"{L('gantt.forecast')}: {fmt_date(row.forecast[0])} – {fmt_date(row.forecast[1])}"
                     + (f" ({L('gantt.slip')} {slip(task.slip, labels)})" if task.slip else ""))
    return "\n".join(lines)


def gantt_html(gantt: Gantt, labels: Labels, href: Callable[[GanttRow], str], caption: str) -> Markup:
    """The chart: a figure with the label column, the scrolling timeline and a legend.
    ``href(row)`` is where a row's label and bar link to ("" for no link)."""
    L = labels
    unit = day_width(gantt)
    width = round((gantt.end - gantt.start).days * unit)
    height = AXIS + ROW * len(gantt.rows) + 4

    def x(day: dt.date) -> float:
        return (day - gantt.start).days * unit

    out = [f'<figure class="gantt" data-gantt data-rows="{len(gantt.rows)}">',
           f'<figcaption class="sr">{escape(caption)}</figcaption>',
           '<div class="gantt-grid">',
           f'<div class="gantt-labels"><div class="gantt-head" style="height:{AXIS}px">{escape(L("task"))}</div><ol>']
    for row in gantt.rows:
        link = href(row)
        rag = ""
        if row.status:
            rag = (f'<span class="rag rag-{escape(row.status)}" title="{escape(row.status_text)}">'
                   f'<span class="sr">{escape(row.status_text)}</span></span>')
        name = (f'<a href="{escape(link)}" title="{escape(row.label)}">{escape(row.label)}</a>'
                if link else f'<span title="{escape(row.label)}">{escape(row.label)}</span>')
        mark = " ◆" if row.task is not None and row.task.milestone else ""
        out.append(f'<li class="g-{row.kind} g-depth-{min(row.depth, 4)}">{rag}{name}{mark}</li>')
    out.append('</ol></div>')
    as_of_x = x(gantt.as_of) if gantt.as_of else None
    scroll_to = f' data-scroll-to="{_f(as_of_x)}"' if as_of_x is not None else ""
    out.append(f'<div class="gantt-scroll" tabindex="0" role="group" aria-label="{escape(L("gantt.timeline"))}"'
               f'{scroll_to}>')
    out.append(f'<svg class="gantt-svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
               f'role="img" aria-label="{escape(caption)}" xmlns="http://www.w3.org/2000/svg">')
    out.append('<defs><marker id="g-arrow" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" '
               f'orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="{LINK_COLOUR}"/></marker>'
               '<marker id="g-arrow-critical" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" '
               f'orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="{CRITICAL_COLOUR}"/></marker></defs>')
    # rows' stripes, non-working days, then the date grid
    for i, row in enumerate(gantt.rows):
        if row.kind != "task" or i % 2:
            out.append(f'<rect class="g-stripe g-stripe-{row.kind}" x="0" y="{AXIS + i * ROW}" width="{width}" '
                       f'height="{ROW}"/>')
    for first, last in gantt.shaded:
        out.append(f'<rect class="g-off" x="{_f(x(first))}" y="{AXIS}" width="{_f(x(last) - x(first) + unit)}" '
                   f'height="{height - AXIS}"/>')
    ticks = date_ticks(gantt.start, gantt.end, labels.locale)
    for iso in ticks["minor"]:
        at = _f(x(dt.date.fromisoformat(iso)))
        out.append(f'<line class="g-minor" x1="{at}" x2="{at}" y1="{AXIS - 6}" y2="{height}"/>')
    for iso, text in ticks["major"]:
        at = x(dt.date.fromisoformat(iso))
        out.append(f'<line class="g-major" x1="{_f(at)}" x2="{_f(at)}" y1="{AXIS - 22}" y2="{height}"/>'
                   f'<text class="g-tick" x="{_f(at + 3)}" y="{AXIS - 24}">{escape(text)}</text>')
    out.append(f'<line class="g-axis" x1="0" x2="{width}" y1="{AXIS}" y2="{AXIS}"/>')
    # links under the bars
    for j, i, critical in gantt.links:
        x1, y1 = x(gantt.rows[j].end) + unit, AXIS + j * ROW + ROW / 2
        x2, y2 = x(gantt.rows[i].start), AXIS + i * ROW + ROW / 2
        elbow = x1 + 5
        colour = CRITICAL_COLOUR if critical else LINK_COLOUR
        marker = "g-arrow-critical" if critical else "g-arrow"
        path = (f"M{_f(x1)},{_f(y1)} H{_f(elbow)} V{_f(y2)} H{_f(x2)}" if x2 >= elbow + 4
                else f"M{_f(x1)},{_f(y1)} H{_f(elbow)} V{_f(y2 - ROW / 2 + 2)} H{_f(x2 - 5)} V{_f(y2)} H{_f(x2)}")
        out.append(f'<path class="g-link{" g-link-critical" if critical else ""}" d="{path}" stroke="{colour}" '
                   f'marker-end="url(#{marker})"/>')
    for i, row in enumerate(gantt.rows):
        out.append(_row_svg(row, i, x, unit, labels, href(row)))
    if as_of_x is not None:
        text = f"{L('as_of')} {gantt.as_of.isoformat()}"
        anchor = "end" if as_of_x > width - 110 else "start"
        shift = -3 if anchor == "end" else 3
        out.append(f'<line class="g-as-of" x1="{_f(as_of_x)}" x2="{_f(as_of_x)}" y1="{AXIS - 14}" y2="{height}" '
                   f'stroke="{AS_OF_COLOUR}"/>'
                   f'<text class="g-as-of-label" x="{_f(as_of_x + shift)}" y="{AXIS - 4}" text-anchor="{anchor}" '
                   f'fill="{AS_OF_COLOUR}">{escape(text)}</text>')
    out.append('</svg></div></div>')
    out.append(_legend(gantt, labels))
    out.append('</figure>')
    return Markup("\n".join(out))


def _row_svg(row: GanttRow, i: int, x: Callable[[dt.date], float], unit: float, labels: Labels, link: str) -> str:
    top = AXIS + i * ROW
    if row.start is None or row.end is None:
        return ""
    x0, x1 = x(row.start), x(row.end) + unit
    parts = []
    if row.kind != "task":  # a heading: a thin summary bar over its tasks' span
        y = top + ROW / 2 - 3
        parts.append(f'<rect class="g-summary" x="{_f(x0)}" y="{_f(y)}" width="{_f(max(x1 - x0, 2))}" height="6"/>')
        return "".join(parts)
    task = row.task
    colour = STATUS_COLOURS.get(task.status, STATUS_COLOURS["not_started"])
    title = f"<title>{escape(bar_title(row, labels))}</title>"
    if row.baseline is not None:
        b0, b1 = x(row.baseline[0]), x(row.baseline[1]) + unit
        parts.append(f'<rect class="g-baseline" x="{_f(b0)}" y="{top + ROW - 6}" width="{_f(max(b1 - b0, 2))}" '
                     f'height="3" fill="{BASELINE_COLOUR}"/>')
    if row.forecast is not None:
        f0, f1 = x(row.forecast[0]), x(row.forecast[1]) + unit
        parts.append(f'<rect class="g-forecast" x="{_f(f0)}" y="{top + 3}" width="{_f(max(f1 - f0, 2))}" '
                     f'height="{ROW - 6}" stroke="{colour}"/>')
    y = top + (ROW - BAR) / 2
    critical = ' stroke="%s" stroke-width="2"' % CRITICAL_COLOUR if task.critical else ""
    body = [title]
    if task.milestone and row.start == row.end:
        cx, cy, r = x0 + unit / 2, top + ROW / 2, 8
        body.append(f'<path class="g-milestone" d="M{_f(cx)},{_f(cy - r)} L{_f(cx + r)},{_f(cy)} '
                    f'L{_f(cx)},{_f(cy + r)} L{_f(cx - r)},{_f(cy)} z" fill="{colour}"{critical}/>')
        text_x = cx + r + 4
    else:
        w = max(x1 - x0, 2)
        done = w * min(max(task.progress, 0), 100) / 100
        body.append(f'<rect class="g-track" x="{_f(x0)}" y="{_f(y)}" width="{_f(w)}" height="{BAR}" rx="2" '
                    f'fill="{_tint(colour)}"{critical}/>')
        if done > 0:
            body.append(f'<rect class="g-done" x="{_f(x0)}" y="{_f(y)}" width="{_f(done)}" height="{BAR}" rx="2" '
                        f'fill="{colour}"/>')
        if task.milestone:  # a milestone with a duration: its diamond at the end
            cx, cy, r = x1, top + ROW / 2, 7
            body.append(f'<path class="g-milestone" d="M{_f(cx)},{_f(cy - r)} L{_f(cx + r)},{_f(cy)} '
                        f'L{_f(cx)},{_f(cy + r)} L{_f(cx - r)},{_f(cy)} z" fill="{colour}"/>')
        text_x = x1 + (10 if task.milestone else 4)
    body.append(f'<text class="g-figure" x="{_f(text_x)}" y="{_f(top + ROW / 2 + 4)}">'
                f'{escape(percent(task.progress))}</text>')
    group = f'<g class="g-bar" data-task="{escape(task.full_id)}">{"".join(body)}</g>'
    if link:
        group = f'<a href="{escape(link)}">{group}</a>'
    parts.append(group)
    return "".join(parts)


def _legend(gantt: Gantt, labels: Labels) -> str:
    L = labels
    tasks = gantt.tasks
    items = []
    statuses = {t.status for t in tasks}
    for status, colour in STATUS_COLOURS.items():
        if status in statuses:
            items.append(f'<span class="g-key"><i style="background:{colour}"></i>{escape(L("status." + status))}</span>')
    if any(t.critical for t in tasks):
        items.append(f'<span class="g-key"><i class="g-key-critical" style="border-color:{CRITICAL_COLOUR}"></i>'
                     f'{escape(L("critical"))}</span>')
    if any(t.milestone for t in tasks):
        items.append(f'<span class="g-key">◆ {escape(L("milestone"))}</span>')
    if any(r.baseline for r in gantt.rows):
        items.append(f'<span class="g-key"><i class="g-key-thin" style="background:{BASELINE_COLOUR}"></i>'
                     f'{escape(L("baseline"))}</span>')
    if any(r.forecast for r in gantt.rows):
        items.append(f'<span class="g-key"><i class="g-key-forecast"></i>{escape(L("gantt.forecast"))}</span>')
    if gantt.shaded:
        items.append(f'<span class="g-key"><i class="g-key-off"></i>{escape(L("gantt.days_off"))}</span>')
    if gantt.as_of is not None:
        items.append(f'<span class="g-key"><i class="g-key-line" style="background:{AS_OF_COLOUR}"></i>'
                     f'{escape(L("as_of"))} {gantt.as_of.isoformat()}</span>')
    if any(r.status for r in gantt.rows):
        for rag in ("red", "amber", "green"):
            items.append(f'<span class="g-key"><span class="rag rag-{rag}"></span>{escape(L("rag." + rag))}</span>')
    hint = f'<span class="gantt-hint">{escape(L("gantt.scroll"))}</span>'
    return f'<p class="gantt-legend note">{hint}{" ".join(items)}</p>'
