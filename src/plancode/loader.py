"""Plan files -> documents, never a traceback.

What a user writes is untrusted: it may be in the wrong encoding, huge, nested ten
thousand levels deep, an alias bomb, or simply mistyped. Each of those becomes a Problem
(PC100 syntax, PC102 duplicate key, PC106 unreadable) and the file is skipped.

YAML is read with a YAML 1.2-like resolver on LibYAML's C parser when present: only
``true``/``false`` are booleans (``done: yes`` stays the string the SPEC means), dates
stay text until the schema validates them (``2024-02-30`` is a finding, not a
ValueError), ``12:30`` is not the sexagesimal number 750, and mapping keys are always the
text the user wrote.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import MarkedYAMLError
from yaml.reader import ReaderError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from .i18n import Messages
from .problems import Finding, Pointer, Problem, Severity

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_ALIASES = 100
#: a file may expand through aliases to at most this many values beyond what it spells out
ALIAS_EXPANSION_ALLOWANCE = 10_000

MERGE_TAG = "tag:yaml.org,2002:merge"

try:  # LibYAML's C parser when the wheel was built with it
    from yaml._yaml import CParser as _Parser

    _COMPOSER: tuple[type, ...] = (_Parser,)
    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    _COMPOSER = (Reader, Scanner, Parser, Composer)
    HAVE_LIBYAML = False


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_aliases: int = DEFAULT_MAX_ALIASES


class PlanResolver(BaseResolver):
    """YAML 1.2 core schema scalars, plus ``<<`` merge keys for reuse through anchors.

    ``resolve`` runs once per scalar from LibYAML (half a million times for 10,000
    tasks), so it is a lean version of PyYAML's: plan files use no path resolvers, which
    makes descend/ascend bookkeeping unnecessary.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is SequenceNode else "tag:yaml.org,2002:map"


PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
PlanResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
PlanResolver.add_implicit_resolver(MERGE_TAG, re.compile(r"^(?:<<)$"), ["<"])


class PlanConstructor(SafeConstructor):
    """Builds plain dicts, lists, strings and numbers; records duplicate keys."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicate_keys: list[tuple[str, yaml.Mark, yaml.Mark]] = []

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        seen: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            if not isinstance(key_node, ScalarNode):
                raise ConstructorError(None, None, "yaml-key-not-text", key_node.start_mark)
            first = seen.setdefault(key_node.value, key_node.start_mark)
            if first is not key_node.start_mark:
                self.duplicate_keys.append((key_node.value, key_node.start_mark, first))
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ConstructorError(None, None, "yaml-key-not-text", key_node.start_mark)
            # one shared string per distinct key: a 100,000-task repository repeats a
            # dozen keys millions of times, and the parsed data stays in memory
            mapping[sys.intern(key_node.value)] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = node.value.replace("_", "")
        try:
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text)
        except ValueError as exc:  # explicit `!!int abc`, or more digits than Python allows
            raise ConstructorError(None, None, str(exc), node.start_mark) from None

    def construct_yaml_float(self, node: ScalarNode) -> float:
        try:
            return super().construct_yaml_float(node)
        except ValueError as exc:
            raise ConstructorError(None, None, str(exc), node.start_mark) from None

    def construct_undefined(self, node: Node) -> Any:
        raise ConstructorError(
            None, None, f"the tag {node.tag} is not supported in plan files", node.start_mark
        )


# Only the plain data types: no !!timestamp, !!binary, !!set, !!omap or !!python tags.
PlanConstructor.yaml_constructors = {
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": PlanConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": PlanConstructor.construct_yaml_float,
    "tag:yaml.org,2002:str": SafeConstructor.construct_yaml_str,
    "tag:yaml.org,2002:seq": SafeConstructor.construct_yaml_seq,
    "tag:yaml.org,2002:map": SafeConstructor.construct_yaml_map,
    None: PlanConstructor.construct_undefined,
}
PlanConstructor.yaml_multi_constructors = {}


class PlanLoader(*_COMPOSER, PlanConstructor, PlanResolver):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        _COMPOSER[0].__init__(self, stream)
        for base in _COMPOSER[1:]:
            base.__init__(self)
        PlanConstructor.__init__(self)
        PlanResolver.__init__(self)


class _Invalid(Exception):
    """A PC106 reason raised inside the loader and turned into a finding."""

    def __init__(self, message_id: str, line: int = 1, column: int = 1, hint: str = "", **values):
        super().__init__(message_id)
        self.message_id = message_id
        self.line, self.column = line, column
        self.hint = hint
        self.values = values


@dataclass
class Document:
    """One parsed plan file: its data and a lazy map from pointers to positions."""

    path: Path
    display: str
    text: str
    data: Any
    _nodes: Node | None = field(default=None, repr=False)

    @property
    def kind(self) -> str | None:
        if isinstance(self.data, dict):
            kind = self.data.get("kind")
            return kind if isinstance(kind, str) else None
        return None

    def locate(self, pointer: Pointer, key: bool = False) -> tuple[int, int, int]:
        """(line, column, scope line) of the value at ``pointer`` (1-based).

        With ``key=True`` the position of the key naming the last element. A pointer that
        leads nowhere (a missing field) stops at the deepest node that exists. The scope
        line is the first line of the mapping holding the target, where an inline
        ``# plancode: ignore[...]`` may also stand.
        """
        if self._nodes is None:
            loader = PlanLoader(self.text)
            try:
                self._nodes = loader.get_single_node()
            finally:
                loader.dispose()
        node = self._nodes
        scope = node.start_mark.line if node is not None else 0
        target_mark = node.start_mark if node is not None else None
        for step in pointer:
            if isinstance(node, MappingNode):
                scope = node.start_mark.line
                found = None
                for key_node, value_node in node.value:
                    if isinstance(key_node, ScalarNode) and key_node.value == str(step):
                        found = (key_node, value_node)
                if found is None:
                    break
                node = found[1]
                target_mark = found[0].start_mark if key else found[1].start_mark
                if not key:
                    target_mark = _value_mark(found[0], found[1])
            elif isinstance(node, SequenceNode) and isinstance(step, int):
                if not 0 <= step < len(node.value):
                    break
                node = node.value[step]
                scope = node.start_mark.line
                target_mark = node.start_mark
            else:
                break
        if target_mark is None:
            return 1, 1, 1
        return target_mark.line + 1, target_mark.column + 1, scope + 1

    def finding_to_problem(
        self, finding: Finding, severity: Severity
    ) -> Problem:
        line, column, scope = self.locate(finding.pointer, finding.key)
        return Problem(
            self.display, line, column, finding.code, severity, finding.message,
            finding.hint, scope,
        )


def _value_mark(key_node: Node, value_node: Node) -> yaml.Mark:
    # An empty value (`owner:` with nothing after it) has its mark at the next token,
    # often on the following line; the key is the better place to point at.
    if isinstance(value_node, ScalarNode) and value_node.value == "" and not value_node.style:
        return key_node.start_mark
    return value_node.start_mark


_DEPTH_SUSPECT = re.compile(rb"(?m)^[ \t?:-]{48}")


def _check_depth(data: bytes, limit: int) -> None:
    """Refuse documents nested deeper than ``limit`` before LibYAML recurses into them.

    LibYAML's composer recurses once per level (it crashes the interpreter near 100,000
    levels and takes seconds at 20,000), so depth is bounded on the raw text first. The
    common case costs two C-level scans; the fine estimate runs only on suspects.
    """
    if data.count(b"[") + data.count(b"{") <= limit // 2 and not _DEPTH_SUSPECT.search(data):
        return
    depth = deepest = 0
    for match in re.finditer(rb"[\[\]{}]", data):
        depth = depth + 1 if match.group() in b"[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    indent = max((len(m) for m in re.findall(rb"(?m)^[ \t?:-]+", data)), default=0)
    estimate = deepest + indent // 2 + 1
    if estimate > limit:
        raise _Invalid("file-too-deep", hint="file-too-deep-hint", limit=limit)


def _check_aliases(value: Any, spelled_out: int) -> None:
    """Bound what aliases expand to: a 'billion laughs' document is a few hundred bytes
    that PyYAML builds cheaply from shared objects, but every later walk would expand it.
    ``spelled_out`` bounds how many values the text itself holds."""
    budget = spelled_out + ALIAS_EXPANSION_ALLOWANCE
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(item: Any) -> int:
        if not isinstance(item, (dict, list)):
            return 1
        key = id(item)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _Invalid("file-alias-recursive", hint="file-alias-hint")
        active.add(key)
        children = item.values() if isinstance(item, dict) else item
        total = 1
        for child in children:
            total += size(child)
            if total > budget:
                raise _Invalid("file-alias-bomb", hint="file-alias-hint", limit=budget)
        active.discard(key)
        sizes[key] = total
        return total

    size(value)


_ALIAS = re.compile(r"(?<![\w'\"])\*[^\s,\[\]{}]+")


def _count_aliases(text: str) -> int:
    return len(_ALIAS.findall(text))


_COMMON_HAN = "的是部市場场銷销目標标任務务計计劃划人年月日活動动提升新品直播"


def guess_encoding(data: bytes) -> tuple[str, str]:
    """What a non-UTF-8 file looks like: (name for people, name for iconv)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:200].count(b"\x00") > 10:
        return "UTF-16", "UTF-16"
    candidates = []
    for name, codec in (("GB18030 (GBK)", "gb18030"), ("Big5", "big5"), ("Shift_JIS", "shift_jis")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = sum(text.count(ch) for ch in _COMMON_HAN)
        candidates.append((score, name, codec))
    if candidates:
        score, name, codec = max(candidates, key=lambda c: c[0])
        if score:
            return name, codec.upper().replace("_", "-")
    return "Windows-1252 (Latin-1)", "CP1252"


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        name, iconv = guess_encoding(data)
        raise _Invalid("file-encoding", hint="file-encoding-hint", encoding=name, iconv=iconv) from None


# what YAML 1.1/1.2 calls printable, negated
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")

#: full-width punctuation a Chinese input method types where YAML needs the ASCII mark
_FULL_WIDTH = {"：": ":", "，": ",", "［": "[", "］": "]", "｛": "{", "｝": "}", "－": "-"}

_HINTS_BY_REASON = (
    ("mapping values are not allowed", "yaml-syntax-hint-colon"),
    ("could not find expected ':'", "yaml-syntax-hint-colon"),
    ("did not find expected key", "yaml-syntax-hint-colon"),
    ("expected <block end>", "yaml-syntax-hint-colon"),
    ("that cannot start any token", "yaml-syntax-hint-quote"),
    ("did not find expected", "yaml-syntax-hint-quote"),
    ("found undefined alias", "file-alias-hint"),
)


def _syntax_problem(exc: MarkedYAMLError, text: str, display: str, messages: Messages) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    reason = exc.problem or exc.context or "unreadable"
    if "expected a single document" in (exc.context or ""):
        return Problem(display, line, column, "PC100", Severity.ERROR,
                       messages("yaml-multi-doc"), messages("yaml-multi-doc-hint"), line)
    if reason == "yaml-key-not-text":
        return Problem(display, line, column, "PC100", Severity.ERROR,
                       messages("yaml-key-not-text"), "", line)
    if isinstance(exc, ConstructorError):
        return Problem(display, line, column, "PC100", Severity.ERROR,
                       messages("yaml-bad-value", reason=reason), "", line)
    if exc.context and exc.problem:
        reason = f"{exc.problem} ({exc.context})"
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    nearby = "\n".join(lines[max(0, line - 2): line])  # the parser often stops a line late
    if "\t" in source_line[: len(source_line) - len(source_line.lstrip())]:
        hint = messages("yaml-syntax-hint-tab")
    elif any(mark in nearby for mark in _FULL_WIDTH):
        found = next(mark for mark in _FULL_WIDTH if mark in nearby)
        hint = messages("yaml-syntax-hint-full-width", mark=found, ascii=_FULL_WIDTH[found])
    else:
        hint = next((messages(h) for needle, h in _HINTS_BY_REASON if needle in reason), "")
    return Problem(display, line, column, "PC100", Severity.ERROR,
                   messages("yaml-syntax", reason=reason), hint, line)


def load_text(
    data: bytes, path: Path, display: str, messages: Messages, limits: Limits = Limits(),
    cache: Path | None = None,
) -> tuple[Document | None, list[Problem]]:
    """Parse one plan file's bytes. Returns the document (None when unreadable) and the
    problems found while reading it.

    ``cache``: a folder of parsed documents keyed by their bytes (see
    :func:`_cache_key`). A file read cleanly before is not parsed again: its data is
    read back with ``marshal`` (0.1 s instead of 2.3 s for 10,000 tasks' 626 files). Only
    documents without problems are stored, so every finding is still found by parsing.
    """
    key = None
    if cache is not None and len(data) <= limits.max_file_bytes:
        key = _cache_key(data, limits)
        document = _cached_document(cache, key, data, path, display)
        if document is not None:
            return document, []
    document, problems = _load_text(data, path, display, messages, limits)
    if key is not None and document is not None and not problems:
        _store_document(cache, key, document.data)
    return document, problems


#: bump when what a parse produces changes shape
_CACHE_FORMAT = 1


@functools.lru_cache(maxsize=None)
def _cache_salt(limits: Limits) -> bytes:
    """What a parse depends on besides the bytes: plancode's code (any module edited or
    upgraded is a miss), PyYAML's version and the limits."""
    from .check_cache import code_fingerprint  # not at the top: check_cache imports the loader

    return f"{_CACHE_FORMAT}\0{code_fingerprint()}\0{yaml.__version__}\0{limits}\0".encode()


def _cache_key(data: bytes, limits: Limits) -> str:
    return hashlib.sha256(_cache_salt(limits) + data).hexdigest()


def _cached_document(cache: Path, key: str, data: bytes, path: Path, display: str) -> Document | None:
    try:
        stored = (cache / key[:2] / key).read_bytes()
        value = marshal.loads(stored)
        text = _decode(data)
    except (OSError, EOFError, ValueError, TypeError, _Invalid):
        return None  # absent or damaged: parse
    return Document(path, display, text, value)


def _store_document(cache: Path, key: str, value: Any) -> None:
    """Best effort, atomically: a cache that cannot be written costs time only."""
    folder = cache / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # not at the top: it imports shutil, lzma and bz2 (a replayed check writes nothing)

        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            marshal.dump(value, out)
        os.replace(temporary, folder / key)
    except (OSError, ValueError):  # ValueError: a value marshal cannot hold
        try:
            os.unlink(temporary)
        except (OSError, UnboundLocalError):
            pass


def _load_text(
    data: bytes, path: Path, display: str, messages: Messages, limits: Limits
) -> tuple[Document | None, list[Problem]]:

    def unreadable(exc: _Invalid) -> tuple[None, list[Problem]]:
        hint = messages(exc.hint, name=path.name, **exc.values) if exc.hint else ""
        message = messages(exc.message_id, **exc.values)
        return None, [Problem(display, exc.line, exc.column, "PC106", Severity.ERROR,
                              message, hint, exc.line)]

    if len(data) > limits.max_file_bytes:
        return unreadable(_Invalid("file-too-large", hint="file-too-large-hint",
                                   size=len(data), limit=limits.max_file_bytes))
    try:
        text = _decode(data)
        _check_depth(data, limits.max_depth)
    except _Invalid as exc:
        return unreadable(exc)

    loader = PlanLoader(text)
    try:
        value = loader.get_single_data()
    except MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, display, messages)]
    except ReaderError:  # a control character YAML does not allow, e.g. NUL
        # LibYAML's error position is not the character's; find it ourselves
        found = _NOT_PRINTABLE.search(text)
        position = found.start() if found else 0
        before = text[:position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        character = f"U+{ord(found.group()):04X}" if found else "?"
        return None, [Problem(display, line, column, "PC100", Severity.ERROR,
                              messages("yaml-control-character", character=character),
                              messages("yaml-control-character-hint"), line)]
    except RecursionError:
        return unreadable(_Invalid("file-too-deep", hint="file-too-deep-hint", limit=limits.max_depth))
    finally:
        loader.dispose()

    if "&" in text and "*" in text:
        try:
            aliases = _count_aliases(text)
            if aliases > limits.max_aliases:
                raise _Invalid("file-too-many-aliases", hint="file-alias-hint", limit=limits.max_aliases)
            if aliases:
                _check_aliases(value, len(text) // 2)
        except _Invalid as exc:
            return unreadable(exc)

    problems = [
        Problem(display, mark.line + 1, mark.column + 1, "PC102", Severity.ERROR,
                messages("duplicate-key", key=key, first=first.line + 1),
                messages("duplicate-key-hint"), mark.line + 1)
        for key, mark, first in loader.duplicate_keys
    ]
    return Document(path, display, text, value), problems


def load_file(
    path: Path, display: str, messages: Messages, limits: Limits = Limits(), cache: Path | None = None
) -> tuple[Document | None, list[Problem]]:
    def unreadable(message: str, hint: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(display, 1, 1, "PC106", Severity.ERROR, message, hint, 1)]

    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:  # refuse a 50 MB file without reading it
            return unreadable(messages("file-too-large", size=size, limit=limits.max_file_bytes),
                              messages("file-too-large-hint"))
        data = path.read_bytes()
    except OSError as exc:
        return unreadable(messages("file-unreadable", reason=exc.strerror or str(exc)))
    return load_text(data, path, display, messages, limits, cache)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """The path as findings show it: relative to the working directory when inside it."""
    cwd = cwd or Path.cwd()
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return os.path.relpath(path, cwd).replace(os.sep, "/") if path.anchor == cwd.anchor else str(path)
