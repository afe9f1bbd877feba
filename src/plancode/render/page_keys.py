"""Page keys: which pages of a build can be taken from the previous output unchanged.

A key is a digest of everything a page shows. When a page's key is the one recorded for
the file of the same name in the previous output (``.plancode-build``) and that file's
bytes are the ones recorded, the build links the file into the new output instead of
rendering the page again (:mod:`plancode.commands.build`). A page without a key is always
rendered.

Every key starts from the same two digests:

- ``settings``: what is not in the plan files — plancode's code and templates, the
  config (file and effective values: as-of date, locale, thresholds, calendar), the
  baseline commit, the output folders, the names of the charts the reports hold;
- ``shared``: the computed plan (:class:`plancode.model.Plan`, every record with its
  computed figures) except its tasks: departments, people, strategies, goals (with their
  progress and KPI figures), workstreams, every weekly report, reviews, budgets, earned
  value. Each field of ``Plan`` is in it unless named in :data:`OWN_KEYS`, so a field
  added to the model is covered without anyone remembering to add it.

What is left is the tasks (10,000 of them at the scale the cache is for), and only
there does a key choose: each page names the tasks it shows, with each task's whole
record (its computed status, progress, lag, critical path and forecast included).

- a workstream's pages (``workstream-ID.html``, ``workstreams/ID.md``): its record, its
  tasks, their predecessors and successors (named in the tables), the path of its file
  and that file's last commit;
- a week's pages (``week-YYYY-Www.html``, ``weeks/YYYY-Www.md``): the week's view
  (:func:`plancode.views.weeks` — its departments, entries with their planned progress
  and lag, the tasks due and missing), every task it names.

The other pages (dashboard, goals, portfolio, people, the indexes, reviews, baseline,
README) show figures of every task and have no key: they are rendered on every build
that is not "up to date". So a change to one task renders its workstream's pages, the
week pages that name the task, and the overviews; a change to anything else — a report,
a person, a goal, the config, plancode itself — renders every page.

A value whose text would not identify it (an object printed by its address) makes the
key None: such a page is rendered, never taken on trust.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import operator
import re
from pathlib import Path
from typing import Any, Iterable

from ..model import Plan, Report, ReportEntry, Task

#: Plan fields that are not in the shared digest: the tasks (each page names its own),
#: the documents (parsed files: their paths are given where a page shows them) and the
#: calendar (made from the config, which is in the settings)
OWN_KEYS = ("tasks", "documents", "calendar")

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")

#: the kinds of value whose repr() is their whole value, the same in every process
_PLAIN = (str, int, float, bool, type(None), dt.date)
_EXACT = frozenset(_PLAIN)


def file_key(doc, root) -> str:
    """A document's path as history names it: relative to plancode.yaml's folder ``root``
    (what :func:`plancode.commits.last_changes` and the site use)."""
    try:
        return Path(doc.path).relative_to(root).as_posix()
    except ValueError:
        return doc.display


class Opaque(Exception):
    """A value the key cannot describe: the page is rendered instead."""


def _repr(value: Any) -> str:
    text = repr(sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value)
    if _ADDRESS.search(text):
        raise Opaque(text[:80])
    return text


class PageKeys:
    """The keys of one build's pages. ``settings`` is the digest of the build's inputs
    other than the plan files (see :func:`plancode.commands.build`); ``last_changes``
    the plan files' last commits, by path relative to plancode.yaml's folder;
    ``file_key`` turns a document into that path."""

    def __init__(self, plan: Plan, settings: str, last_changes: dict, file_key):
        self.plan = plan
        self.settings = settings
        self.last_changes = last_changes
        self.file_key = file_key
        self._base: str | None = None  # made on first use (see base)
        self._tasks: dict[str, bytes] = {}
        self._weeks: dict[int, str | None] = {}  # id(week view) -> its key
        self._workstreams: dict[str, str | None] = {}  # the site's page and the report's: one key
        self._refs: dict[int, str] = {}

    @property
    def base(self) -> str | None:
        """The digest of the settings and the plan without its tasks; None when a value
        in it cannot be described. Made when the first key is asked for (in a build, by
        a helper process: :meth:`digests`)."""
        if self._base is None:
            digest = hashlib.sha256(f"page keys 1\0{self.settings}\0".encode())
            try:
                for f in dataclasses.fields(self.plan):
                    if f.name not in OWN_KEYS:
                        digest.update(f"{f.name}={_repr(getattr(self.plan, f.name))}\0".encode())
            except Opaque:
                self._base = ""
            else:
                self._base = digest.hexdigest()
            self._number_reports()
        return self._base or None

    def _number_reports(self) -> None:
        # reports and their entries are in the base: a view names them by place
        for i, report in enumerate(self.plan.reports):
            self._refs[id(report)] = f"R{i}"
            for j, entry in enumerate(report.entries):
                self._refs[id(entry)] = f"E{i}.{j}"

    def digests(self) -> tuple[str | None, dict[str, bytes]]:
        """The base and every task's digest: what another process with the same plan and
        settings needs to make the same keys without making them again (:meth:`adopt`)."""
        base = self.base
        for full_id in self.plan.tasks:
            self.task(full_id)
        return base, dict(self._tasks)

    def adopt(self, base: str | None, tasks: dict[str, bytes]) -> None:
        """Take the base and the task digests :meth:`digests` made in another process from
        the same plan and settings (a forked helper's, :mod:`plancode.commands.build`)."""
        self._base = base or ""
        self._tasks.update(tasks)
        self._number_reports()

    def task(self, full_id: str) -> bytes:
        """The digest of a task's whole record (b"-" for an id that names no task)."""
        found = self._tasks.get(full_id)
        if found is None:
            task = self.plan.tasks.get(full_id)
            found = b"-" if task is None else hashlib.sha256(_repr(task).encode()).digest()
            self._tasks[full_id] = found
        return found

    def _key(self, kind: str, subject: str, text: str, tasks: Iterable[str]) -> str:
        digest = hashlib.sha256(f"{self._base}\0{kind}\0{subject}\0{text}\0".encode())
        for full_id in sorted(set(tasks)):
            digest.update(full_id.encode() + b"\0" + self.task(full_id))
        return digest.hexdigest()

    def workstream(self, workstream_id: str) -> str | None:
        """The key of a workstream's pages, or None."""
        if workstream_id not in self._workstreams:
            self._workstreams[workstream_id] = self._workstream(workstream_id)
        return self._workstreams[workstream_id]

    def _workstream(self, workstream_id: str) -> str | None:
        workstream = self.plan.workstreams.get(workstream_id)
        if self.base is None or workstream is None:
            return None
        try:
            path = self.file_key(workstream.source.doc)
            text = f"{path}\0{_repr(self.last_changes.get(path))}"
            tasks = set(workstream.tasks)
            for full_id in workstream.tasks:
                task = self.plan.tasks.get(full_id)
                if task is not None:
                    tasks.update(task.predecessors)
                    tasks.update(task.successors)
            return self._key("workstream", workstream_id, text, tasks)
        except Opaque:
            return None

    def goal_fragments(self, page: str) -> dict[str, str]:
        """The keys of the fragments of ``page`` (:mod:`plancode.render.fragments`): for
        each goal with tasks, the rows of its tasks in the goal decomposition, keyed by
        the base, the page, the goal and each of its tasks' whole record (in the goal's
        order). {} when the base cannot be described; a goal whose tasks cannot be is
        left out (its rows are rendered)."""
        if self.base is None:
            return {}
        found = {}
        for goal_id, goal in self.plan.goals.items():
            if not goal.tasks:
                continue
            digest = hashlib.sha256(f"{self._base}\0fragment\0{page}\0{goal_id}\0".encode())
            try:
                for full_id in goal.tasks:
                    digest.update(full_id.encode() + b"\0" + self.task(full_id))
            except Opaque:
                continue
            found[goal_id] = digest.hexdigest()
        return found

    def week(self, week: Any) -> str | None:
        """The key of a week's pages (``week``: its :class:`plancode.views.Week`), or None."""
        if self.base is None:
            return None
        if id(week) in self._weeks:  # the site's page and the report's: one key
            return self._weeks[id(week)]
        self._weeks[id(week)] = None
        out: list[str] = []
        tasks: set[str] = set()
        try:
            self._canon(week, out, tasks)
        except Opaque:
            return None
        key = self._weeks[id(week)] = self._key("week", week.week, "".join(out), tasks)
        return key

    def _canon(self, value: Any, out: list[str], tasks: set[str]) -> None:
        """``value`` as text, the tasks it holds by id (added to ``tasks``), the reports
        and entries by their place in the plan (the shared digest has them)."""
        kind = type(value)
        if kind in _EXACT:  # the common cases first: no isinstance chain
            out.append(repr(value))
            return
        values = _GETTERS[kind](value) if kind in _GETTERS else value if kind is tuple or kind is list else None
        if values is not None:  # a record type seen before (never Task, Report, ReportEntry: below), a tuple
            out.append(kind.__name__ + "(" if kind in _GETTERS else "(")
            for item in values:  # a week's 26,000 entry rows: their plain values without a call each
                if type(item) in _EXACT:
                    out.append(repr(item))
                else:
                    self._canon(item, out, tasks)
                out.append(",")
            out.append(")")
        elif kind is ReportEntry or kind is Report:  # as below, without the isinstance chain
            out.append(self._refs.get(id(value)) or _repr(value))
        elif isinstance(value, _PLAIN):
            out.append(repr(value))
        elif isinstance(value, Task):
            if self.plan.tasks.get(value.full_id) is value:  # the plan's: its digest is added
                out.append(f"T{value.full_id!r}")
                tasks.add(value.full_id)
            else:  # a record made for the view: described whole
                out.append(_repr(value))
        elif isinstance(value, (Report, ReportEntry)):
            ref = self._refs.get(id(value))
            if ref is None:  # not one of the plan's: described whole
                ref = _repr(value)
            out.append(ref)
        elif isinstance(value, (tuple, list)):
            out.append("(")
            for item in value:
                self._canon(item, out, tasks)
                out.append(",")
            out.append(")")
        elif isinstance(value, dict):
            out.append("{")
            for key, item in value.items():
                self._canon(key, out, tasks)
                out.append(":")
                self._canon(item, out, tasks)
                out.append(",")
            out.append("}")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.append(type(value).__name__ + "(")
            for name in _field_names(type(value)):
                self._canon(getattr(value, name), out, tasks)
                out.append(",")
            out.append(")")
        else:
            raise Opaque(type(value).__name__)


_FIELDS: dict[type, tuple[str, ...]] = {}
#: a record type's values in its fields' order, by one call (operator.attrgetter)
_GETTERS: dict[type, Any] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
        _GETTERS[kind] = (operator.attrgetter(*found) if len(found) > 1
                          else lambda value, names=found: tuple(getattr(value, name) for name in names))
    return found
