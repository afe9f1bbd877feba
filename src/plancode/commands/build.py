"""``plancode build``: the static site and the Markdown reports, from the plans.

One pipeline, in the order mkdocs taught us: gather everything (the whole workspace)
first, so that every page sees one consistent plan; then draw the charts and render the
pages, each written into a staging folder as soon as it is made, and replace each output
directory whole and atomically at the end (:mod:`plancode.render.output`). Charts come
from a cache keyed by what they show, so a rebuild without changes draws nothing.

Charts and pages are made in a pool of forked processes, one per CPU (``--jobs``): the
workers inherit the loaded plan instead of loading it again, and every page and chart is
made from the plan alone, so the output is byte-identical whatever the number of jobs.

Before any of it, the build hashes its inputs (plancode's own code, the config, the
effective options, every plan file's bytes, the baseline commit and the plan files'
history) and stops when both output folders were built from exactly these: an unchanged
repository is "up to date" in a fraction of a second. ``--no-cache`` builds anyway.

Exit codes: 0 built; 1 the plans have errors (nothing is written); 2 the build cannot run
(an output directory that is not plancode's, an unreadable baseline revision, no CJK font).

Git is read here, never in the renderers: the baseline revision (``--baseline``) and each
plan file's last commit (for the dashboard and the workstream pages; nothing outside git).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import click

from .. import i18n
from ..cli import EXIT_FINDINGS, EXIT_USAGE, State

i18n.register({
    "build-errors": (
        "the plans have errors: nothing was built (fix them; `plancode check` lists them)",
        "計劃有錯誤,未生成任何內容(請先修正;`plancode check` 會列出錯誤)",
    ),
    "build-output-not-ours": (
        "{path} is not empty and was not made by plancode (it has no {marker} file): refusing "
        "to replace it; choose another folder with --out/--markdown, or empty it",
        "{path} 不是空目錄,也不是 plancode 生成的(沒有 {marker} 文件):拒絕覆蓋;"
        "請用 --out/--markdown 指定其他目錄,或先清空它",
    ),
    "build-output-not-a-directory": (
        "{path} is a file, not a folder: refusing to replace it",
        "{path} 是文件而不是目錄:拒絕覆蓋",
    ),
    "build-output-same": (
        "--out and --markdown must be two different folders, neither inside the other ({path})",
        "--out 和 --markdown 必須是兩個不同的目錄,且互不包含({path})",
    ),
    "build-output-failed": (
        "cannot write {path}: {reason}",
        "無法寫入 {path}:{reason}",
    ),
    "build-worker-died": (
        "a process making the pages stopped before its work was done ({reason}); nothing was "
        "written and the previous output is as it was: build again (a machine short of memory: "
        "--jobs 1)",
        "生成頁面的進程在完成前意外終止({reason});沒有寫入任何內容,之前的輸出保持不變:請重新構建"
        "(內存不足的機器:加 --jobs 1)",
    ),
    "build-site": (
        "site: {pages} pages, {files} files written to {path}",
        "網站:{pages} 個頁面,共 {files} 個文件,已寫入 {path}",
    ),
    "build-markdown": (
        "reports: {pages} Markdown pages, {files} files written to {path}",
        "報告:{pages} 個 Markdown 頁面,共 {files} 個文件,已寫入 {path}",
    ),
    "build-charts": (
        "charts: {drawn} drawn, {cached} cached",
        "圖表:繪製 {drawn} 個,緩存 {cached} 個",
    ),
    "build-baseline": (
        "baseline: task dates of {rev} drawn behind the Gantt bars",
        "基線:甘特圖中以 {rev} 的任務日期作對照",
    ),
    "build-baseline-changes": (
        "changes since {rev}: {slipped} slipped, {moved} moved, {added} added, {removed} removed "
        "(baseline.html, baseline.md)",
        "自 {rev} 以來:{slipped} 項任務延期,{moved} 項日期調整,新增 {added} 項,刪除 {removed} 項"
        "(baseline.html、baseline.md)",
    ),
    "build-baseline-unreadable": (
        "warning: {count} files of {rev} could not be read; their tasks are not compared "
        "(the baseline page lists them): {files}",
        "警告:{rev} 中有 {count} 個文件無法讀取,其中的任務未作對比(基線頁面列出了這些文件):{files}",
    ),
    "build-time": (
        "built in {seconds:.1f} s",
        "用時 {seconds:.1f} 秒",
    ),
    "build-up-to-date": (
        "{site} and {reports} are up to date: no plan, setting or history changed since they were built "
        "(--no-cache builds anyway)",
        "{site} 和 {reports} 已是最新:自上次生成以來,計劃、設置和提交記錄均無變化(--no-cache 可強制重新生成)",
    ),
    "build-pages-label": (
        "Building",
        "正在生成",
    ),
    "build-pages-reused": (
        "pages: {rendered} rendered, {reused} unchanged since the last build",
        "頁面:生成 {rendered} 個,{reused} 個自上次生成以來未變",
    ),
})


@click.command("build")
@click.option("--out", "out", type=click.Path(path_type=Path), metavar="DIR",
              help="Folder of the HTML site (default: site/ beside plancode.yaml).")
@click.option("--markdown", "markdown", type=click.Path(path_type=Path), metavar="DIR",
              help="Folder of the Markdown reports (default: reports/ beside plancode.yaml).")
@click.option("--baseline", metavar="REV",
              help="A git revision to compare task dates with: grey bars behind the Gantt bars, and a "
                   "'changes since baseline' page (baseline.html, baseline.md).")
@click.option("--no-cache", is_flag=True,
              help="Build even when nothing changed, and draw every chart again instead of reusing cached ones.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Processes drawing charts and rendering pages (default: one per CPU).")
@click.pass_obj
def command(state: State, out: Path | None, markdown: Path | None, baseline: str | None, no_cache: bool,
            jobs: int | None) -> None:
    """Build the static site (HTML) and the Markdown reports from the plans.

    Output folders are replaced whole, atomically; a folder that plancode did not make
    is never replaced unless it is empty. Exits 1 without writing when the plans have errors.
    """
    from ..problems import Severity
    from ..reporters import Report, printable, text
    from ..workspace import UsageError, check_inside

    started = time.perf_counter()
    config = state.config()
    messages = i18n.Messages(config.locale)
    site_dir = out.absolute() if out else config.root / "site"
    reports_dir = markdown.absolute() if markdown else config.root / "reports"
    _check_outputs(site_dir, reports_dir, messages)
    for folder in (site_dir, reports_dir):  # SPEC §5.7: no folder outside is created or replaced
        try:
            check_inside(folder, config, state.cwd, messages)
        except UsageError as exc:
            click.echo(printable(f"plancode: {exc}", line=True), err=True)
            sys.exit(EXIT_USAGE)

    from ..commits import last_changes
    from ..render import output

    # when and by whom each plan file last changed; {} outside git (the site then says nothing)
    changed = last_changes(config, state.cwd)
    repository = commit = folder_baseline = None
    if baseline:
        from .diff import written_as_path

        try:
            if written_as_path(baseline):  # SPEC §5.7: a folder only when written as a path
                from ..history import load_folder

                check_inside(state.cwd / baseline, config, state.cwd, messages)
                if not (state.cwd / baseline).is_dir():
                    raise UsageError(messages("diffcmd-no-folder", path=baseline))
                folder_baseline = load_folder(state.cwd / baseline, config, state.cwd, label=baseline)
            else:
                from ..history import Repository

                repository = Repository(config, state.cwd, baseline)
                commit = repository.resolve(baseline)
        except UsageError as exc:
            click.echo(printable(f"plancode: {exc}", line=True), err=True)
            sys.exit(EXIT_USAGE)
    # a folder baseline's files are not in the key: such a build always builds
    inputs = None if folder_baseline is not None else _inputs(config, state.cwd, commit, changed)
    # each folder's digest names what it holds: the two folders swapped are not up to date
    site_inputs, reports_inputs = _holding(inputs, PAGE), _holding(inputs, REPORT)
    if (not no_cache and inputs is not None
            and output.built_from(site_dir) == site_inputs and output.built_from(reports_dir) == reports_inputs):
        click.echo(messages("build-up-to-date", site=_shown(site_dir, state.cwd),
                            reports=_shown(reports_dir, state.cwd)))
        return

    ws = state.workspace(cache=not no_cache, selected=_errors_possible(config))
    errors = [p for p in ws.problems if p.severity == Severity.ERROR]
    if errors:
        click.echo(text(Report(errors, len(ws.files), ws.messages)), err=True, nl=False)
        click.echo(f"plancode: {messages('build-errors')}", err=True)
        sys.exit(EXIT_FINDINGS)

    plan = ws.plan
    # The loaded plan (a million objects at 10,000 tasks) lives until the build ends:
    # each full collection would scan it again for nothing (0.45 s of a build after one
    # change at 10,000 tasks). Frozen, the collector only looks at what is made from here.
    import gc

    gc.freeze()
    gantt_baseline = since = None
    if baseline:
        from ..diff import baseline_dates
        from ..history import load_snapshot
        from ..render.baseline import since_baseline

        try:
            snapshot = folder_baseline or load_snapshot(commit, config, state.cwd, repository)
        except UsageError as exc:
            click.echo(printable(f"plancode: {exc}", line=True), err=True)
            sys.exit(EXIT_USAGE)
        gantt_baseline = baseline_dates(snapshot.plan)
        # named as the pages name plan files: relative to plancode.yaml's folder
        unreadable = [_relative(snapshot.plans_root / name, config.root) for name in snapshot.unreadable]
        # the tasks now written in a file the revision could not read: unknown there, not added
        unknown = [t.full_id for t in plan.tasks.values()
                   if _relative(Path(t.source.doc.path), snapshot.plans_root) in snapshot.unreadable]
        since = since_baseline(snapshot.plan, plan, baseline, snapshot.commit, unreadable, snapshot.missing,
                               unknown)
        if since.unreadable:
            from ..reporters import printable

            click.echo(printable("plancode: " + messages("build-baseline-unreadable", rev=baseline,
                                                          count=len(unreadable), files=", ".join(since.unreadable))),
                       err=True)

    from ..render import fragments
    from ..render.charts import cached_svg
    from ..render.labels import Labels
    from ..render.markdown import MarkdownPages
    from ..render.site import SitePages, chart_layout

    labels = Labels(config.locale)
    layout = chart_layout(plan, config, labels)
    # The site draws every chart in its pages; the reports need files of all but the Gantt
    # (their Gantt is Mermaid, drawn by GitHub), drawn in pure Python: no matplotlib.
    charts = layout.all()
    from ..check_cache import cache_dir  # one cache folder for check results and charts

    cache = None if no_cache else cache_dir()
    cached = {} if cache is None else {c.name: cached_svg(cache, c.spec) for c in charts}
    to_draw = [c for c in charts if cached.get(c.name) is None]
    names = [c.name for c in charts]
    keys = None  # the page keys: none when the build cannot name its inputs
    if inputs is not None:  # made by a forked helper from here, while this process goes on
        from ..workspace import PARALLEL_FILES

        keys = _Keys(plan, config, _settings(config, state.cwd, commit, names), changed,
                     fork=jobs != 1 and len(ws.files) >= PARALLEL_FILES)
    try:
        site = SitePages(plan, config, labels, names, baseline=gantt_baseline,
                         template_cache=None if cache is None else cache / "templates",
                         since_baseline=since, last_changes=changed, layout=layout,
                         page_cache=None if cache is None else cache / fragments.FOLDER)
        reports = MarkdownPages(plan, config, labels, names, since_baseline=since, layout=layout,
                                weeks=site.site.weeks)
        from concurrent.futures.process import BrokenProcessPool

        writing = site_dir
        try:
            with output.Tree(site_dir) as site_tree:
                writing = reports_dir
                with output.Tree(reports_dir) as reports_tree:
                    writing = site_dir
                    for name, data in site.static_files(search=False).items():  # the search index: by a worker
                        site_tree.write(name, data)
                    for name, path in cached.items():  # copied from the cache, not drawn
                        if path is not None:  # the site draws its charts in its pages
                            reports_tree.place(f"charts/{name}.svg", path)
                    site.prepare()  # templates compiled once, before the workers fork
                    reports.prepare()
                    trees = {PAGE: site_tree, REPORT: reports_tree}
                    keyed = _Keyed(keys, site, reports, trees, {} if no_cache else
                                   {PAGE: output.pages_of(site_dir), REPORT: output.pages_of(reports_dir)},
                                   None if cache is None else cache / fragments.FOLDER)
                    work = _Work(to_draw, cache, site, reports, keyed.overviews(), keyed.folder)
                    label = messages("build-pages-label")
                    # the overviews are rendered while the keyed pages are compared with before
                    for kind, index, data in _run(work, jobs, label, keyed.later):
                        if kind == CHART:
                            reports_tree.write(f"charts/{to_draw[index].name}.svg", data)
                            continue
                        if kind == SEARCH:
                            site_tree.write(SEARCH_INDEX, data)
                            continue
                        keyed.write(kind, index, data)
                    site_tree.commit(site_inputs)
                    writing = reports_dir
                    reports_tree.commit(reports_inputs)
        except output.OutputError as exc:
            _output_exit(exc, messages)
        except BrokenProcessPool as exc:
            # a worker killed (by the out-of-memory killer, say): the staging folders are gone,
            # the previous output is as it was
            click.echo(f"plancode: {messages('build-worker-died', reason=exc)}", err=True)
            sys.exit(EXIT_USAGE)
        except OSError as exc:
            # the folder the user named, not the temporary one beside it that failed
            where = _shown(writing, state.cwd)
            reason = exc.strerror or str(exc)
            click.echo(f"plancode: {messages('build-output-failed', path=where, reason=reason)}", err=True)
            sys.exit(EXIT_USAGE)

        click.echo(messages("build-site", pages=len(site.paths), files=len(site_tree.names) + 1,
                            path=_shown(site_dir, state.cwd)))
        click.echo(messages("build-markdown", pages=len(reports.paths), files=len(reports_tree.names) + 1,
                            path=_shown(reports_dir, state.cwd)))
        click.echo(messages("build-charts", drawn=len(to_draw), cached=len(charts) - len(to_draw)))
        if keyed.reused:
            click.echo(messages("build-pages-reused", reused=keyed.reused,
                                rendered=len(site.paths) + len(reports.paths) - keyed.reused))
        if since is not None:
            click.echo(messages("build-baseline", rev=baseline))
            click.echo(messages("build-baseline-changes", rev=baseline, slipped=len(since.slipped),
                                moved=since.count("moved"), added=since.count("added"),
                                removed=since.count("removed")))
        click.echo(messages("build-time", seconds=time.perf_counter() - started))
        # frozen to the end (as a large check's plan, cli.py): the collection Python makes at
        # exit would walk the plan's million objects again (0.07-0.08 s at 10,000 tasks);
        # frozen objects are still freed as their last reference goes
        gc.freeze()
    finally:
        if keys is not None:
            keys.close()  # the helper ended (waited for) whatever happened


# --- inputs: is the output up to date? -----------------------------------------------------------

def _inputs(config, cwd: Path, baseline_commit: str | None, changed: dict) -> str | None:
    """The digest of everything the two output folders are made from, or None when it
    cannot be known (the build then builds). Built on the check cache's key — plancode's
    code, templates and styles; the config's bytes; the effective as-of date and locale;
    every plan file's path and bytes — plus the baseline commit and each plan file's last
    commit, which the pages show."""
    from ..check_cache import check_key

    key = check_key(config, None, cwd, ["build", baseline_commit or "", repr(sorted(changed.items()))])
    return None if key is None else hashlib.sha256(f"build\0{key}".encode()).hexdigest()


def _holding(inputs: str | None, kind: str) -> str | None:
    """The digest recorded in the folder of the site (``kind`` PAGE) or of the reports
    (REPORT): the build's inputs and which of the two the folder holds."""
    return None if inputs is None else hashlib.sha256(f"{kind}\0{inputs}".encode()).hexdigest()


def _errors_possible(config):
    """Which rules the build runs: those whose findings can be errors. A build stops on
    errors only, and its pages show the plans' figures (views), never rule findings: a
    rule that can only warn is skipped (at 10,000 tasks the lint rules take about a
    quarter of loading the plans). A finding's severity is its rule's default or lower,
    unless plancode.yaml's ``rules:`` sets the code's severity."""
    from ..problems import Severity
    from ..rules import REGISTRY

    def selected(code: str) -> bool:
        rule = REGISTRY.get(code)
        return rule is None or config.rules.get(code, rule.severity) == Severity.ERROR

    return selected


def _settings(config, cwd: Path, baseline_commit: str | None, charts: list[str]) -> str:
    """The digest of every input of the pages but the plan files (the page keys add the
    plan, :mod:`plancode.render.page_keys`): plancode's code and templates, the config's
    bytes and effective values, the holidays package's release when a calendar names
    holidays, the baseline commit and the charts the reports hold. Not the output
    folders: no page says where it is written (its links are relative)."""
    from ..check_cache import code_fingerprint

    digest = hashlib.sha256(f"{code_fingerprint()}\0{cwd}\0{config!r}\0{baseline_commit}\0"
                            f"{sorted(charts)!r}\0".encode())
    if config.path is not None:
        digest.update(config.path.read_bytes())
    if config.calendar is not None and config.calendar.holidays:
        from importlib.metadata import version

        digest.update(f"holidays {version('holidays')}\n".encode())
    return digest.hexdigest()


class _Keys:
    """The page keys of this build (:class:`plancode.render.page_keys.PageKeys`): their
    base, every task's digest, the fragments' and the workstreams' keys made in a forked
    helper (:class:`plancode.parallel.Helper`) from the moment the plan is loaded, on the
    second CPU, while this process lays out the charts and prepares the pages (0.3 s of
    CPU at 10,000 tasks, which this process spent beside the workers rendering); the
    weeks' keys here from those digests. All here, as the pages ask, when there is no
    helper (one job, a small plan, one CPU, no fork) or it did not send everything. The
    same keys either way: the same code over the same plan."""

    def __init__(self, plan, config, settings: str, changed: dict, fork: bool):
        from .. import parallel
        from ..render.page_keys import PageKeys, file_key

        self.local = PageKeys(plan, settings, changed, lambda doc: file_key(doc, config.root))
        self.found: dict[tuple[str, str], Any] | None = None
        self.helper = None
        if fork and parallel.cpus() > 1 and parallel.can_fork():
            self.helper = parallel.Helper(lambda: self._every(plan, config))

    def _every(self, plan, config) -> Iterator[tuple[str, str, Any]]:
        """In the helper: (kind, subject, key) of the fragments and the workstreams' pages,
        and the base and task digests from which this process makes the weeks' keys (from
        its own week views: the helper does not make them again)."""
        from ..render.markdown import MarkdownPages
        from ..render.site import SitePages

        yield "digests", "", list(self.local.digests())
        for path in sorted(SitePages.fragmented | MarkdownPages.fragmented):
            yield "fragments", path, self.local.goal_fragments(path)
        for workstream_id in plan.workstreams:
            yield "workstream", workstream_id, self.local.workstream(workstream_id)

    def _get(self, kind: str, subject: str, here):
        if self.helper is not None and self.found is None:
            found = {(kind, subject): key for kind, subject, key in self.helper.results()}
            self.found = found if self.helper.complete else {}
            self.helper.wait()
            if self.found:
                self.local.adopt(*self.found.pop(("digests", "")))
        if self.found and (kind, subject) in self.found:
            return self.found[kind, subject]
        return here()

    def workstream(self, workstream_id: str) -> str | None:
        return self._get("workstream", workstream_id, lambda: self.local.workstream(workstream_id))

    def week(self, week) -> str | None:
        return self._get("week", week.week, lambda: self.local.week(week))

    def goal_fragments(self, path: str) -> dict[str, str]:
        return self._get("fragments", path, lambda: self.local.goal_fragments(path))

    def close(self) -> None:
        if self.helper is not None:
            self.helper.wait()


class _Keyed:
    """The pages of both outputs, by their keys (:mod:`plancode.render.page_keys`): the
    overviews, which have none and are always rendered; the others, taken from the
    previous output when it recorded them under the same key with the same bytes, else
    rendered. ``keys`` None: no page has a key (every page rendered, none recorded);
    ``before``: {kind: :func:`plancode.render.output.pages_of` the output folder}, empty
    with ``--no-cache`` (nothing taken; the keys are recorded all the same)."""

    def __init__(self, keys, site, reports, trees: dict, before: dict, folder: Path | None = None):
        self.keys, self.trees, self.before = keys, trees, before
        self.pages = {PAGE: site, REPORT: reports}
        self.found: dict[tuple[str, int], str] = {}  # (kind, index) -> key
        self.reused = 0
        #: the cache folder of the overview pages' fragments (:mod:`plancode.render.fragments`):
        #: None when nothing is kept (``--no-cache``, or no keys)
        self.folder = folder if keys is not None else None
        if self.folder is not None:
            from ..check_cache import prune

            prune(self.folder)

    def overviews(self) -> list[tuple[str, int]]:
        """The pages without a key, the largest first (by their size in the previous
        output, if any), so that no process is left rendering a long one at the end; not
        the pages made of fragments when their fragments are kept (:meth:`later` gives
        them, with their fragments' keys)."""
        items: list[tuple] = self._largest_first([
            (kind, i) for kind, pages in self.pages.items() for i, subject in enumerate(pages.subjects)
            if subject is None and (self.folder is None or pages.paths[i] not in pages.fragmented)])
        # the pages that compute the same view for themselves, made by one process
        together = [item for item in items if item[0] == PAGE and self.pages[PAGE].paths[item[1]] in TOGETHER]
        if len(together) > 1:
            items[items.index(together[0])] = (GROUP, tuple(together))
            items = [item for item in items if item not in together[1:]]
        return items

    def later(self) -> Iterator[tuple]:
        """What to render once the first pages are under way, computed meanwhile, each
        item as soon as it is known: the pages made of fragments, each with its fragments'
        keys (the keys of the goals' tasks' rows need every task's digest), then the keyed
        pages that changed."""
        if self.folder is not None:
            for kind, pages in self.pages.items():
                for i, path in enumerate(pages.paths):
                    if path in pages.fragmented:
                        yield kind, i, self.keys.goal_fragments(path)
        yield from self.to_render()

    def _largest_first(self, items: list[tuple[str, int]]) -> list[tuple[str, int]]:
        def size(item: tuple[str, int]) -> int:
            kind, index = item
            try:
                return (self.trees[kind].target / self.pages[kind].paths[index]).stat().st_size
            except OSError:
                return 0

        return sorted(items, key=lambda item: -size(item))  # stable: the pages' order otherwise

    def to_render(self) -> Iterator[tuple[str, int]]:
        """The keyed pages to render; the others are linked from the previous output.
        First the pages whose key is not the one recorded (largest first), then those of
        the pages recorded under their key whose file is not as recorded: the workers
        render the first while this process reads and checks the 300 files it takes."""
        render, candidates = [], []
        for kind, pages in self.pages.items():
            before = self.before.get(kind, {})
            for index, subject in enumerate(pages.subjects):
                if subject is None:
                    continue
                key = None
                if self.keys is not None:
                    key = self.keys.workstream(subject[1]) if subject[0] == "workstream" else self.keys.week(subject[1])
                if key is not None:
                    self.found[kind, index] = key
                    if before.get(pages.paths[index], ("",))[0] == key:
                        candidates.append((kind, index))
                        continue
                render.append((kind, index))
        yield from self._largest_first(render)
        for kind, index in candidates:
            path = self.pages[kind].paths[index]
            if self.trees[kind].reuse(path, *self.before[kind][path]):
                self.reused += 1
            else:  # edited by hand since, or gone
                yield kind, index

    def write(self, kind: str, index: int, data: bytes) -> None:
        path = self.pages[kind].paths[index]
        self.trees[kind].write(path, data)
        key = self.found.get((kind, index))
        if key is not None:
            self.trees[kind].keep(path, key, hashlib.sha256(data).hexdigest())


# --- drawing and rendering in a pool of processes ----------------------------------------------

CHART, PAGE, REPORT, SEARCH, GROUP = "chart", "page", "report", "search", "group"
#: site pages one process renders one after the other: the dashboard and the weeks page
#: both compute the weeks × departments grid (0.06 s at 10,000 tasks), once per process
TOGETHER = ("index.html", "weeks.html")
SEARCH_INDEX = "search-index.js"  # the site's search box's index of the plan


class _Work:
    """Everything the build makes, as (kind, index) items: the charts to draw, the site's
    pages and the Markdown pages. ``make`` returns one item's bytes."""

    def __init__(self, charts, cache, site, reports, pages: list[tuple[str, int]], fragments: Path | None = None):
        self.charts, self.cache, self.site, self.reports = charts, cache, site, reports
        self.fragments = fragments  # their cache folder, or None
        # the largest items first, so that no process is left with a long one at the end:
        # charts to draw, then the overview pages (index, goals, people, weeks, README),
        # then the search index
        self.items = [(CHART, i) for i in range(len(charts))] + pages + [(SEARCH, 0)]
        #: every item a build of these plans may make: what decides the number of processes
        self.most = len(charts) + len(site.paths) + len(reports.paths) + 1

    def make(self, item: tuple) -> tuple[str, int, bytes] | list[tuple[str, int, bytes]]:
        """``item``: (kind, index), or (kind, index, {fragment: key}) for a page made of
        fragments (:mod:`plancode.render.fragments`), or (GROUP, items): a list, each
        item's (kind, index, bytes) in turn."""
        kind, index = item[0], item[1]
        if kind == GROUP:
            return [self.make(part) for part in index]
        if kind == CHART:
            from ..render.charts import render_chart

            return kind, index, render_chart(self.charts[index], self.cache).encode("utf-8")
        if kind == SEARCH:
            return kind, index, self.site.static_files()[SEARCH_INDEX]
        pages = self.site if kind == PAGE else self.reports
        if len(item) == 3:
            from ..render.fragments import Fragments

            return kind, index, pages.render(index, Fragments(self.fragments, item[2]))
        return kind, index, pages.render(index)


#: items (charts and pages) below which a build without --jobs runs in one process: the
#: example plans' 45 items take 0.60 s of CPU in one, 0.75 s with two forked workers
SMALL_BUILD = 200

_WORK: _Work | None = None  # what the forked workers make: inherited, never pickled


def _make(item: tuple) -> tuple[str, int, bytes] | list[tuple[str, int, bytes]]:
    assert _WORK is not None
    return _WORK.make(item)


def _run(work: _Work, jobs: int | None, label: str, later=lambda: iter(())):
    """Every item of ``work``, then the items ``later()`` yields, made in ``jobs``
    forked processes (default: one per CPU), yielded as (kind, index, bytes) in the order
    they finish. ``later`` runs in this process while the workers make the first items.
    In-process when one job is asked for or the platform cannot fork (the output is the
    same either way)."""
    global _WORK
    import itertools
    import multiprocessing

    # a small site is made faster in this process than by forking workers for it
    jobs = jobs or (_cpus() if work.most >= SMALL_BUILD else 1)
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=work.most, label=label, file=sys.stderr, show_pos=True)
        bar.__enter__()
    try:
        if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            for item in itertools.chain(work.items, later()):
                made = work.make(item)
                yield from made if isinstance(made, list) else (made,)
                if bar is not None:
                    bar.update(len(made) if isinstance(made, list) else 1)
            return
        import gc

        _WORK = work
        # objects made before the fork are never collected in the workers: keeping the
        # collector off them saves it touching (and so copying) every page of the plan
        gc.freeze()
        from concurrent.futures import ProcessPoolExecutor, as_completed

        try:
            # an executor, not multiprocessing.Pool: a worker that dies (SIGKILL, the
            # out-of-memory killer) breaks it (BrokenProcessPool, reported by the command)
            # instead of leaving the build waiting forever for that worker's page
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                try:
                    futures = [pool.submit(_make, item) for item in work.items]
                    # meanwhile: each item given to the workers as soon as it is known
                    futures += [pool.submit(_make, item) for item in later()]
                    for future in as_completed(futures):
                        made = future.result()
                        yield from made if isinstance(made, list) else (made,)
                        if bar is not None:
                            bar.update(len(made) if isinstance(made, list) else 1)
                except BaseException:  # a failed write, a broken worker: the rest is not made
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        finally:
            gc.unfreeze()
            _WORK = None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (taskset, cgroups)
    except AttributeError:
        return os.cpu_count() or 1


def _check_outputs(site_dir: Path, reports_dir: Path, messages: i18n.Messages) -> None:
    """Refuse before any work: two outputs in one place, or a folder that is not ours."""
    from ..render import output

    a, b = Path(os.path.abspath(site_dir)), Path(os.path.abspath(reports_dir))
    if a == b or a in b.parents or b in a.parents:
        click.echo(f"plancode: {messages('build-output-same', path=a)}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        output.check_target(a)
        output.check_target(b)
    except output.OutputError as exc:
        _output_exit(exc, messages)


def _output_exit(exc, messages: i18n.Messages) -> None:
    click.echo(f"plancode: {messages('build-' + exc.key, **exc.values)}", err=True)
    sys.exit(EXIT_USAGE)


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (both resolved, as git names files), else as it is."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _shown(path: Path, cwd: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        shown = path.relative_to(cwd).as_posix()
    except ValueError:
        shown = path.as_posix()
    return shown.rstrip("/") + "/"
