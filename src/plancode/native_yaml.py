"""Plan files read by a native YAML parser where it gives what the PyYAML path gives.

``yaml-rs`` (Rust, YAML 1.2 core schema) parses a plan file 6-9× faster than PyYAML's
LibYAML loader: 0.33 s against 2.1 s for the 626 files of 10,000 tasks. It is used only
where it provably agrees with :class:`plancode.loader.PlanLoader`, and PyYAML stays the
judge of everything else: :func:`parse` returns :data:`FALLBACK` for

- any text it does not parse (syntax errors, duplicate keys: PyYAML reports them at
  their line and column, as PC100/PC102);
- texts using what the two read differently, recognised on the raw text before parsing:
  tags (``!!str``, ``!foo``: PyYAML refuses unknown tags), anchors and aliases (PyYAML
  bounds their expansion), ``<<`` merge keys (not merged by yaml-rs), document markers
  and directives, complex ``?`` keys, characters YAML does not allow, a byte order mark
  (beyond the one the loader strips), and numbers with
  ``_`` or ``0b``, or a sign before ``0x``/``0o`` (numbers to yaml-rs, text to plancode);
- documents with a mapping key that is not text (``2024:``, ``true:``): plancode keeps
  the key as written, which the parsed number no longer tells;
- documents with a number out of range (SPEC §5.7): the PyYAML path reads them and
  validation reports each one, so a document read here needs no such search.

Each check is conservative: a false alarm costs only the time of the PyYAML path.
``tests/test_native_yaml.py`` compares both paths on every example and generated plan,
on random scalars and on the fuzz corpus of damaged files.
"""

from __future__ import annotations

import re
import sys
from typing import Any

try:
    import yaml_rs

    _POLICY = yaml_rs.DuplicateKeyPolicy.Error
    AVAILABLE, VERSION = True, yaml_rs.__version__
except ImportError:  # pragma: no cover - a platform without the wheel: PyYAML reads everything
    AVAILABLE, VERSION = False, "none"

#: returned when the PyYAML path must read the text
FALLBACK = object()

#: SPEC §5.7: numbers in plans are finite and smaller than this in magnitude
#: (:data:`plancode.validate.NUMBER_LIMIT`, which reports those that are not)
NUMBER_LIMIT = 10**15

# Each check is a regular expression run only when a plain substring test finds what it
# looks for: a pattern opening with a look-behind is tried at every character (0.18 s
# each for the 626 files of 10,000 tasks), a substring test is a C scan (2 ms).
_TOKEN = r"(?:^|(?<=[\s\[{,:]))"
_CHECKS: tuple[tuple[tuple[bytes, ...], re.Pattern[str]], ...] = tuple(
    (tuple(n.encode() for n in needles), re.compile(pattern, re.MULTILINE)) for needles, pattern in (
        (("!", "&", "*"), r"(?:^|(?<=[\s\[{,]))[!&*]"),  # a tag, an anchor or an alias
        (("<<",), r"<<"),  # a merge key
        (("?",), r"^[ \t-]*\?(?:[ \t]|$)|(?:^|(?<=[\s\[{,]))\?(?=\S)"),  # complex keys; ?x
        # | or > opening a scalar in [...] or {...}; or not followed by a block scalar header
        (("|", ">"), r"^[^\n]*[\[{][^\n]*(?<=[\s\[{,])[|>]"
                     r"|(?:^|(?<=[\s\[{,]))[|>](?![0-9+-]{0,2} *(?:#[^\n]*)?$)"),
        (("_",), _TOKEN + r"[-+0-9._eExXoObBa-fA-F]*_"),  # 1_000, _9, 5e6_: numbers to yaml-rs
        (("\t",), r"\t"),  # tabs: LibYAML refuses them in many places yaml-rs accepts
    ))
_COLONS = re.compile(
    r"(?:^|(?<=[\s\[{,])):(?=\S)"  # a scalar opening with `:`
    r"|:[,:?\[\]{}]",  # in a flow collection LibYAML refuses `:` before these ([a:], [a:?])
    re.MULTILINE)
_RADIX = re.compile(rb"0[bBXOxo]")
_RADIX_DIFFERENT = re.compile(_TOKEN + r"(?:[-+]?0[bBXO]|[-+]0[xo])", re.MULTILINE)  # 0b101, 0X1F, +0x1F
_DOCUMENTS = re.compile(rb"\n(?:---|\.\.\.|%)")  # document markers and directives
# What YAML calls not printable (LibYAML refuses it, with its own error), and the line
# breaks of YAML 1.1 that YAML 1.2 reads as text (NEL, LS, PS and a lone CR): in the
# text, the characters outside [\t\n\r\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFFFD
# and beyond \uFFFF]. Looked for in the UTF-8 bytes, where each is a byte or a sequence
# no other character contains (a character class over the text tried every character:
# 0.06 s for the 626 files of 10,000 tasks; these scans take 0.01 s).
_FINE_BYTES = bytes(range(256)).translate(None, bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))
_LONE_CR = re.compile(rb"\r(?!\n)")
_C1 = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080-U+009F, NEL among them
_UNPRINTABLE_SEQUENCES = (b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # LS PS FFFE FFFF


def _not_printable(raw: bytes) -> bool:
    """Whether the UTF-8 ``raw`` holds a character YAML does not allow (see above)."""
    return bool(raw.translate(None, _FINE_BYTES)  # a C0 control but tab, LF and CR; DEL
                or (b"\r" in raw and _LONE_CR.search(raw))
                or (b"\xc2" in raw and _C1.search(raw))
                or any(sequence in raw for sequence in _UNPRINTABLE_SEQUENCES))


def _different(text: str, raw: bytes) -> bool:
    """Whether ``text`` (``raw`` in UTF-8) uses anything the two parsers read differently
    (or may). Substrings are looked for in ``raw`` (a byte scan; the text of a Chinese
    plan holds two bytes a character), patterns run on the text: their ``\\s`` is any
    Unicode space, as YAML's own reading of the text."""
    if _not_printable(raw) or raw.startswith((b"---", b"...", b"%")) or _DOCUMENTS.search(raw):
        return True
    if b"\xef\xbb\xbf" in raw:  # a byte order mark left in the text: PyYAML skips one, refuses others
        return True
    for needles, pattern in _CHECKS:
        if any(needle in raw for needle in needles) and pattern.search(text):
            return True
    # every `:` followed by a space or the end of its line (the usual) rules out the rest
    if raw.count(b":") != raw.count(b": ") + raw.count(b":\n") and _COLONS.search(text):
        return True
    if _RADIX.search(raw) and _RADIX_DIFFERENT.search(text):
        return True
    # a block scalar (`notes: |`) in a file with a flow collection going on past its line,
    # where the two may disagree on which of them the lines belong to
    if (b"|" in raw or b">" in raw) and (b"[" in raw or b"{" in raw):
        return not flow_on_one_line(text)
    return False


_FLOW_LINE = re.compile(r"^.*(?:^|(?<=[\s\[{,:]))[\[{].*$", re.MULTILINE)
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'')


def flow_on_one_line(text: str) -> bool:
    """Whether every flow collection in ``text`` (``[...]``, ``{...}``) closes on the line
    where it opens (brackets inside quotes and comments aside)."""
    for match in _FLOW_LINE.finditer(text):
        bare = _QUOTED.sub("", match.group())
        comment = bare.find(" #")
        if comment >= 0:
            bare = bare[:comment]
        if bare.count("[") + bare.count("{") != bare.count("]") + bare.count("}"):
            return False
    return True


def parse(text: str) -> Any:
    """The data of ``text`` as :class:`plancode.loader.PlanLoader` reads it (mapping keys
    interned), or :data:`FALLBACK`."""
    if not AVAILABLE:
        return FALLBACK
    try:
        # Bytes, not the str: yaml-rs reads a str through its UTF-8 form, which CPython
        # then keeps inside the str, and the document keeps the text (77 MB more at
        # 100,000 tasks). Encoding is what making that copy cost anyway.
        raw = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: not printable, PyYAML says where
        return FALLBACK
    if _different(text, raw):
        return FALLBACK
    try:
        value = yaml_rs.load(raw, parse_datetime=False, duplicate_key_policy=_POLICY)
    except Exception:  # noqa: BLE001 - whatever yaml-rs refuses, PyYAML explains
        return FALLBACK
    if type(value) is not dict:  # not a plan file: PyYAML says why, as before
        return FALLBACK
    try:
        return _plain(value)
    except _Different:
        return FALLBACK


class _Different(Exception):
    pass


def _plain(value: Any) -> Any:
    """``value`` with every mapping key interned (one shared string per distinct key: a
    100,000-task repository repeats a dozen keys millions of times and keeps the data in
    memory, as the PyYAML path does).

    Raises _Different for a key that is not text, and for the value ``"\n"``: an empty
    block scalar (``notes: |`` with nothing below) is ``""`` to PyYAML and ``"\n"`` to
    yaml-rs, and ``"\n"`` written out (``"\n"`` quoted) is rare enough to go to PyYAML.
    Raises it too for a number that is not finite or not below :data:`NUMBER_LIMIT` in
    magnitude (a finding, rare): so every number this parser gives is within range, and
    validation need not walk the data again to look for one (``numbers_checked``).
    """
    intern = sys.intern
    if type(value) is dict:
        plain = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _Different
            kind = type(item)
            if kind is str:
                if item == "\n":
                    raise _Different
            elif kind is dict or kind is list:
                item = _plain(item)
            elif (kind is int or kind is float) and not -NUMBER_LIMIT < item < NUMBER_LIMIT:
                raise _Different  # NaN too: it compares false
            plain[intern(key)] = item
        return plain
    items = []
    for item in value:
        kind = type(item)
        if kind is str:
            if item == "\n":
                raise _Different
        elif kind is dict or kind is list:
            item = _plain(item)
        elif (kind is int or kind is float) and not -NUMBER_LIMIT < item < NUMBER_LIMIT:
            raise _Different
        items.append(item)
    return items
