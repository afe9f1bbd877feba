"""Markdown as text: plan text escaped so that GitHub renders it as text, whatever it
contains (pipes, newlines, HTML, comments, backticks, links, images), Mermaid-safe names,
and the :class:`Table` every Markdown report prints.

Every piece of plan text reaches a Markdown report through :func:`cell` or :func:`text`;
the Jinja environment of :mod:`plancode.render.markdown` refuses to print a value that
did not pass through one of them (see :func:`finalize`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Iterable

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


def finalize(value: Any) -> Any:
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



@dataclass
class Table:
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
        # a row given as Md is rows' lines made already (:meth:`lines`)
        lines.extend(row if isinstance(row, Md) else self.lines([row]) for row in self.rows)
        return Md("\n".join(lines))

    @staticmethod
    def lines(rows: list[list[Any]]) -> Md:
        """Rows of a table as its lines (without the last line break)."""
        return Md("\n".join("|" + "".join(f" {cell(value)} |" for value in row) for row in rows))
