"""Where a finding points, found in the text of a plan file without parsing it again.

A finding names its place as a pointer (``("tasks", 57, "end")``); the line and column
are those of the YAML node PyYAML would compose there. Composing every node of a file
again to answer that cost 1.65 s for the 626 files of 10,000 tasks (more than parsing
them), so :class:`Outline` reads only the lines on the way to the place: the entries of
a block mapping or sequence at column *c* are the lines indented at most *c*, which a
regular expression finds without looking at the lines in between.

It reads the YAML that people and ``plancode new`` write: block mappings and sequences,
plain, quoted and block scalars, and flow collections on one line. For anything else —
tabs, anchors, aliases, tags, several documents, complex keys, a quoted scalar or a flow
collection spanning lines, an empty sequence item, an escaped quoted key — it answers
None and the caller composes the file with PyYAML as before. It runs only on texts that
parsed, so it need not recognise errors. ``tests/test_positions.py`` compares it with
PyYAML on every node of every example and generated plan.
"""

from __future__ import annotations

import bisect
import re
from array import array
from functools import lru_cache
from itertools import accumulate
from typing import Any, Iterator

# What the outline does not read, each pattern tried only where a plain substring test
# finds what it looks for (a pattern opening with a look-behind is tried at every character).
_UNSUPPORTED = ("\t", "\r", "\x85", "\u2028", "\u2029", "\ufeff")  # tabs; other line breaks; a BOM inside
_CHECKS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (needles, re.compile(pattern, re.MULTILINE)) for needles, pattern in (
        (("!", "&", "*"), r"(?:^|(?<=[\s\[{,]))[&*!]"),  # anchors, aliases, tags
        (("?",), r"^[ -]*\?(?:[ ]|$)"),  # complex keys
        (('"',), r'(?:^|[\s\[{,:])"(?:[^"\\\n]|\\.)*\\?$'),  # a double-quoted scalar going on past its line
        (("'",), r"(?:^|[\s\[{,:])'(?:[^'\n]|'')*$"),  # a single-quoted one
    ))
_DOCUMENT_MARKER = re.compile(r"\n(?:---|\.\.\.|%)")
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'')
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_SINGLE_QUOTED = re.compile(r"'(?:[^'\n]|'')*'")
_REST_OF_LINE = re.compile(r"#[^\n]*")  # comments (and the end of a plain scalar with # in it)
_FLOW_ON_ONE_LINE = re.compile(r"[\[{][^\[\]{}\n]*[\]}]")  # (a bracket pair of two kinds: not YAML)
_SQUARE_ON_ONE_LINE = re.compile(r"\[[^\[\]{}\n]*[\]}]")
_CURLY_ON_ONE_LINE = re.compile(r"\{[^\[\]{}\n]*[\]}]")
# the next line with something on it, searched from the end of a line: a pattern opening
# with a newline is found by a fast scan for it, one opening with ^ is tried at each character
_CONTENT = re.compile(r"\n *(?=[^ \n#])")
_FIRST_CONTENT = re.compile(r"^ *(?=[^ \n#])", re.MULTILINE)


def _supported(text: str) -> bool:
    # a substring test each: the character class was tried at every character (it was a
    # third of locating the findings of a noisy repository's weekly reports)
    if any(character in text for character in _UNSUPPORTED):
        return False
    # document markers, directives
    if text.startswith(("---", "...", "%")) or _DOCUMENT_MARKER.search(text):
        return False
    for needles, pattern in _CHECKS:
        if any(needle in text for needle in needles) and pattern.search(text):
            return False
    if "[" not in text and "{" not in text:
        return True
    # every flow collection closes on its line: with quoted text and comments taken out,
    # removing the innermost [..] and {..} of each line three times leaves no bracket (a
    # bracket in a plain scalar, `a[1]`, is taken for an unclosed one: PyYAML answers)
    double, single = '"' in text, "'" in text
    # one pattern opening with a literal when the text has one kind of quote (a fast scan)
    bare = (_QUOTED if double and single else _DOUBLE_QUOTED if double else _SINGLE_QUOTED).sub("", text) \
        if double or single else text
    bare = _REST_OF_LINE.sub("", bare) if "#" in bare else bare
    for _ in range(3):
        square, curly = "[" in bare, "{" in bare
        # one pattern opening with a literal when only one kind is left: a fast scan
        bare = (_FLOW_ON_ONE_LINE if square and curly else _SQUARE_ON_ONE_LINE if square
                else _CURLY_ON_ONE_LINE).sub("", bare)
        if not any(bracket in bare for bracket in "[]{}"):
            return True
    return False


@lru_cache(maxsize=None)
def _entries_within(column: int) -> re.Pattern[str]:
    """The next line with content indented at most ``column``, from the end of a line."""
    return re.compile(r"\n {0,%d}(?=[^ \n#])" % column)


class _Unsupported(Exception):
    """What the outline does not read: the caller composes the file with PyYAML."""


class Outline:
    """Positions in one YAML text; :meth:`locate` answers as ``Document.locate`` does."""

    def __init__(self, text: str):
        self.text = text
        self.supported = _supported(text)
        self._line_starts: array | None = None
        # what was read once, for the next finding in the same file (often the same list)
        self._maps: dict[int, list[tuple[str, int, tuple | None]]] = {}
        self._seqs: dict[int, list[tuple]] = {}
        # ... and each place found: a third of a noisy repository's findings share their
        # place with another (a weekly report missing five tasks: five at its `entries`)
        self._found: dict[tuple[tuple[Any, ...], bool], tuple[int, int, int] | None] = {}

    def locate(self, pointer: tuple[Any, ...], key: bool = False) -> tuple[int, int, int] | None:
        """(line, column, scope line), 1-based, or None where PyYAML must answer."""
        if not self.supported:
            return None
        place = (pointer, key)
        if place in self._found:
            return self._found[place]
        try:
            found: tuple[int, int, int] | None = self._locate(pointer, key)
        except _Unsupported:
            found = None
        self._found[place] = found
        return found

    def _locate(self, pointer: tuple[Any, ...], key: bool) -> tuple[int, int, int]:
        found = _FIRST_CONTENT.search(self.text)
        if found is None:
            return 1, 1, 1  # an empty document: PyYAML has no node either
        node = self._node(found.end())
        scope = target = node[1]
        for step in pointer:
            if node[0] == "at":  # a node whose start is known, not yet what it is
                node = self._node(node[1])
            kind = node[0]
            if kind in ("map", "flow-map"):
                scope = node[1]
                if kind == "map":
                    entries = self._maps.get(node[1])
                    if entries is None:
                        entries = self._maps[node[1]] = list(self._block_map(node[1]))
                else:
                    entries = node[2]
                match = None
                for name, key_at, value in entries:
                    if name == str(step):
                        match = key_at, value
                if match is None:
                    break
                key_at, value = match
                if key:
                    target = key_at
                else:
                    target = key_at if value is None else value[1]  # empty: at the key
                if value is None:
                    node = ("scalar", key_at)
                else:
                    node = value
            elif kind in ("seq", "flow-seq") and isinstance(step, int):
                if kind == "seq":
                    items = self._seqs.get(node[1])
                    if items is None:
                        items = self._seqs[node[1]] = list(self._block_seq(node[1]))
                else:
                    items = node[2]
                if not 0 <= step < len(items):
                    break
                node = item = items[step]
                scope = target = item[1]
            else:
                break
        line, column = self._line_column(target)
        return line, column, self._line_column(scope)[0]

    # --- nodes: (kind, start offset[, entries]) -------------------------------------------

    def _node(self, at: int) -> tuple:
        text = self.text
        char = text[at]
        if char == "-" and text[at + 1:at + 2] in (" ", "\n", ""):
            return ("seq", at)
        if char in "[{":
            return self._flow(at)[0]
        if char in "|>":
            return ("scalar", at)
        if self._key(at) is not None:
            return ("map", at)
        return ("scalar", at)

    def _key(self, at: int) -> tuple[str, int] | None:
        """(the key, the offset after its colon) when a block mapping key starts at ``at``."""
        text = self.text
        end = text.find("\n", at)
        if end < 0:
            end = len(text)
        char = text[at]
        if char in "\"'":
            close = _closing_quote(text, at, end)
            after = close + 1
            while after < end and text[after] == " ":
                after += 1
            if after < end and text[after] == ":" and text[after + 1:after + 2] in (" ", "\n", ""):
                raw = text[at + 1:close]
                if char == '"':
                    if "\\" in raw:
                        raise _Unsupported
                    return raw, after + 1
                return raw.replace("''", "'"), after + 1
            return None
        if char in "#|>[]{},&*!%@`" or (char == "-" and text[at + 1:at + 2] in (" ", "\n", "")):
            return None
        position = at
        while True:
            colon = text.find(":", position, end)
            if colon < 0:
                return None
            comment = text.find(" #", at, colon)
            if comment >= 0:
                return None
            if colon + 1 == end or text[colon + 1] == " ":
                return text[at:colon].rstrip(" "), colon + 1
            position = colon + 1

    def _value(self, key_at: int, after_colon: int, column: int) -> tuple | None:
        """The node after a block mapping key at ``column``; None for an empty value."""
        text = self.text
        at = after_colon
        while text[at:at + 1] == " ":
            at += 1
        if at < len(text) and text[at] not in "\n#":
            return ("at", at)
        line_end = text.find("\n", at)
        below = _CONTENT.search(text, line_end) if line_end >= 0 else None
        if below is None:
            return None
        indent = below.end() - below.start() - 1
        if indent > column:
            return ("at", below.end())
        if indent == column and text[below.end()] == "-" and text[below.end() + 1:below.end() + 2] in (" ", "\n", ""):
            return ("seq", below.end())  # a sequence not indented under its key
        return None

    def _block_map(self, at: int) -> Iterator[tuple[str, int, tuple | None]]:
        text = self.text
        column = self._column(at)
        within = _entries_within(column)
        while True:
            key = self._key(at)
            if key is None:
                raise _Unsupported
            name, after = key
            yield name, at, self._value(at, after, column)
            while True:
                line_end = text.find("\n", at)
                if line_end < 0:
                    return
                following = within.search(text, line_end)
                if following is None or following.end() - following.start() - 1 < column:
                    return
                at = following.end()
                if not (text[at] == "-" and text[at + 1:at + 2] in (" ", "\n", "")):
                    break  # the next key (lines starting "- " here are its sequence)

    def _block_seq(self, at: int) -> Iterator[tuple]:
        text = self.text
        column = self._column(at)
        within = _entries_within(column)
        while True:
            item = at + 1
            while text[item:item + 1] == " ":
                item += 1
            if item < len(text) and text[item] not in "\n#":
                yield ("at", item)
            else:
                line_end = text.find("\n", item)
                below = _CONTENT.search(text, line_end) if line_end >= 0 else None
                if below is None or below.end() - below.start() - 1 <= column:
                    raise _Unsupported  # an empty item: PyYAML marks it where the next token is
                yield ("at", below.end())
            line_end = text.find("\n", at)
            if line_end < 0:
                return
            following = within.search(text, line_end)
            if following is None or following.end() - following.start() - 1 != column:
                return
            at = following.end()
            if not (text[at] == "-" and text[at + 1:at + 2] in (" ", "\n", "")):
                return

    def _flow(self, at: int) -> tuple[tuple, int]:
        """The flow collection opening at ``at`` (its entries read) and the offset after it."""
        text = self.text
        mapping = text[at] == "{"
        close = "}" if mapping else "]"
        entries: list = []
        position = at + 1
        while True:
            position = _skip_spaces(text, position)
            char = text[position:position + 1]
            if char == close:
                return ((("flow-map" if mapping else "flow-seq"), at, entries)), position + 1
            if char in ("", "\n", "#"):
                raise _Unsupported
            if char == ",":
                raise _Unsupported  # an empty entry
            if mapping:
                key_at = position
                name, position = self._flow_scalar(position, key=True)
                position = _skip_spaces(text, position)
                value = None
                if text[position:position + 1] == ":":
                    position = _skip_spaces(text, position + 1)
                    if text[position:position + 1] not in (",", close):
                        value, position = self._flow_item(position)
                entries.append((name, key_at, value))
            else:
                item, position = self._flow_item(position)
                if text[_skip_spaces(text, position):][:1] == ":":
                    raise _Unsupported  # a single-pair mapping in a sequence
                entries.append(item)
            position = _skip_spaces(text, position)
            if text[position:position + 1] == ",":
                position += 1
            elif text[position:position + 1] != close:
                raise _Unsupported

    def _flow_item(self, at: int) -> tuple[tuple, int]:
        if self.text[at] in "[{":
            return self._flow(at)
        _, end = self._flow_scalar(at, key=False)
        return ("scalar", at), end

    def _flow_scalar(self, at: int, key: bool) -> tuple[str, int]:
        """(the text of a scalar in a flow collection, the offset after it)."""
        text = self.text
        char = text[at]
        if char in "\"'":
            end = text.find("\n", at)
            close = _closing_quote(text, at, len(text) if end < 0 else end)
            raw = text[at + 1:close]
            if char == '"' and "\\" in raw and key:
                raise _Unsupported
            return raw.replace("''", "'") if char == "'" else raw, close + 1
        if char in "[]{},#&*!|>%@`":
            raise _Unsupported
        position = at
        while position < len(text):
            char = text[position]
            if char in ",[]{}\n":
                break
            if char == ":" and text[position + 1:position + 2] in (" ", ",", "]", "}", "\n", ""):
                break
            if char == "#" and text[position - 1] == " ":
                raise _Unsupported
            position += 1
        return text[at:position].rstrip(" "), position

    # --- offsets to lines and columns -------------------------------------------------------

    def _column(self, at: int) -> int:
        return at - (self.text.rfind("\n", 0, at) + 1)

    def _line_column(self, at: int) -> tuple[int, int]:
        if self._line_starts is None:  # 4 bytes a line, made without a Python loop
            lengths = map(len, self.text.split("\n"))
            self._line_starts = array("I", accumulate(map((1).__add__, lengths), initial=0))
        line = bisect.bisect_right(self._line_starts, at)
        return line, at - self._line_starts[line - 1] + 1


def _skip_spaces(text: str, at: int) -> int:
    while text[at:at + 1] == " ":
        at += 1
    return at


def _closing_quote(text: str, at: int, end: int) -> int:
    quote = text[at]
    position = at + 1
    while position < end:
        char = text[position]
        if quote == '"' and char == "\\":
            position += 2
            continue
        if char == quote:
            if quote == "'" and text[position + 1:position + 2] == "'":
                position += 2
                continue
            return position
        position += 1
    raise _Unsupported
