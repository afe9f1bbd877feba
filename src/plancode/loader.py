"""Plan files -> documents, never a traceback.

What a user writes is untrusted: it may be in the wrong encoding, huge, nested ten
thousand levels deep, an alias bomb, or simply mistyped. Each of those becomes a Problem
(PC100 syntax, PC102 duplicate key, PC106 unreadable) and the file is skipped.

YAML is read with YAML 1.2 core rules: only ``true``/``false`` are booleans (``done:
yes`` stays the string the SPEC means), dates stay text until the schema validates them
(``2024-02-30`` is a finding, not a ValueError), ``12:30`` is not the sexagesimal number
750, and mapping keys are always the text the user wrote. The native parser
(:mod:`plancode.native_yaml`) reads the files where it provably reads the same as PyYAML;
PyYAML (:mod:`plancode.pyyaml_loader`) reads the rest and reports every error.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import native_yaml
from .i18n import Messages
from .problems import Finding, Pointer, Problem, Severity

if TYPE_CHECKING:
    from .positions import Outline

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_ALIASES = 100
#: a file may expand through aliases to at most this many values beyond what it spells out
ALIAS_EXPANSION_ALLOWANCE = 10_000

@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_aliases: int = DEFAULT_MAX_ALIASES


_PYYAML_NAMES = ("PlanLoader", "PlanResolver", "PlanConstructor", "HAVE_LIBYAML", "MERGE_TAG")


def __getattr__(name: str) -> Any:
    """PyYAML's side under its old names (``from plancode.loader import PlanResolver``),
    imported on first use."""
    if name in _PYYAML_NAMES:
        from . import pyyaml_loader

        return getattr(pyyaml_loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    #: every number in ``data`` is known to be finite and within SPEC §5.7's range (the
    #: native reader checks them as it goes): validation need not look for one
    numbers_checked: bool = field(default=False, repr=False)
    _outline: Outline | None = field(default=None, repr=False)
    _nodes: Any = field(default=None, repr=False)  # PyYAML's node tree, composed when needed

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

        The positions are those of PyYAML's nodes. The outline reads them from the lines
        on the way (:mod:`plancode.positions`); where it cannot, the file is composed
        with PyYAML once.
        """
        if self._outline is None:
            from .positions import Outline  # only once a finding is to be placed

            self._outline = Outline(self.text)
        found = self._outline.locate(pointer, key)
        if found is not None:
            return found
        from . import pyyaml_loader

        if self._nodes is None:
            self._nodes = pyyaml_loader.compose(self.text)
        return pyyaml_loader.locate(self._nodes, pointer, key)

    def finding_to_problem(
        self, finding: Finding, severity: Severity
    ) -> Problem:
        line, column, scope = self.locate(finding.pointer, finding.key)
        return Problem(
            self.display, line, column, finding.code, severity, finding.message,
            finding.hint, scope,
        )


#: a line indented by 48 or more of these (``^`` in multi-line mode, written as two
#: patterns: one opening with a newline is a fast scan for it, ``(?m)^`` is tried at every
#: byte, 0.044 s against 0.010 s for the 626 files of 10,000 tasks)
_DEPTH_SUSPECT_FIRST = re.compile(rb"[ \t?:-]{48}")
_DEPTH_SUSPECT = re.compile(rb"\n[ \t?:-]{48}")
#: innermost [..] and {..}: one pattern when the text has both, else the one that can
#: match (a pattern opening with a literal is a fast scan; the alternation is not)
_INNERMOST = re.compile(rb"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")
_INNERMOST_SQUARE = re.compile(rb"\[[^\[\]{}]*\]")
_INNERMOST_CURLY = re.compile(rb"\{[^\[\]{}]*\}")


def _check_depth(data: bytes, limit: int) -> None:
    """Refuse documents nested deeper than ``limit`` before LibYAML recurses into them.

    LibYAML's composer recurses once per level (it crashes the interpreter near 100,000
    levels and takes seconds at 20,000), so depth is bounded on the raw text first. The
    common case costs a few C-level scans; the fine estimate runs only on suspects.
    """
    if not (_DEPTH_SUSPECT_FIRST.match(data) or _DEPTH_SUSPECT.search(data)):
        openers = data.count(b"[") + data.count(b"{")
        if openers <= limit // 2:
            return
        # many short [..] and {..} (`after: [a, b]` on every task): then limit // 2 levels
        # of them, plus indentation under 48, fit within the limit
        if limit >= 52 and 8 * openers <= len(data):
            bare = data  # innermost [..] and {..} taken out, a level a round
            for _ in range(limit // 2):
                square, curly = b"[" in bare, b"{" in bare
                if not square and not curly:
                    return
                innermost = _INNERMOST if square and curly else _INNERMOST_SQUARE if square else _INNERMOST_CURLY
                reduced = innermost.sub(b"", bare)
                if reduced == bare:
                    break  # a bracket in quoted text: the fine estimate below
                bare = reduced
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


def load_text(
    data: bytes, path: Path, display: str, messages: Messages, limits: Limits = Limits(),
    cache: Path | None = None, store: bool | list[tuple[Path, str, Any]] = True,
) -> tuple[Document | None, list[Problem]]:
    """Parse one plan file's bytes. Returns the document (None when unreadable) and the
    problems found while reading it.

    ``cache``: a folder of parsed documents keyed by their bytes (see
    :func:`_cache_key`). A file read cleanly before is not parsed again: its data is
    read back with ``marshal`` (0.1 s instead of 2.3 s for 10,000 tasks' 626 files). Only
    documents without problems are stored, so every finding is still found by parsing.
    ``store=False`` reads the cache but leaves writing it to someone else (the helper
    process of :mod:`plancode.parallel`); a list instead collects what would be written,
    for :func:`store_documents` to write later, when nobody waits for it.
    """
    key = None
    if cache is not None and len(data) <= limits.max_file_bytes:
        key = _cache_key(data, limits)
        document = _cached_document(cache, key, data, path, display)
        if document is not None:
            return document, []
    document, problems = _load_text(data, path, display, messages, limits)
    if store is not False and key is not None and document is not None and not problems:
        if store is True:
            _store_document(cache, key, document.data)
        else:
            store.append((cache, key, document.data))
    return document, problems


def store_documents(pending: list[tuple[Path, str, Any]], missing: bool = False) -> None:
    """Write the parse cache entries a :func:`load_text` with a list for ``store`` left
    (``missing``: only those not written yet, by another process meanwhile)."""
    for cache, key, value in pending:
        if not (missing and os.path.exists(os.path.join(cache, key[:2], key))):
            _store_document(cache, key, value)


def store_parsed(path: Path, messages: Messages, limits: Limits, cache: Path) -> None:
    """Write the parse cache entry of the file at ``path`` unless it is there already:
    what :func:`load_file` would have stored (nothing for a file with a problem). Best
    effort, as every cache write: a file that cannot be read is left to the reader."""
    try:
        data = path.read_bytes()
    except OSError:
        return
    if len(data) > limits.max_file_bytes:
        return
    key = _cache_key(data, limits)
    if os.path.exists(os.path.join(cache, key[:2], key)):
        return
    document, problems = _load_text(data, path, path.name, messages, limits)
    if document is not None and not problems:
        _store_document(cache, key, document.data)


#: bump when what a parse produces changes shape
_CACHE_FORMAT = 1


@functools.lru_cache(maxsize=None)
def _cache_salt(limits: Limits) -> bytes:
    """What a parse depends on besides the bytes: plancode's code (any module edited or
    upgraded is a miss), the parsers' versions and the limits.

    PyYAML by its package file's size and modification time (an upgrade rewrites it, with
    its version), found without importing PyYAML (a clean repository is read by the
    native parser) or importlib.metadata (25 ms, which a cold check had to wait for)."""
    from importlib.util import find_spec

    from .check_cache import code_fingerprint  # not at the top: check_cache imports the loader

    spec = find_spec("yaml")
    try:
        stat = os.stat(spec.origin)  # type: ignore[union-attr, arg-type]
        pyyaml = f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}"  # type: ignore[union-attr]
    except (AttributeError, TypeError, OSError):  # pragma: no cover - a vendored or frozen PyYAML
        import yaml

        pyyaml = yaml.__version__
    return (f"{_CACHE_FORMAT}\0{code_fingerprint()}\0{pyyaml}\0{native_yaml.VERSION}\0"
            f"{limits}\0").encode()


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
    """Best effort: a cache that cannot be written costs time only."""
    try:
        data = marshal.dumps(value)
    except ValueError:  # a value marshal cannot hold
        return
    write_atomically(os.path.join(cache, key[:2]), key, data)


def write_atomically(folder: str | Path, name: str, data: bytes) -> bool:
    """Write a cache entry, best effort: False when it could not be written.

    Written to a temporary file named after the entry and this process, then renamed:
    no reader sees half an entry, and two processes writing the same entry do not share
    a temporary file (a process id is not reused while its process runs). Plain ``os``
    calls: tempfile.mkstemp and pathlib took 0.7 ms an entry, most of a cold check's
    0.4 s of writing its 626 entries (docs/performance.md)."""
    final = os.path.join(folder, name)
    temporary = f"{final}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        try:
            handle = os.open(temporary, flags, 0o600)
        except FileNotFoundError:  # the folder's first entry
            os.makedirs(folder, exist_ok=True)
            handle = os.open(temporary, flags, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        os.replace(temporary, final)
        return True
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False


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

    value = native_yaml.parse(text)
    if value is not native_yaml.FALLBACK:
        return Document(path, display, text, value, numbers_checked=True), []

    from . import pyyaml_loader

    try:
        readable, value, problems = pyyaml_loader.read(text, display, messages)
    except RecursionError:
        return unreadable(_Invalid("file-too-deep", hint="file-too-deep-hint", limit=limits.max_depth))
    if not readable:
        return None, problems

    if "&" in text and "*" in text:
        try:
            aliases = _count_aliases(text)
            if aliases > limits.max_aliases:
                raise _Invalid("file-too-many-aliases", hint="file-alias-hint", limit=limits.max_aliases)
            if aliases:
                _check_aliases(value, len(text) // 2)
        except _Invalid as exc:
            return unreadable(exc)
    return Document(path, display, text, value), problems


def load_file(
    path: Path, display: str, messages: Messages, limits: Limits = Limits(), cache: Path | None = None,
    store: bool | list[tuple[Path, str, Any]] = True,
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
    return load_text(data, path, display, messages, limits, cache, store)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """The path as findings show it: relative to the working directory when inside it."""
    cwd = cwd or Path.cwd()
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return os.path.relpath(path, cwd).replace(os.sep, "/") if path.anchor == cwd.anchor else str(path)
