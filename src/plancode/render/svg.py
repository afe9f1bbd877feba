"""The charts' specs (:mod:`plancode.render.charts`) drawn as SVG with real text, in
pure Python: no matplotlib, about a millisecond a chart.

Why: a chart shown as an image shrinks with the page — matplotlib's 9-inch figures put
≈ 4–6 px text on a phone. These charts are drawn for where they are shown: the KPI
trend, burn-up and achievement charts are 360 units wide with 11.5-unit text and are
shown at 100% of their box (at most 36 rem), so a phone (≈ 360 px) shows the text at
≈ 11.5 px and a desktop a little larger; the load chart keeps one unit per CSS pixel and
scrolls sideways. Text stays text: it can be searched, read aloud and hovered (each
point and bar has a ``<title>``).

The same SVG is inlined in the site's pages and written as ``charts/NAME.svg`` for the
Markdown reports (:func:`standalone`). Every text is escaped; every coordinate is
printed with at most one decimal: the same spec gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any, Callable

from markupsafe import Markup
from markupsafe import escape as _markup_escape

#: characters XML 1.0 cannot hold even escaped (ESC, BEL from a pasted name), and DEL and
#: the C1 controls, which HTML counts as parse errors: left out, so that every chart stays
#: a well-formed SVG, inline or standalone (issue #16), and every page valid HTML
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def escape(value: Any) -> Markup:
    """markupsafe's escape, without the characters no XML may hold."""
    return _markup_escape(NOT_XML.sub("", str(value)) if not isinstance(value, Markup) else value)

W = 360  # viewBox width of the charts that fit their box
FONT = 11.5
SMALL = 11
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#d9e2ec"
FONTS = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", '
         '"PingFang SC", "Microsoft YaHei", sans-serif')


def _f(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def em(text: str, latin: float = 0.58) -> float:
    """Width of ``text`` in ems, roughly: CJK characters are one em, others ``latin``."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else latin for c in text)


def shorten(text: str, max_em: float, latin: float = 0.58) -> str:
    """``text`` on one line, cut to ``max_em`` with an ellipsis (the tables carry the full
    names); ``latin``: the width of a non-CJK character, in ems."""
    text = " ".join(str(text).split())
    if em(text, latin) <= max_em:
        return text
    out = ""
    for char in text:
        if em(out + char, latin) > max_em - 1:
            break
        out += char
    return out.rstrip() + "…"


class _Svg:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def text(self, x: float, y: float, value: str, size: float = FONT, anchor: str = "start",
             fill: str = INK, cls: str = "", weight: str = "") -> None:
        extra = f' class="{cls}"' if cls else ""
        extra += f' font-weight="{weight}"' if weight else ""
        extra += f' text-anchor="{anchor}"' if anchor != "start" else ""
        self.add(f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" fill="{fill}"{extra}>{escape(value)}</text>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1,
             dash: str = "", cls: str = "") -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        extra += f' class="{cls}"' if cls else ""
        self.add(f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{stroke}" '
                 f'stroke-width="{_f(width)}"{extra}/>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str, title: str = "", opacity: float = 1,
             cls: str = "") -> None:
        extra = f' fill-opacity="{_f(opacity)}"' if opacity != 1 else ""
        extra += f' class="{cls}"' if cls else ""
        body = f"<title>{escape(title)}</title>" if title else ""
        tag = f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(max(w, 0))}" height="{_f(h)}" fill="{fill}"{extra}'
        self.add(f"{tag}>{body}</rect>" if body else f"{tag}/>")

    def svg(self, width: float, height: float, label: str, cls: str, natural: bool = False) -> str:
        size = f' width="{_f(width)}" height="{_f(height)}"' if natural else ""
        return (f'<svg class="chart-svg {cls}" viewBox="0 0 {_f(width)} {_f(height)}"{size} role="img" '
                f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" font-family="{escape(FONTS)}">'
                + "".join(self.parts) + "</svg>")


def _legend(svg: _Svg, items: list[tuple[str, str, str]], y: float, width: float = W) -> float:
    """Legend entries (kind, colour, label) laid out in lines from ``y``; the y after them."""
    x = 8.0
    for kind, colour, label in items:
        need = 20 + em(label) * SMALL + 12
        if x > 8 and x + need > width - 4:
            x, y = 8.0, y + 17
        if kind == "line":
            svg.line(x, y - 4, x + 14, y - 4, colour, 2)
        elif kind == "dash":
            svg.line(x, y - 4, x + 14, y - 4, colour, 2, "4 2")
        else:
            svg.rect(x, y - 9, 14, 9, colour)
        svg.text(x + 18, y, label, SMALL, fill=MUTED, cls="c-muted")
        x += need
    return y + 8


def _title(svg: _Svg, title: str, subtitle: str = "") -> float:
    lines = _wrap(title, (W - 16) / 13)
    y = 16.0
    for line in lines:
        svg.text(8, y, line, 13, weight="600")
        y += 17
    if subtitle:
        svg.text(8, y, shorten(subtitle, (W - 16) / SMALL), SMALL, fill=MUTED, cls="c-muted")
        y += 15
    return y


def _wrap(text: str, max_em: float, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of ``max_em``, the last one shortened."""
    words = " ".join(str(text).split())
    out: list[str] = []
    while words and len(out) < lines - 1 and em(words) > max_em:
        cut = 0
        while cut < len(words) and em(words[:cut + 1]) <= max_em:
            cut += 1
        space = words.rfind(" ", 0, cut)
        if space > cut // 2 and not any(unicodedata.east_asian_width(c) in "WF" for c in words[:cut]):
            cut = space
        out.append(words[:cut].rstrip())
        words = words[cut:].lstrip()
    out.append(shorten(words, max_em))
    return [line for line in out if line] or [""]


def _plot(axis: list[float], dates: list[str], y: float):
    """The plot area of a chart over time below ``y``, its value ``axis`` labelled on the
    left: (left, right, top, bottom, x(day), y(value))."""
    a_lo, a_hi = axis[0], axis[-1]
    label_w = max(em(_tick_text(v)) for v in axis) * SMALL + 10
    left, right, top = 8 + label_w, W - 12.0, y + 16
    bottom = top + 150
    lo, hi = (dt.date.fromisoformat(d) for d in dates)

    def x(day: dt.date) -> float:
        return left + (day - lo).days / max((hi - lo).days, 1) * (right - left)

    def yv(value: float) -> float:
        return bottom - (value - a_lo) / ((a_hi - a_lo) or 1) * (bottom - top)

    return left, right, top, bottom, x, yv


def _nice(hi: float, lo: float = 0.0, count: int = 4) -> list[float]:
    """Round axis values from lo to at least hi."""
    span = hi - lo if hi > lo else abs(hi) or 1
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw)
    first = math.floor(lo / step) * step
    values, v = [], first
    while v < hi + step * 0.999:
        values.append(round(v, 10))
        v += step
    return values


def _tick_text(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _date_ticks(svg: _Svg, ticks: dict[str, list], x: Callable[[dt.date], float], y0: float, y1: float,
                left: float, right: float) -> None:
    last_end = -1e9
    for iso, label in ticks["major"]:
        at = x(dt.date.fromisoformat(iso))
        if not left - 0.5 <= at <= right + 0.5:
            continue
        svg.line(at, y0, at, y1, GRID, 0.8, cls="c-grid")
        width = em(label) * SMALL
        start = min(max(at - width / 2, left - 20), right + 10 - width)
        if start > last_end + 4:  # labels never overlap: one is left out instead
            svg.text(start + width / 2, y1 + 14, label, SMALL, "middle", MUTED, "c-muted")
            last_end = start + width


# --- achievement ----------------------------------------------------------------------------

def achievement(spec: dict[str, Any]) -> tuple[str, float, float]:
    """Bars of achievement % per KPI, a label line above each; a period not judged yet
    is grey (its spec says ``judged: false``)."""
    svg = _Svg()
    y = _title(svg, spec["title"], spec.get("subtitle", ""))
    lo, hi = spec["limits"]
    left, right = 16.0, W - 52.0

    def x(value: float) -> float:
        return left + (value - lo) / (hi - lo) * (right - left)

    rows = spec["rows"]
    top = y + 4
    row_h = 34
    bottom = top + row_h * len(rows)
    dev = spec["deviation"]
    svg.rect(x(100 - dev), top, x(100 + dev) - x(100 - dev), bottom - top, "#2b8a3e", opacity=0.1)
    for value in _nice(hi, min(lo, 0)):
        if lo <= value <= hi:
            svg.line(x(value), top, x(value), bottom, GRID, 0.8, cls="c-grid")
            svg.text(x(value), bottom + 13, f"{_tick_text(value)}%", SMALL, "middle", MUTED, "c-muted")
    judged = spec.get("judged", True)
    for i, row in enumerate(rows):
        ry = top + i * row_h
        svg.text(8, ry + 13, shorten(row["label"], (W - 16) / FONT), FONT)
        colour = row["colour"] if judged else "#98a2b3"
        if row["value"] is not None:
            x0, x1 = x(max(lo, 0)), x(row["value"])
            svg.rect(min(x0, x1), ry + 18, abs(x1 - x0), 11, colour, f'{row["label"]}: {row["text"]}')
            svg.text(max(x0, x1) + 4, ry + 28, row["text"], SMALL, fill=INK)
        else:
            svg.text(x(max(lo, 0)) + 4, ry + 28, row["text"], SMALL, fill=MUTED, cls="c-muted")
    svg.line(x(100), top - 2, x(100), bottom, INK, 1.2, cls="c-ink")
    y = bottom + 32
    items = ([("box", e["colour"], e["label"]) for e in spec["legend"]] if judged
             else [("box", "#98a2b3", spec.get("not_judged_label", ""))])
    items += [("box", "#cfe5d4", spec["band_label"]), ("line", INK, "100%")]
    y = _legend(svg, items, y)
    return svg.svg(W, y, spec["title"], "c-fit"), W, y


# --- KPI trend ------------------------------------------------------------------------------

def kpi_trend(spec: dict[str, Any]) -> tuple[str, float, float]:
    svg = _Svg()
    y = _title(svg, spec["title"])
    svg.text(8, y + 2, shorten(spec["axis_label"], (W - 16) / SMALL), SMALL, fill=MUTED, cls="c-muted")
    points = spec["points"]
    values = [p["value"] for p in points] + [line["value"] for line in spec["lines"]]
    vlo, vhi = min(values), max(values)
    span = (vhi - vlo) or abs(vhi) or 1
    axis = _nice(vhi + span * 0.15, max(vlo - span * 0.15, 0) if vlo >= 0 else vlo - span * 0.15)
    left, right, top, bottom, x, yv = _plot(axis, spec["range"], y)

    for value in axis:
        svg.line(left, yv(value), right, yv(value), GRID, 0.8, cls="c-grid")
        svg.text(left - 5, yv(value) + 4, _tick_text(value), SMALL, "end", MUTED, "c-muted")
    _date_ticks(svg, spec["ticks"], x, top, bottom, left, right)
    for line in spec["lines"]:
        dash = "5 3" if line["style"] == "dashed" else "2 3"
        svg.line(left, yv(line["value"]), right, yv(line["value"]), line["colour"], 1.5, dash)
    coords = [(x(dt.date.fromisoformat(p["date"])), yv(p["value"])) for p in points]
    if len(coords) > 1:
        svg.add(f'<polyline points="{" ".join(f"{_f(a)},{_f(b)}" for a, b in coords)}" fill="none" '
                f'stroke="{spec["colour"]}" stroke-width="2"/>')
    labelled = len(points) <= 8
    for (px, py), p in zip(coords, points):
        svg.add(f'<circle cx="{_f(px)}" cy="{_f(py)}" r="4" fill="{spec["colour"]}">'
                f'<title>{escape(p["week"])}: {escape(p["text"])}</title></circle>')
        if labelled:
            svg.text(px, py - 8, p["text"], SMALL, "middle")
    y = bottom + 36
    items = [("line", spec["colour"], spec["series_label"])]
    items += [("dash", line["colour"], line["label"]) for line in spec["lines"]]
    y = _legend(svg, items, y)
    return svg.svg(W, y, spec["title"], "c-fit"), W, y


# --- burn-up --------------------------------------------------------------------------------

def burnup(spec: dict[str, Any]) -> tuple[str, float, float]:
    svg = _Svg()
    y = _title(svg, spec["title"])
    svg.text(8, y + 2, spec["axis_label"], SMALL, fill=MUTED, cls="c-muted")
    total = max(spec["total"], 1)
    axis = _nice(total * 1.05)
    left, right, top, bottom, x, yv = _plot(axis, spec["range"], y)

    for value in axis:
        svg.line(left, yv(value), right, yv(value), GRID, 0.8, cls="c-grid")
        svg.text(left - 5, yv(value) + 4, _tick_text(value), SMALL, "end", MUTED, "c-muted")
    _date_ticks(svg, spec["ticks"], x, top, bottom, left, right)
    colours, labels = spec["colours"], spec["labels"]
    ends = [x(dt.date.fromisoformat(end)) for _, end in spec["weeks"]]
    svg.line(left, yv(spec["total"]), right, yv(spec["total"]), colours["total"], 1.3, "2 3")
    planned = [(left, yv(0))] + [(e, yv(v)) for e, v in zip(ends, spec["planned"])]
    svg.add(f'<polyline points="{" ".join(f"{_f(a)},{_f(b)}" for a, b in planned)}" fill="none" '
            f'stroke="{colours["planned"]}" stroke-width="1.6" stroke-dasharray="5 3"/>')
    at = x(dt.date.fromisoformat(spec["as_of"]) + dt.timedelta(days=1))
    done = [(left, yv(0))] + [(min(e, at), yv(v)) for e, v in zip(ends, spec["done"])]
    svg.add(f'<polyline points="{" ".join(f"{_f(a)},{_f(b)}" for a, b in done)}" fill="none" '
            f'stroke="{colours["done"]}" stroke-width="2.2"/>')
    for (px, py), (week, _), value in zip(done[1:], spec["weeks"], spec["done"]):
        svg.add(f'<circle cx="{_f(px)}" cy="{_f(py)}" r="2.5" fill="{colours["done"]}">'
                f'<title>{escape(week)}: {value} / {spec["total"]}</title></circle>')
    if spec["done"]:
        svg.text(done[-1][0] + 4, done[-1][1] - 5, str(spec["done"][-1]), SMALL, fill=colours["done"])
    svg.line(at, top, at, bottom, colours["as_of"], 1.3, "4 2")
    y = bottom + 36
    y = _legend(svg, [("line", colours["done"], labels["done"]), ("dash", colours["planned"], labels["planned"]),
                      ("dash", colours["total"], f"{labels['total']} {spec['total']}"),
                      ("dash", colours["as_of"], labels["as_of"])], y)
    return svg.svg(W, y, spec["title"], "c-fit"), W, y


# --- load -----------------------------------------------------------------------------------

LOAD_CELL, LOAD_ROW = 16, 22


def load(spec: dict[str, Any]) -> tuple[str, float, float]:
    """A heat map at one unit per CSS pixel: names left, one column per week."""
    svg = _Svg()
    rows, weeks = spec["rows"], spec["weeks"]
    label_w = max([em(r["label"]) * FONT for r in rows] + [60]) + 14
    y = _title(svg, spec["title"])
    top = y + 22
    width = label_w + LOAD_CELL * max(len(weeks), 1) + 12
    lo = dt.date.fromisoformat(weeks[0]) if weeks else None

    def x(day: dt.date) -> float:
        return label_w + (day - lo).days / 7 * LOAD_CELL

    peak = max(spec["max"], 1)
    for i, row in enumerate(rows):
        ry = top + i * LOAD_ROW
        svg.text(label_w - 6, ry + 15, row["label"], FONT, "end")
        for j, count in enumerate(row["counts"]):
            if count:
                share = 0.18 + 0.82 * count / peak
                svg.rect(label_w + j * LOAD_CELL + 1, ry + 2, LOAD_CELL - 2, LOAD_ROW - 4, "#2f6db5",
                         f'{row["label"]} · {weeks[j]}: {count}', opacity=share)
    bottom = top + LOAD_ROW * max(len(rows), 1)
    if lo is not None:
        last = -1e9
        for iso, label in spec["ticks"]["major"]:
            at = x(dt.date.fromisoformat(iso))
            if label_w <= at <= width and at > last + 4:
                svg.line(at, top - 4, at, bottom, GRID, 0.8, cls="c-grid")
                svg.text(at + 2, top - 6, label, SMALL, fill=MUTED, cls="c-muted")
                last = at + em(label) * SMALL
        if spec["as_of"]:
            at = x(dt.date.fromisoformat(spec["as_of"]))
            svg.line(at, top - 4, at, bottom, spec["colours"]["as_of"], 1.5)
    y = bottom + 22
    svg.text(8, y, f'{spec["colorbar_label"]}: 1 – {spec["max"]}', SMALL, fill=MUTED, cls="c-muted")
    if spec["as_of"]:
        svg.line(8 + em(f'{spec["colorbar_label"]}: 1 – {spec["max"]}') * SMALL + 12, y - 8,
                 8 + em(f'{spec["colorbar_label"]}: 1 – {spec["max"]}') * SMALL + 12, y + 2,
                 spec["colours"]["as_of"], 2)
        svg.text(8 + em(f'{spec["colorbar_label"]}: 1 – {spec["max"]}') * SMALL + 18, y,
                 spec["as_of_label"], SMALL, fill=MUTED, cls="c-muted")
    y += 10
    return svg.svg(width, y, spec["title"], "c-natural", natural=True), width, y


KINDS = {"achievement": achievement, "kpi_trend": kpi_trend, "burnup": burnup, "load": load}


def inline(spec: dict[str, Any]) -> str | None:
    """The chart for a page, or None for a kind drawn elsewhere (the Gantt: render/gantt.py)."""
    draw = KINDS.get(spec["kind"])
    return draw(spec)[0] if draw else None


def standalone(spec: dict[str, Any]) -> str:
    """The chart as an SVG file (the Markdown reports' ``charts/NAME.svg``): a white
    ground and a size, so that it reads the same in any viewer."""
    text, width, height = KINDS[spec["kind"]](spec)
    head, rest = text.split(">", 1)
    if ' width="' not in head:
        head += f' width="{_f(width * 2)}" height="{_f(height * 2)}"'
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + head + '>'
            + '<rect width="100%" height="100%" fill="#ffffff"/>' + rest + "\n")
