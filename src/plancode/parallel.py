"""A second process beside the pipeline, on machines with more than one CPU.

A cold check of 10,000 tasks is one process doing, in order, reading and parsing 626
files, building the model, the rules and, when there are thousands of findings,
locating each in its file. On a second CPU a forked process (:class:`Helper`) takes
part of that work — the files to read, taken one at a time by whichever process is free
(:class:`Claims`), the tracking rules and the files with their findings to
locate — and sends its results back through a pipe with ``marshal``; after that it
may do work nobody waits for (writing the parse cache), and the pipeline waits for it
before it returns, so no process outlives the command.

Whatever the helper cannot give (it failed, was killed, the platform cannot fork) the
caller does itself: the output is the same either way, only the time differs. Forking
is used only where it is the platform's own way to start a process (Linux; macOS and
Windows start a fresh interpreter, which would cost more than it saves) and only while
this process runs no other thread.
"""

from __future__ import annotations

import io
import marshal
import os
import sys
from typing import Any, BinaryIO, Callable, Iterable, Iterator


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (taskset, cgroups)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a helper may be forked here and now: Linux, and no thread but this one (a
    lock held by another thread at the fork would stay locked in the child)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


class Helper:
    """A forked process sending back each item ``job()`` yields (anything ``marshal``
    holds), then running ``after()``, whose result nobody reads. When no process can be
    forked (a limit on processes or descriptors) it is a helper that sent nothing.

    :meth:`results` yields the items as they arrive. It stops early when the helper
    stopped sending (it raised, died, or sent something damaged), and :attr:`complete`
    then stays False: the caller does the rest itself. :meth:`wait` waits for the helper
    to end; call it before the command ends.
    """

    def __init__(self, job: Callable[[], Iterable[Any]],
                 after: Callable[[], None] = lambda: None):
        self._ended = False
        self._complete: list[bool] = []
        try:
            read, write = os.pipe()
        except OSError:  # no descriptor left: a helper that sends nothing
            self._source, self._ended = io.BytesIO(), True
            return
        try:
            self.pid = os.fork()
        except OSError:  # no process left (ulimit -u, a container's pids.max, memory)
            os.close(read)
            os.close(write)
            self._source, self._ended = io.BytesIO(), True
            return
        if self.pid == 0:  # pragma: no cover - the child; coverage does not follow it
            status = 1
            try:
                os.close(read)
                # all made before any is sent: a pipe holds 64 kB, and a helper blocked on
                # it until the parent reads would do its work after the parent's, not beside
                records = []
                for item in job():
                    data = marshal.dumps(item)
                    records += (len(data).to_bytes(8, "little"), data)
                records.append(_END)
                with os.fdopen(write, "wb") as out:
                    out.writelines(records)
                del records
                after()
                status = 0
            except BaseException:  # noqa: BLE001 - the parent does the work instead
                pass
            finally:
                # no atexit handlers, no flushing of buffers inherited from the parent
                os._exit(status)
        try:
            os.close(write)
            self._source = os.fdopen(read, "rb")
        except BaseException:  # Ctrl-C just after the fork: no one would wait for the helper
            for fd in (write, read):
                try:
                    os.close(fd)
                except OSError:
                    pass
            os.waitpid(self.pid, 0)
            raise

    @property
    def complete(self) -> bool:
        """Whether :meth:`results` read every item the helper made."""
        return bool(self._complete)

    def results(self) -> Iterator[Any]:
        try:
            yield from _items(self._source, self._complete)
        finally:
            self._source.close()

    def ready(self) -> bool:
        """Whether :meth:`results` would not block: the helper has sent (it sends all at
        once), ended, or never started."""
        import select

        try:
            return bool(select.select([self._source.fileno()], [], [], 0)[0])
        except (OSError, ValueError, io.UnsupportedOperation):  # closed, or no process: nothing to wait for
            return True

    def wait(self) -> None:
        """Wait for the helper to end (closing our end of the pipe first, so that it
        cannot block on sending what nobody reads)."""
        self._source.close()
        if not self._ended:
            self._ended = True
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:  # pragma: no cover - already reaped
                pass


class Claims:
    """The numbers 0 … ``count`` − 1 shared out, first come first served, between this
    process and the helpers it forks after making this: each iterates and gets the next
    number nobody took. So the two finish together however fast each runs (a core shared
    with another program, a process that had other work first), where a fixed half each
    leaves one waiting for the other.

    A pipe holding the numbers, 4 bytes each, which every process reads 4 bytes at a time:
    Linux copies one read from a pipe under the pipe's lock, so no number is read twice or
    split. All are written before anyone reads (a pipe holds 64 kB: 16,384 numbers, or
    fewer: :attr:`most`; the caller claims groups of items when it has more).
    """

    SIZE = 4
    MOST = 65536 // SIZE

    def __init__(self, count: int | None = None):
        self._read, write = os.pipe()
        self._write: int | None = write
        #: how many numbers this pipe holds: 16,384 (64 kB), unless the user's pipes
        #: already hold more than pipe-user-pages-soft (64 MB: a desktop's browser and
        #: editor), when Linux gives a new pipe 8 kB and a write of more waited for ever
        self.most = self.MOST
        try:
            import fcntl

            self.most = min(self.MOST, fcntl.fcntl(write, fcntl.F_GETPIPE_SZ) // self.SIZE)
        except (ImportError, AttributeError, OSError):  # pragma: no cover - not Linux
            pass
        if count is not None:
            self.fill(count)

    def fill(self, count: int) -> None:
        """Put the numbers 0 … ``count`` − 1 in, at most :attr:`most` of them."""
        if count > self.most:
            self.close()
            raise ValueError(f"at most {self.most} claims")
        write, self._write = self._write, None
        if write is None:
            raise ValueError("filled already")
        try:
            os.write(write, b"".join(number.to_bytes(self.SIZE, "little") for number in range(count)))
        finally:
            os.close(write)

    def __iter__(self) -> Iterator[int]:
        while True:
            try:
                data = os.read(self._read, self.SIZE)
            except OSError:  # closed: nothing more to claim here
                return
            if len(data) < self.SIZE:
                return
            yield int.from_bytes(data, "little")

    def close(self) -> None:
        """Idempotent: a descriptor closed twice could be another file's by then."""
        for fd in (self._read, self._write):
            if fd is not None and fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._read, self._write = -1, None  # a read from -1 fails: nothing more to claim


def _items(source: BinaryIO, complete: list[bool]) -> Iterator[Any]:
    """The items written by :class:`Helper` (each its length, then its marshal), until
    the end mark, which appends True to ``complete``; or until the stream breaks."""
    try:
        while True:
            size = source.read(8)
            if size == _END:
                complete.append(True)
                return
            if len(size) < 8:
                return
            length = int.from_bytes(size, "little")
            data = source.read(length)
            if len(data) < length:
                return
            yield marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return


#: the mark after the last item (no item is this long)
_END = (2**64 - 1).to_bytes(8, "little")
