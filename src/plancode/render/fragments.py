"""Fragments: pieces of the overview pages kept between builds, by what they show.

The overview pages (``goals.html``, ``README.md``) list every task, so any change to a
task renders them again (they have no page key, :mod:`plancode.render.page_keys`). Most
of their time goes to the rows of the goal decomposition: for each goal, the rows of its
tasks. Those rows are a *fragment*: its key is a digest of everything the rows show —
the settings and the plan without its tasks (the page keys' base: names of people and
departments, the goal tree, labels), the page, the goal, and each of its tasks' whole
computed record (:meth:`plancode.render.page_keys.PageKeys.goal_fragments`). A fragment
whose key was rendered before is read from the cache folder instead of rendered; the
page around it (the goal rows, filters, charts) is rendered on every build.

So a build after one task changed renders the rows of that task's goal and reads the
others. The page is the same bytes either way: a fragment is the text the rows are,
wherever it comes from (``tests/render/test_incremental.py`` compares with a cold
``--no-cache`` build, which neither reads nor writes fragments).

An entry holds the SHA-256 of its text on its first line: an entry that is cut short or
altered is not used (the rows are rendered, and written again). Entries are written
atomically (:func:`plancode.loader.write_atomically`), removed when not written for 30
days (:func:`plancode.check_cache.prune`, called by the build), and a cache folder that
cannot be read or written only costs time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

#: the cache's sub-folder (of :func:`plancode.check_cache.cache_dir`)
FOLDER = "fragments"


class Fragments:
    """The fragments of one page: ``keys`` {fragment name: key}, made by the build's
    page keys; ``folder`` the cache folder, None to neither read nor write (``--no-cache``,
    or no keys). ``made`` and ``read`` count what :meth:`get` did."""

    def __init__(self, folder: Path | None = None, keys: dict[str, str] | None = None):
        self.folder = folder
        self.keys = keys or {}
        self.made = 0
        self.read = 0

    def get(self, name: str, make: Callable[[], str]) -> str:
        """The text of fragment ``name``: from the cache when its key was rendered
        before, else ``make()`` (then stored under its key)."""
        key = self.keys.get(name)
        if key is None or self.folder is None:
            return make()
        path = self.folder / key[:2] / key
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        digest, _, body = data.partition(b"\n")
        if digest and hashlib.sha256(body).hexdigest().encode() == digest:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                self.read += 1
                return text
        text = make()
        self.made += 1
        body = text.encode("utf-8")
        from ..loader import write_atomically

        write_atomically(path.parent, key, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        return text


#: no fragments: every piece rendered
NONE = Fragments()
