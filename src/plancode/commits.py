"""Each plan file's last commit, for the site ("last changed … by …"), and the reading
of a commit's time. Apart from :mod:`plancode.history` (which re-exports them), so that a
build — which asks on every run, an unchanged one too — imports neither GitPython nor the
diff machinery: git is run as a plain process."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from .config import Config
from .i18n import Messages


def separators() -> tuple[str, str]:
    """Field and record separators for ``git log --format``: random per run, so that no
    author name or subject (which may hold any byte, \\x1e and \\x1f included) can fake one."""
    import secrets

    token = secrets.token_hex(8)
    return f"\x1f{token}\x1f", f"\x1e{token}\x1e"


_EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
_LATEST = dt.datetime(2199, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)


def commit_time(stamp: str, local: str = "") -> dt.datetime:
    """A commit's time from ``%at`` (seconds since 1970) in the zone of ``%ai``
    (``+0800``). Whatever a commit claims, the result is a datetime: a zone beyond ±24 h
    is read as UTC, and a time outside the years 1900–2199 (SPEC §5.7; git stores year
    10000 happily) is clamped to that range."""
    try:
        seconds = int(stamp.strip())
    except ValueError:
        seconds = 0
    zone = dt.timezone.utc
    match = re.search(r"([+-])(\d{2})(\d{2})\s*$", local)
    if match:
        minutes = int(match[2]) * 60 + int(match[3])
        if minutes < 24 * 60:
            zone = dt.timezone(dt.timedelta(minutes=minutes if match[1] == "+" else -minutes))
    earliest, latest = int(_EARLIEST.timestamp()), int(_LATEST.timestamp())
    moment = dt.datetime.fromtimestamp(min(max(seconds, earliest), latest), dt.timezone.utc)
    return moment.astimezone(zone) if earliest + 86400 < seconds < latest - 86400 else moment


def last_changes(config: Config, cwd: Path) -> dict[str, tuple[dt.date, str]]:
    """For the site: {plan file relative to the config's folder (POSIX, e.g.
    "plans/2024/strategy.yaml"): (date, author name) of the last commit that changed it}.

    Empty outside a git repository or without commits (the site then says nothing);
    files never committed are absent. One ``git log`` walk, stopped once every current
    plan file is accounted for.

    git is run as a plain process, not through GitPython: every build asks (an unchanged
    one too, for its inputs' digest), and importing GitPython took 0.08 s of the 0.27 s of
    an unchanged build at 10,000 tasks. What :class:`Repository` refuses — no git, not a
    repository, a bare one, no commit yet, a HEAD git cannot read — gives {} here too."""
    import subprocess

    from .workspace import discover

    def git(*args: str, cwd: Path = config.root) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
        except OSError:  # no git, or the folder is gone
            return None
        return os.fsdecode(done.stdout) if done.returncode == 0 else None

    # one process: fails outside a work tree (a bare repository too), before the first
    # commit, and when HEAD's commit cannot be read (a damaged repository)
    found = git("rev-parse", "--show-toplevel", "HEAD^{commit}")
    lines = found.strip().splitlines() if found else []
    if len(lines) != 2:
        return {}
    top = Path(lines[0]).resolve()
    try:
        plans_rel = config.plans_root.resolve().relative_to(top).as_posix()
    except ValueError:  # plans outside the repository
        return {}
    root = config.root.resolve()
    files, _ = discover([config.plans_root], config, Messages(config.locale), cwd) if config.plans_root.is_dir() \
        else ([], [])
    wanted = set()
    plans, plans_real = config.plans_root.absolute(), config.plans_root.resolve()
    for path in files:
        try:
            # a plain file under the plans: its place found by its path, not by resolving
            # each of its folders again (626 files: 35 ms of every build)
            real = (plans_real / path.relative_to(plans) if not os.path.islink(path) and path.is_relative_to(plans)
                    else path.resolve())
            wanted.add(_key(top / real.relative_to(top), root))
        except ValueError:  # a file linked from outside the repository: git has no history of it
            continue
    # only the files in HEAD's tree have a last commit: one not committed yet (a new
    # workstream, plans in an ignored folder) would have the walk below read the whole
    # history for nothing, on every build (70 ms here for a repository of 1,000 commits)
    listed = git("ls-tree", "--full-tree", "-r", "--name-only", "-z", "HEAD", "--", plans_rel, cwd=top) \
        if wanted else None
    if listed is None:
        return {}
    wanted &= {_key(top / name, root) for name in listed.split("\0") if name}
    if not wanted:
        return {}
    found: dict[str, tuple[dt.date, str]] = {}
    unit, record_end = (part.encode() for part in separators())
    process = subprocess.Popen(["git", "log", f"--format={record_end.decode()}%at{unit.decode()}%ai{unit.decode()}"
                                f"%an{unit.decode()}", "--name-only", "-z", "HEAD", "--", plans_rel],
                               cwd=top, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        buffer = b""
        for chunk in iter(lambda: process.stdout.read(65536), b""):
            buffer += chunk
            *records, buffer = buffer.split(record_end)
            for record in records:
                _take(record, unit, top, root, wanted, found)
            if wanted and wanted <= found.keys():
                break
        else:
            _take(buffer, unit, top, root, wanted, found)
    finally:
        # stopped early: the rest of the history is not needed
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.wait()
    return {path: found[path] for path in sorted(found)}


def _key(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _take(record: bytes, unit: bytes, top: Path, root: Path, wanted: set[str],
          found: dict[str, tuple[dt.date, str]]) -> None:
    parts = record.split(unit)
    if len(parts) != 4:  # the empty text before the first record
        return
    stamp, local, author, names = (part.decode("utf-8", "replace") for part in parts)
    when = commit_time(stamp, local).date()
    for name in names.split("\0"):
        name = name.strip("\n")
        if not name:
            continue
        key = _key(top / name, root)
        if key in wanted and key not in found:
            found[key] = (when, author)
