"""Drawing chart specs (see :mod:`plancode.render.charts`) with matplotlib.

The only module of plancode that imports matplotlib, and only when a chart is not in the
cache. It uses the object-oriented API (``Figure`` without ``pyplot``): no display, no
global figure registry, nothing left open between charts. Settings go through
``rc_context`` so that nothing leaks into other users of matplotlib in the process.

Every position and text comes from the spec; this module decides only geometry in
inches, colours of shading and the drawing primitives. Bars are drawn as one
``PolyCollection`` per layer, not one ``barh`` per task: at hundreds of rows that is the
difference between milliseconds and seconds.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import warnings
from typing import Any, Callable

from . import fonts

#: Fixed salt for the ids matplotlib writes into SVG (clip paths, glyph definitions):
#: with it, and no date in the metadata, the same spec gives byte-identical SVG.
HASH_SALT = "plancode"
FONT_SIZE = 9
SMALL = 8
TITLE_SIZE = 12
TEXT_COLOUR = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
STRIPE = "#f4f6f8"


#: characters XML 1.0 cannot hold at all, not even escaped: matplotlib writes a name's ESC
#: or BEL as it is, and the SVG is then not well-formed (browsers show an error instead)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def draw_svg(spec: dict[str, Any]) -> str:
    """The SVG text of a chart spec, well-formed whatever text the plans hold."""
    return _NOT_XML.sub("", draw(spec, "svg").decode("utf-8", "replace"))


def draw(spec: dict[str, Any], fmt: str = "svg", dpi: int = 100) -> bytes:
    """The chart in ``fmt`` (``svg``, or ``png`` for looking at it). Raises
    :class:`plancode.render.fonts.FontError` when no CJK font can be registered."""
    import matplotlib

    family = fonts.font_family()
    rc = {
        "font.family": family,
        "font.size": FONT_SIZE,
        "text.color": TEXT_COLOUR,
        "axes.edgecolor": "#adb5bd",
        "axes.labelcolor": TEXT_COLOUR,
        "xtick.color": "#495057",
        "ytick.color": TEXT_COLOUR,
        "xtick.labelsize": SMALL,
        "ytick.labelsize": FONT_SIZE,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": HASH_SALT,
        # Glyphs as paths: the SVG shows the same Chinese in any browser, with or
        # without a CJK font installed where it is viewed.
        "svg.fonttype": "path",
        "axes.unicode_minus": False,
    }
    if "text.parse_math" in matplotlib.rcParams:
        # Task names are plain text: "預算 $5000 到 $8000" is not TeX, and a stray "\x"
        # between dollars must not abort the build.
        rc["text.parse_math"] = False
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        # a character no font has (a control character, a rare emoji) is drawn as a box;
        # matplotlib's warning would print that raw character to the build's terminal
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        fig = DRAWERS[spec["kind"]](spec)
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(out, format=fmt, metadata=metadata, dpi=dpi)
    return out.getvalue()


# --- helpers ----------------------------------------------------------------------------


def _em(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def _text_inches(texts: list[str], size: float) -> float:
    return max((_em(t) for t in texts), default=0.0) * size / 72


def _date(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _axes(fig, width: float, height: float, left: float, right: float, top: float, bottom: float):
    """Axes placed by margins in inches, so that rows keep their height whatever the
    chart's size (a 200-row Gantt is as readable as a 4-row one)."""
    return fig.add_axes((left / width, bottom / height,
                         (width - left - right) / width, (height - top - bottom) / height))


def _title(fig, width: float, height: float, left: float, title: str, subtitle: str = "") -> None:
    fig.text(left / width, 1 - 0.22 / height, title, fontsize=TITLE_SIZE, va="top", ha="left")
    if subtitle:
        fig.text(left / width, 1 - 0.46 / height, subtitle, fontsize=SMALL, va="top",
                 ha="left", color=MUTED)


def _date_axis(ax, spec_ticks: dict[str, list], to_x: Callable[[dt.date], float],
               both_sides: bool = False) -> None:
    major = spec_ticks["major"]
    ax.set_xticks([to_x(_date(d)) for d, _ in major], [label for _, label in major])
    ax.set_xticks([to_x(_date(d)) for d in spec_ticks["minor"]], minor=True)
    ax.tick_params(axis="x", which="minor", length=2)
    ax.grid(True, axis="x", which="major", color=GRID, linewidth=0.8)
    ax.grid(True, axis="x", which="minor", color=GRID, linewidth=0.4, alpha=0.6)
    ax.set_axisbelow(True)
    if both_sides:  # a tall chart: dates readable at its top as well as its bottom
        ax.tick_params(axis="x", which="both", top=True, labeltop=True)


def _legend(fig, handles: list, width: float, left: float, columns: int = 6) -> int:
    """A legend under the axes (never over the data); returns its number of lines."""
    if not handles:
        return 0
    columns = max(1, min(columns, len(handles)))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(left / width, 0.0),
               ncol=columns, frameon=False, fontsize=SMALL, handlelength=1.6,
               columnspacing=1.4, borderaxespad=0.3)
    return -(-len(handles) // columns)


def _row_labels(ax, texts: list[str], colours: list[str], axes_width: float) -> None:
    """One name per row, right-aligned left of the axes. Plain texts rather than y tick
    labels: a tick is a label plus two lines plus layout, a fifth of a 200-row chart's
    drawing time for nothing the reader sees."""
    from matplotlib.transforms import blended_transform_factory

    ax.set_yticks([])
    beside = blended_transform_factory(ax.transAxes, ax.transData)
    gap = 0.08 / axes_width
    for i, (text, colour) in enumerate(zip(texts, colours)):
        ax.text(-gap, i, text, transform=beside, ha="right", va="center", fontsize=FONT_SIZE,
                color=colour)


def _as_of_label(ax, at: float, text: str, colour: str, tall: bool) -> None:
    """The as-of date over its line, above the axes (and above the top date labels of a
    tall chart, which would otherwise collide with it)."""
    lo, hi = ax.get_xlim()
    share = (at - lo) / ((hi - lo) or 1)
    # near an edge the label leans inwards, clear of the column header beside the axes
    align = "right" if share > 0.85 else "left" if share < 0.15 else "center"
    ax.annotate(text, (at, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 17 if tall else 3),
                textcoords="offset points", ha=align, va="bottom", fontsize=SMALL, color=colour,
                annotation_clip=False)


def _tint(colour: str, share: float) -> str:
    """``colour`` mixed with white: ``share`` of the colour is kept."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * share) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def _rect(x0: float, x1: float, y0: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


# --- Gantt ------------------------------------------------------------------------------

ROW = 0.3  # inches per Gantt row
BAR_TOP, BAR_BOTTOM = -0.24, 0.16  # the bar within its row (y grows downwards)
BASE_TOP, BASE_BOTTOM = 0.2, 0.33  # the baseline bar, under the current one


def _gantt(spec: dict[str, Any]):
    from matplotlib.collections import PolyCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.transforms import blended_transform_factory

    rows = spec["rows"]
    n = max(len(rows), 1)
    lo, hi = (_date(d) for d in spec["range"])

    def x(day: dt.date) -> float:
        return float((day - lo).days)

    notes = [r["note"] for r in rows] + [spec["note_header"]]
    left = min(max(_text_inches([r["label"] for r in rows], FONT_SIZE) + 0.35, 1.3), 3.2)
    right = max(_text_inches(notes, SMALL) + 0.3, 1.0)
    width = max(10.5, left + right + 6.0)
    legend_lines = -(-len(spec["legend"]) // 6)
    tall = len(rows) > 25
    top = 0.75 + (0.25 if tall else 0)
    bottom = 0.5 + 0.22 * legend_lines + 0.1
    height = top + bottom + n * ROW
    fig = _figure(width, height)
    ax = _axes(fig, width, height, left, right, top, bottom)
    ax.set_xlim(0, x(hi))
    ax.set_ylim(n - 0.5, -0.5)
    ax.spines["left"].set_visible(False)

    # zebra stripes: the eye follows a row from its name to its bar
    stripes = [_rect(0, x(hi), i - 0.5, i + 0.5) for i in range(0, len(rows), 2)]
    ax.add_collection(PolyCollection(stripes, facecolors=STRIPE, edgecolors="none", zorder=0))

    colours = spec["colours"]
    base, back, back_colours, fill, fill_colours, critical = [], [], [], [], [], []
    ms_x, ms_y, ms_colour, ms_edge = [], [], [], []
    for i, row in enumerate(rows):
        if row["baseline"]:
            b0, b1 = (_date(d) for d in row["baseline"])
            base.append(_rect(x(b0), x(b1) + 1, i + BASE_TOP, i + BASE_BOTTOM))
        if not (row["start"] and row["end"]):
            continue
        start, end = x(_date(row["start"])), x(_date(row["end"])) + 1
        if row["milestone"]:
            ms_x.append((start + end) / 2)
            ms_y.append(i)
            ms_colour.append(row["colour"])
            ms_edge.append(colours["critical"] if row["critical"] else TEXT_COLOUR)
            continue
        back.append(_rect(start, end, i + BAR_TOP, i + BAR_BOTTOM))
        back_colours.append(_tint(row["colour"], 0.38))
        done = start + (end - start) * min(max(row["progress"], 0), 100) / 100
        if done > start:
            fill.append(_rect(start, done, i + BAR_TOP, i + BAR_BOTTOM))
            fill_colours.append(row["colour"])
        if row["critical"]:
            critical.append(_rect(start, end, i + BAR_TOP, i + BAR_BOTTOM))
    if base:
        ax.add_collection(PolyCollection(base, facecolors=colours["baseline"], edgecolors="none",
                                         alpha=0.8, zorder=1))
    ax.add_collection(PolyCollection(back, facecolors=back_colours, edgecolors="none", zorder=2))
    ax.add_collection(PolyCollection(fill, facecolors=fill_colours, edgecolors="none", zorder=3))
    if critical:
        ax.add_collection(PolyCollection(critical, facecolors="none", edgecolors=colours["critical"],
                                         linewidths=1.6, zorder=4))

    _links(ax, spec, x)
    if ms_x:
        ax.scatter(ms_x, ms_y, marker="D", s=70, c=ms_colour, edgecolors=ms_edge,
                   linewidths=1.4, zorder=6)

    _row_labels(ax, [r["label"] for r in rows],
                [colours["critical"] if r["critical"] else TEXT_COLOUR for r in rows], width - left - right)
    # progress and owner, in a column beside the axes: never on top of a bar
    beside = blended_transform_factory(ax.transAxes, ax.transData)
    gap = 0.12 / (width - left - right)
    for i, row in enumerate(rows):
        ax.text(1 + gap, i, row["note"], transform=beside, va="center", ha="left",
                fontsize=SMALL, color=TEXT_COLOUR if row["start"] else MUTED)
    ax.text(1 + gap, 1.0, spec["note_header"], transform=ax.transAxes, va="bottom", ha="left",
            fontsize=SMALL, color=MUTED)

    _date_axis(ax, spec["ticks"], x, both_sides=tall)
    if spec["as_of"]:
        at = x(_date(spec["as_of"])) + 1  # the end of the as-of day, as planned progress counts it
        ax.axvline(at, color=colours["as_of"], linestyle="--", linewidth=1.2, zorder=7)
        as_of_label = next(e["label"] for e in spec["legend"] if e["kind"] == "as_of")
        _as_of_label(ax, at, as_of_label, colours["as_of"], tall)

    _title(fig, width, height, left, spec["title"])
    handles = []
    for entry in spec["legend"]:
        kind, colour, label = entry["kind"], entry["colour"], entry["label"]
        if kind == "status":
            handles.append(Patch(facecolor=colour, label=label))
        elif kind == "critical":
            handles.append(Patch(facecolor="white", edgecolor=colour, linewidth=1.6, label=label))
        elif kind == "milestone":
            handles.append(Line2D([], [], marker="D", linestyle="none", markersize=7,
                                  markerfacecolor="white", markeredgecolor=TEXT_COLOUR, label=label))
        elif kind == "baseline":
            handles.append(Patch(facecolor=colour, label=label))
        elif kind == "as_of":
            handles.append(Line2D([], [], color=colour, linestyle="--", linewidth=1.2, label=label))
    _legend(fig, handles, width, left)
    return fig


def _links(ax, spec: dict[str, Any], x: Callable[[dt.date], float]) -> None:
    """Dependency arrows, finish to start: out of the predecessor's end, into the
    successor's start. When the successor starts before its predecessor ends (an overlap
    the plan allows), the line steps back between the two rows."""
    from matplotlib.collections import LineCollection

    rows = spec["rows"]
    if not spec["links"]:
        return
    hi = _date(spec["range"][1])
    step = max(x(hi) * 0.008, 0.35)  # a short horizontal run, in days
    paths, path_colours, heads, head_colours = [], [], [], []
    for pred, succ, critical in spec["links"]:
        p, s = rows[pred], rows[succ]
        x0 = x(_date(p["end"])) + 1
        y0, y1 = float(pred), float(succ)
        x1 = x(_date(s["start"]))
        if x1 - x0 >= 2 * step:
            path = [(x0, y0), (x0 + step, y0), (x0 + step, y1), (x1, y1)]
        else:
            between = y1 - 0.5 if y1 > y0 else y1 + 0.5
            path = [(x0, y0), (x0 + step, y0), (x0 + step, between), (x1 - step, between),
                    (x1 - step, y1), (x1, y1)]
        colour = spec["colours"]["critical"] if critical else spec["colours"]["link"]
        paths.append(path)
        path_colours.append(colour)
        heads.append((x1, y1))
        head_colours.append(colour)
    ax.add_collection(LineCollection(paths, colors=path_colours, linewidths=0.9, zorder=5,
                                     capstyle="butt", joinstyle="miter"))
    ax.scatter([h[0] for h in heads], [h[1] for h in heads], marker=">", s=22,
               c=head_colours, edgecolors="none", zorder=5)


# --- achievement ------------------------------------------------------------------------


def _achievement(spec: dict[str, Any]):
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    rows = spec["rows"]
    n = max(len(rows), 1)
    left = min(max(_text_inches([r["label"] for r in rows], FONT_SIZE) + 0.35, 1.3), 3.4)
    width, right = 9.0, 0.5
    top, bottom = 0.85, 0.95
    height = top + bottom + n * 0.45
    fig = _figure(width, height)
    ax = _axes(fig, width, height, left, right, top, bottom)
    lo, hi = spec["limits"]
    ax.set_xlim(lo, hi)
    ax.set_ylim(n - 0.5, -0.5)
    dev = spec["deviation"]
    ax.axvspan(100 - dev, 100 + dev, color="#2b8a3e", alpha=0.1, linewidth=0, zorder=0)
    ax.axvline(100, color=TEXT_COLOUR, linewidth=1.2, zorder=3)
    defined = [(i, r) for i, r in enumerate(rows) if r["value"] is not None]
    ax.barh([i for i, _ in defined], [r["value"] for _, r in defined], height=0.55,
            color=[r["colour"] for _, r in defined], zorder=2)
    pad = (hi - lo) * 0.01
    for i, row in enumerate(rows):
        at = max(row["value"], 0) + pad if row["value"] is not None else pad
        # on a white ground: the figure stays legible where it crosses the 100% line
        ax.text(at, i, row["text"], va="center", ha="left", fontsize=FONT_SIZE,
                color=TEXT_COLOUR if row["value"] is not None else MUTED, zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.85})
    ax.set_yticks(range(len(rows)), [r["label"] for r in rows])
    ax.tick_params(axis="y", length=0, pad=6)
    ax.spines["left"].set_visible(False)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.grid(True, axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(spec["axis_label"], fontsize=SMALL, color=MUTED)
    _title(fig, width, height, left, spec["title"], spec["subtitle"])
    handles = [Patch(facecolor=e["colour"], label=e["label"]) for e in spec["legend"]]
    handles.append(Patch(facecolor="#2b8a3e", alpha=0.1, label=spec["band_label"]))
    handles.append(Line2D([], [], color=TEXT_COLOUR, linewidth=1.2, label="100%"))
    _legend(fig, handles, width, left, columns=5)
    return fig


# --- KPI trend --------------------------------------------------------------------------


def _kpi_trend(spec: dict[str, Any]):
    from matplotlib.lines import Line2D

    points = spec["points"]
    lo, hi = (_date(d) for d in spec["range"])

    def x(day: dt.date) -> float:
        return float((day - lo).days)

    width, height, left, right, top, bottom = 9.0, 4.2, 0.9, 0.4, 0.75, 0.95
    fig = _figure(width, height)
    ax = _axes(fig, width, height, left, right, top, bottom)
    xs = [x(_date(p["date"])) for p in points]
    ys = [p["value"] for p in points]
    ax.set_xlim(0, x(hi))
    values = ys + [line["value"] for line in spec["lines"]]
    span = (max(values) - min(values)) or abs(max(values)) or 1
    ax.set_ylim(min(values) - span * 0.15, max(values) + span * 0.2)
    handles = []
    for line in spec["lines"]:
        ax.axhline(line["value"], color=line["colour"], linestyle=line["style"], linewidth=1.3, zorder=2)
        handles.append(Line2D([], [], color=line["colour"], linestyle=line["style"],
                              linewidth=1.3, label=line["label"]))
    ax.plot(xs, ys, color=spec["colour"], linewidth=2, marker="o", markersize=5, zorder=3)
    handles.insert(0, Line2D([], [], color=spec["colour"], linewidth=2, marker="o",
                             markersize=5, label=spec["series_label"]))
    for px, p in zip(xs, points):
        ax.annotate(p["text"], (px, p["value"]), xytext=(0, 7), textcoords="offset points",
                    ha="center", va="bottom", fontsize=SMALL, zorder=4)
    _date_axis(ax, spec["ticks"], x)
    ax.grid(True, axis="y", color=GRID, linewidth=0.6)
    ax.set_ylabel(spec["axis_label"], fontsize=SMALL, color=MUTED)
    _title(fig, width, height, left, spec["title"])
    _legend(fig, handles, width, left, columns=3)
    return fig


# --- burn-up ----------------------------------------------------------------------------


def _burnup(spec: dict[str, Any]):
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    lo, hi = (_date(d) for d in spec["range"])

    def x(day: dt.date) -> float:
        return float((day - lo).days)

    width, height, left, right, top, bottom = 9.0, 4.4, 0.8, 0.4, 0.75, 0.95
    fig = _figure(width, height)
    ax = _axes(fig, width, height, left, right, top, bottom)
    ends = [x(_date(end)) for _, end in spec["weeks"]]
    colours, labels = spec["colours"], spec["labels"]
    # Both lines start at 0 at the start of the first week: nothing is due or done before.
    ax.plot([0.0] + ends, [0] + spec["planned"], color=colours["planned"], linestyle="--",
            linewidth=1.5, zorder=2)
    at = x(_date(spec["as_of"])) + 1
    # the week of as_of is not over: its count is what is done by as_of, drawn there
    done_x = [min(end, at) for end in ends[:len(spec["done"])]]
    ax.plot([0.0] + done_x, [0] + spec["done"], color=colours["done"],
            linewidth=2.2, marker="o", markersize=3.5, zorder=3)
    ax.axhline(spec["total"], color=colours["total"], linestyle=":", linewidth=1.3, zorder=1)
    if spec["done"]:
        ax.annotate(str(spec["done"][-1]), (done_x[-1], spec["done"][-1]), xytext=(4, 4),
                    textcoords="offset points", fontsize=SMALL, color=colours["done"])
    ax.axvline(at, color=colours["as_of"], linestyle="--", linewidth=1.2, zorder=4)
    ax.set_xlim(0, x(hi))
    ax.set_ylim(0, max(spec["total"], 1) * 1.08)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, axis="y", color=GRID, linewidth=0.6)
    _date_axis(ax, spec["ticks"], x)
    ax.set_ylabel(spec["axis_label"], fontsize=SMALL, color=MUTED)
    _title(fig, width, height, left, spec["title"])
    handles = [
        Line2D([], [], color=colours["done"], linewidth=2.2, marker="o", markersize=3.5,
               label=labels["done"]),
        Line2D([], [], color=colours["planned"], linestyle="--", linewidth=1.5, label=labels["planned"]),
        Line2D([], [], color=colours["total"], linestyle=":", linewidth=1.3,
               label=f"{labels['total']} {spec['total']}"),
        Line2D([], [], color=colours["as_of"], linestyle="--", linewidth=1.2, label=labels["as_of"]),
    ]
    _legend(fig, handles, width, left, columns=4)
    return fig


# --- load heat map ----------------------------------------------------------------------


def _load(spec: dict[str, Any]):
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.ticker import MaxNLocator
    from matplotlib import colormaps

    rows, weeks = spec["rows"], spec["weeks"]
    n, m = max(len(rows), 1), max(len(weeks), 1)
    first = _date(weeks[0]) if weeks else dt.date(2000, 1, 3)

    def x(day: dt.date) -> float:  # in weeks: one column per week
        return (day - first).days / 7

    left = min(max(_text_inches([r["label"] for r in rows], FONT_SIZE) + 0.35, 1.3), 3.0)
    width, right = 10.5, 1.1
    tall = len(rows) > 25
    top, bottom = 0.75 + (0.25 if tall else 0), 0.55
    height = top + bottom + n * 0.26
    fig = _figure(width, height)
    ax = _axes(fig, width, height, left, right, top, bottom)
    peak = spec["max"]
    # 0 is near-white; every further task one step darker on a yellow-orange-red ramp
    ramp = colormaps["YlOrRd"].resampled(peak + 2)
    cmap = ListedColormap(["#f8f9fa"] + [ramp(i + 1) for i in range(peak)])
    norm = BoundaryNorm([b - 0.5 for b in range(peak + 2)], cmap.N)
    grid = [r["counts"] for r in rows] or [[0] * m]
    image = ax.imshow(grid, aspect="auto", cmap=cmap, norm=norm, interpolation="none",
                      extent=(0, m, n - 0.5, -0.5))
    if len(rows) * m <= 1500:  # numbers in the cells while they stay legible
        for i, row in enumerate(rows):
            for j, count in enumerate(row["counts"]):
                if count:
                    ax.text(j + 0.5, i, str(count), ha="center", va="center", fontsize=7,
                            color="white" if count > peak * 0.6 else TEXT_COLOUR)
    groups = [r["group"] for r in rows]
    for i in range(1, len(rows)):
        if groups[i] != groups[i - 1]:
            ax.axhline(i - 0.5, color="#495057", linewidth=0.8)
    _row_labels(ax, [r["label"] for r in rows], [TEXT_COLOUR] * len(rows), width - left - right)
    ax.set_xlim(0, m)
    ax.set_ylim(n - 0.5, -0.5)
    _date_axis(ax, spec["ticks"], x, both_sides=tall)
    ax.grid(False, axis="x", which="both")
    if spec["as_of"]:
        at = x(_date(spec["as_of"])) + 1 / 7
        ax.axvline(at, color=spec["colours"]["as_of"], linestyle="--", linewidth=1.3)
        _as_of_label(ax, at, spec["as_of_label"], spec["colours"]["as_of"], tall)
    cax = fig.add_axes(((width - right + 0.25) / width, bottom / height,
                        0.15 / width, min(2.5, height - top - bottom) / height))
    bar = fig.colorbar(image, cax=cax)
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    bar.set_label(spec["colorbar_label"], fontsize=SMALL)
    bar.ax.tick_params(labelsize=SMALL)
    _title(fig, width, height, left, spec["title"])
    return fig


DRAWERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "gantt": _gantt,
    "achievement": _achievement,
    "kpi_trend": _kpi_trend,
    "burnup": _burnup,
    "load": _load,
}
