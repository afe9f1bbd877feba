"""The command line's standard streams, the same for every command: an output that
cannot be written, no output at all, and Ctrl-C.

- stdout on a full disk (``plancode build > /dev/full``) or on a terminal that went away:
  one line on stderr (``plancode: cannot write the output: No space left on device``)
  and exit 2, whatever the command — after a build the site is written all the same.
  A reader that leaves (``plancode export | head -1``, a broken pipe) stays click's
  quiet exit 1.
- no stdout or stderr at all (``plancode check >&-``): the descriptor is filled with
  /dev/null, so nothing is written and the exit code still says how it went, and no file
  plancode opens can take the free descriptor (where a stray write or a git child
  process's output would land in it).
- Ctrl-C, while the command line loads or later: exit 130 (128 + SIGINT, as a shell
  reports a process it interrupted), no traceback, no "Aborted!".

:func:`plancode.usage.run` applies these around every command; :mod:`plancode.__main__`
covers the imports before it.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from typing import Any, Callable

#: the exit code of a command interrupted by Ctrl-C (128 + SIGINT)
EXIT_INTERRUPTED = 128 + signal.SIGINT


class OutputFailed(Exception):
    """stdout could not be written. Not an OSError, so that no command's handler for the
    files it writes itself (the site, --output) takes it for theirs."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Guarded:
    """A stream (sys.stdout, or its binary buffer) whose failed writes raise
    :class:`OutputFailed`; everything else is the stream's own."""

    def __init__(self, stream: Any):
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        try:
            return method(*args)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # the reader left: click's quiet exit
                raise
            raise OutputFailed(exc.strerror or str(exc)) from None

    def write(self, data: Any) -> Any:
        return self._call(self._stream.write, data)

    def writelines(self, lines: Any) -> Any:
        return self._call(self._stream.writelines, lines)

    def flush(self) -> Any:
        return self._call(self._stream.flush)

    @property
    def buffer(self) -> "_Guarded":
        return _Guarded(self._stream.buffer)


def _fill(fd: int, name: str) -> None:
    """A closed standard descriptor gets /dev/null (see the module's docstring)."""
    if getattr(sys, name) is not None:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    if devnull != fd:
        os.dup2(devnull, fd)
        os.close(devnull)
    setattr(sys, name, open(fd, "w", encoding="utf-8", closefd=False))


def guard() -> Callable[[], None]:
    """Set up the streams for a command; returns what puts them back (for a command run
    inside a test's process)."""
    original = sys.stdout
    _fill(2, "stderr")
    _fill(1, "stdout")
    guarded = sys.stdout
    sys.stdout = _Guarded(guarded)

    def restore() -> None:
        if isinstance(sys.stdout, _Guarded):
            sys.stdout = original if original is not None else guarded

    return restore


def _to_devnull(fd: int) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


def output_failed(exc: OutputFailed, locale: str) -> None:
    """One line on stderr, exit 2. What is still buffered for stdout goes to /dev/null,
    so that Python's flush at exit does not fail again; so does stderr when it cannot be
    written either (``> /dev/full 2>&1``): the exit code still says it."""
    import click

    from .i18n import Messages

    _to_devnull(1)
    try:
        click.echo(f"plancode: {Messages(locale)('usage-output-failed', reason=exc.reason)}", err=True)
    except OSError:
        _to_devnull(2)
    sys.exit(2)


def interrupted(line_break: bool = True) -> None:
    """Ctrl-C: a line break after the terminal's ``^C`` (unless click wrote it), exit 130;
    a second Ctrl-C while exiting changes nothing."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if line_break and sys.stderr is not None:
            sys.stderr.write("\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    sys.exit(EXIT_INTERRUPTED)
