"""A content-hash cache of `plancode check`'s result, for pre-commit's repeated runs.

The key covers everything the findings depend on: every plan file's path and bytes, the
config file's bytes and the effective options (as-of date, locale, selected rules, paths),
the working directory (paths in findings are relative to it), plancode's own code and the
libraries whose answers it keeps (:data:`LIBRARIES`), by each file's size and modification
time, so an upgrade or an edit is a miss. A hit
replays the stored findings without parsing a single file; anything else is a miss that
runs the pipeline and stores its result. Entries are written atomically and read
defensively: a damaged entry is a miss.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
from pathlib import Path
from typing import Iterable

from .config import Config
from .i18n import Messages
from .problems import Problem, Severity
from .loader import write_atomically
from .workspace import UsageError, discover

FORMAT = 2  # bump when the stored shape changes


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/plancode, else ~/.cache/plancode (shared with the chart cache)."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "plancode"


@functools.lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """plancode's own code, templates and styles, by each file's size and modification
    time: an upgrade or an edit changes it; and the libraries whose answers the caches
    keep (:data:`LIBRARIES`), upgraded alone. The JSON Schemas too, wherever they are: in
    a wheel inside the package, in a source checkout (an editable install) the top-level
    schema/ folder, where an edited schema was not seen (its config or check replayed)."""
    package = Path(__file__).resolve().parent
    schemas = Path(os.path.dirname(os.path.abspath(_schemas_file()))).resolve()
    digest = hashlib.sha256()
    folders = [package] if schemas.is_relative_to(package) else [package, schemas]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".json", ".j2", ".css", ".js") and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    for origin in library_files():
        try:
            stat = os.stat(origin)
        except OSError:
            continue
        digest.update(f"{origin}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


#: the libraries whose answers the caches keep: the parsers (what a file reads as, PyYAML's
#: wording of an error), the validators (valid or not, and why), the Chinese converter (the
#: zh-CN words of a stored finding)
LIBRARIES = ("yaml", "yaml_rs", "jsonschema", "jsonschema_rs", "opencc")


def library_files() -> list[str]:
    """Each of :data:`LIBRARIES`' package file, found without importing it: an upgrade
    rewrites it (found by size and time, as plancode's own files; importlib.metadata's
    versions cost 25 ms, which a warm check cannot spend)."""
    from importlib.util import find_spec

    found = []
    for name in LIBRARIES:
        try:
            spec = find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.origin:
            found.append(spec.origin)
    return found


def _schemas_file() -> str:
    from . import schemas  # a package of data files alone: nothing else imported

    return schemas.__file__ or ""


def check_key(config: Config, paths: list[Path] | None, cwd: Path, options: Iterable[str]) -> str | None:
    """The key of this check, or None when the files cannot even be listed (the pipeline
    then reports why)."""
    messages = Messages(config.locale)
    roots = paths or [config.plans_root]
    if any(not p.exists() for p in roots):
        return None
    try:
        files, problems = discover(roots, config, messages, cwd)
    except (OSError, UsageError):
        return None
    if paths:  # references resolve against the whole repository
        extra, _ = discover([config.plans_root], config, messages, cwd) if config.plans_root.is_dir() else ([], [])
        files = sorted(set(files) | set(extra))
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\n{code_fingerprint()}\n{cwd}\n{config.as_of}\n{config.locale}\n".encode())
    digest.update("\n".join(options).encode() + b"\n")
    if config.path is not None:
        digest.update(config.path.read_bytes())
    if config.calendar is not None and config.calendar.holidays:
        # the holidays package's release decides the working days (a new year published)
        from importlib.metadata import version

        digest.update(f"holidays {version('holidays')}\n".encode())
    digest.update(repr(sorted(problems)).encode())
    for path in files:
        try:
            stat = path.stat()
            if stat.st_size > config.limits.max_file_bytes:
                # refused from its size by the loader, unread: so here too (a 5 GB file
                # read whole to be hashed was a MemoryError)
                digest.update(f"\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0too large\0".encode())
                continue
            data = path.read_bytes()
        except OSError:
            return None
        digest.update(f"\0{path}\0{len(data)}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _config_marker(text: str) -> Path:
    digest = hashlib.sha256(f"{FORMAT}\0{code_fingerprint()}\0config\0{text}".encode()).hexdigest()
    return cache_dir() / "config" / digest


def config_valid_before(text: str) -> bool:
    """Whether a plancode.yaml of exactly this text was found valid by this very code
    before: a check then needs neither the schema validator nor its import (20-25 ms of
    the 120 ms check of the example plans). Only valid texts are remembered, so every
    finding in a config is still found. A cache folder that cannot be looked into (owned
    by another user after a sudo run, a name too long) is a miss, as for every cache."""
    try:
        return _config_marker(text).exists()
    except OSError:  # Path.exists raises all but 'not found'
        return False


def remember_valid_config(text: str) -> None:
    """Best effort, as every cache write."""
    marker = _config_marker(text)
    prune(marker.parent)
    write_atomically(marker.parent, marker.name, b"")


def load(key: str) -> tuple[int, list[Problem]] | None:
    try:
        files, records = marshal.loads((cache_dir() / "check" / f"{key}.marshal").read_bytes())
        problems = [Problem(path, line, column, code, Severity(severity), message, hint, scope)
                    for path, line, column, code, severity, message, hint, scope in records]
        return int(files), problems
    except (OSError, ValueError, EOFError, KeyError, TypeError):  # absent or damaged: a miss
        return None


#: entries not written for this long are removed (a check or a parse writes them again)
MAX_AGE = 30 * 24 * 3600


def prune(folder: Path, now: float | None = None) -> None:
    """Remove the entries under ``folder`` older than :data:`MAX_AGE`, at most once a day
    (a stamp file records the last sweep), so that the caches do not grow without end as
    plans are edited. Best effort: what cannot be removed stays."""
    import time

    now = time.time() if now is None else now
    stamp = folder / ".pruned"
    try:
        if now - stamp.stat().st_mtime < 24 * 3600:
            return
    except OSError:
        pass
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        os.utime(stamp, (now, now))
        for path in folder.rglob("*"):
            if path.is_file() and path != stamp and now - path.stat().st_mtime > MAX_AGE:
                path.unlink()
    except OSError:
        pass


def store(key: str, files: int, problems: list[Problem]) -> None:
    """Best effort: a cache that cannot be written costs time, never the result. Stored
    with ``marshal``, one tuple a problem: JSON took 0.04-0.09 s for the 5,600 problems
    of a noisy 10,000-task check (its dicts, then the encoder), marshal 5 ms."""
    folder = cache_dir() / "check"
    prune(folder)
    records = [(p.path, p.line, p.column, p.code, int(p.severity), p.message, p.hint, p.scope_line)
               for p in problems]
    write_atomically(folder, f"{key}.marshal", marshal.dumps((files, records)))
