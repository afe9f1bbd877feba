"""The Markdown reports: GitHub-flavoured pages that read well in a pull request.

``markdown_files`` returns the whole tree as ``{relative path: bytes}`` (pure: no I/O):

- ``README.md``: the index — the dashboard summary (period, as-of, KPIs with
  achievement, task counts by status, alerts, budget and earned value), the goal
  decomposition (templates 1 and 5) and links to every other page;
- ``workstreams/<id>.md``: the Gantt table (template 2), a Mermaid ``gantt`` block (GitHub
  draws it) and a link to the chart's SVG;
- ``weeks/<week>.md``: the weekly tracking tables per department (template 3), the
  lagging-task view (its second variant) and what is missing from the reports;
- ``reviews/<period>.md``: the evaluation (template 4) and a link to its chart;
- ``baseline.md`` (``build --baseline REV`` only): each task's and milestone's move since
  the baseline revision, linked from the index;
- ``charts/<name>.svg``: copies of the rendered charts, so the reports folder stands alone.

Every figure comes from the model. Every piece of plan text reaches the output through
:func:`cell` or :func:`text`, which make it render as text on GitHub whatever it contains
(pipes, newlines, HTML, comments, backticks, links, images); the Jinja environment refuses
to print a value that did not pass through one of them (see ``_finalize``).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Callable, Iterable

from ..config import Config
from ..model import Plan
from ..views.baseline import BaselineChanges, summary
from .fragments import NONE
from .labels import Labels
from .markdown_pages import PageContexts
# the escaping and Mermaid helpers, for the callers that know them from here
from .markdown_text import Md, Table, cell, finalize, image, link, mermaid_ids, mermaid_text, text

__all__ = ["MarkdownPages", "Md", "Table", "cell", "markdown_files", "mermaid_ids", "mermaid_text", "text"]

#: a chart name is a file name under charts/: an id, `~` before a part number
_CHART_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")


# --- the reports -----------------------------------------------------------------------------

class MarkdownPages:
    """The Markdown reports, each rendered on its own by :meth:`render` (as
    :class:`plancode.render.site.SitePages`). ``charts`` names the charts the reports
    folder will hold under ``charts/`` (written by the caller)."""

    fragmented = frozenset({"README.md"})  #: the pages made of fragments (:mod:`.fragments`)

    def __init__(self, plan: Plan, config: Config, labels: Labels, charts: Iterable[str],
                 since_baseline: BaselineChanges | None = None, layout=None, weeks=None):
        names = frozenset(charts)
        for name in names:
            if not _CHART_NAME.match(name):
                raise ValueError(f"not a chart name: {name!r}")
        self.labels = labels
        self._env = None
        view = self._view = PageContexts(plan, config, labels, names, layout, weeks)
        # (path, template, the function giving its context): contexts are made when rendered
        pages: list[tuple[str, str, Callable[[], dict[str, Any]]]] = []
        if since_baseline is not None:
            pages.append(("baseline.md", "baseline.md.j2", lambda: view.baseline(since_baseline)))

        def index() -> dict[str, Any]:
            found = view.index()
            found["baseline"] = None if since_baseline is None else summary(since_baseline, labels)
            return found

        pages.append(("README.md", "index.md.j2", index))
        for ws_id in sorted(plan.workstreams):
            pages.append((f"workstreams/{ws_id}.md", "workstream.md.j2", partial(view.workstream, ws_id)))
        for week in view.weeks:
            pages.append((f"weeks/{week}.md", "week.md.j2", partial(view.week, week)))
        for review, slug in view.review_slugs:
            pages.append((f"reviews/{slug}.md", "review.md.j2", partial(view.review, review, slug)))
        self._pages = pages
        self.paths = [path for path, _, _ in pages]
        #: what each page is about, as :attr:`plancode.render.site.SitePages.subjects`
        self.subjects: list[tuple[str, Any] | None] = []
        for path in self.paths:
            if path.startswith("workstreams/"):
                self.subjects.append(("workstream", path[len("workstreams/"):-len(".md")]))
            elif path.startswith("weeks/"):
                self.subjects.append(("week", view.week_views[path[len("weeks/"):-len(".md")]]))
            else:
                self.subjects.append(None)

    def prepare(self) -> None:
        """Compile every template now: a build that forks its workers afterwards compiles
        them once, not once per worker."""
        if self._env is None:
            self._env = _environment()
        for template in dict.fromkeys(t for _, t, _ in self._pages):
            self._env.get_template(template)

    def render(self, index: int, fragments=NONE) -> bytes:
        """The bytes of page ``index`` (of :attr:`paths`); ``fragments``: its pieces kept
        from before (:mod:`plancode.render.fragments`)."""
        if self._env is None:
            self._env = _environment()
        _, template, context = self._pages[index]
        self._view.fragments = fragments
        try:
            out = self._env.get_template(template).render(L=self.labels, **context())
        finally:
            self._view.fragments = NONE
        return _tidy(out).encode("utf-8")


def markdown_files(plan: Plan, config: Config, labels: Labels, charts: dict[str, str],
                   since_baseline: BaselineChanges | None = None) -> dict[str, bytes]:
    """The Markdown reports of ``plan`` as ``{relative path: bytes}``, with copies of
    ``charts`` (name → SVG text) under ``charts/``. Byte-identical for the same plan.
    ``since_baseline`` adds ``baseline.md``, linked from the index."""
    pages = MarkdownPages(plan, config, labels, charts, since_baseline)
    files = {path: pages.render(index) for index, path in enumerate(pages.paths)}
    for name in sorted(charts):
        files[f"charts/{name}.svg"] = charts[name].encode("utf-8")
    return files


def _environment():
    import jinja2  # not at module level: `plancode check` never pays for it

    from .templates_cache import bytecode_cache

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("plancode.render", "templates"),
        bytecode_cache=bytecode_cache(),
        autoescape=False,  # HTML escaping is wrong for Markdown: `cell`/`text` escape
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(cell=cell, text=text)
    env.globals.update(link=link, image=image)
    return env


def _tidy(out: str) -> str:
    """No trailing spaces (two would be a hard line break), at most one blank line in a
    row, one final newline."""
    lines = [line.rstrip() for line in out.split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return tidy + "\n"
