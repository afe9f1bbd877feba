"""``plancode build``: the static site and the Markdown reports, from the plans.

One pipeline, in the order mkdocs taught us: gather everything (the whole workspace,
every chart) first, so that every page sees one consistent plan; render in memory; only
then write, each output directory replaced whole and atomically
(:mod:`plancode.render.output`). Charts come from a cache keyed by what they show, so a
rebuild without changes draws nothing.

Exit codes: 0 built; 1 the plans have errors (nothing is written); 2 the build cannot run
(an output directory that is not plancode's, an unreadable baseline revision, no CJK font).

Git is read here, never in the renderers: the baseline revision (``--baseline``) and each
plan file's last commit (for the dashboard and the workstream pages; nothing outside git).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

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
    "build-font": (
        "cannot draw the charts: {reason}",
        "無法繪製圖表:{reason}",
    ),
    "build-charts-label": (
        "Drawing charts",
        "正在繪製圖表",
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
})


@click.command("build")
@click.option("--out", "out", type=click.Path(path_type=Path), metavar="DIR",
              help="Folder of the HTML site (default: site/ beside plancode.yaml).")
@click.option("--markdown", "markdown", type=click.Path(path_type=Path), metavar="DIR",
              help="Folder of the Markdown reports (default: reports/ beside plancode.yaml).")
@click.option("--baseline", metavar="REV",
              help="A git revision to compare task dates with: grey bars behind the Gantt bars, and a "
                   "'changes since baseline' page (baseline.html, baseline.md).")
@click.option("--no-cache", is_flag=True, help="Draw every chart again instead of reusing cached ones.")
@click.pass_obj
def command(state: State, out: Path | None, markdown: Path | None, baseline: str | None, no_cache: bool) -> None:
    """Build the static site (HTML) and the Markdown reports from the plans.

    Output folders are replaced whole, atomically; a folder that plancode did not make
    is never replaced unless it is empty. Exits 1 without writing when the plans have errors.
    """
    from ..problems import Severity
    from ..reporters import Report, text
    from ..workspace import UsageError

    started = time.perf_counter()
    config = state.config()
    messages = i18n.Messages(config.locale)
    site_dir = out.absolute() if out else config.root / "site"
    reports_dir = markdown.absolute() if markdown else config.root / "reports"
    _check_outputs(site_dir, reports_dir, messages)

    ws = state.workspace()
    errors = [p for p in ws.problems if p.severity == Severity.ERROR]
    if errors:
        click.echo(text(Report(errors, len(ws.files), ws.messages)), err=True, nl=False)
        click.echo(f"plancode: {messages('build-errors')}", err=True)
        sys.exit(EXIT_FINDINGS)

    plan = ws.plan
    gantt_baseline = since = None
    if baseline:
        from ..diff import baseline_dates
        from ..history import load_snapshot
        from ..render.baseline import since_baseline

        try:
            snapshot = load_snapshot(baseline, config, state.cwd)
        except UsageError as exc:
            click.echo(f"plancode: {exc}", err=True)
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

    from ..history import last_changes

    # when and by whom each plan file last changed; {} outside git (the site then says nothing)
    changed = last_changes(config, state.cwd)

    from ..render import output
    from ..render.charts import cache_path, render_chart
    from ..render.fonts import FontError
    from ..render.labels import Labels
    from ..render.markdown import markdown_files
    from ..render.site import chart_layout, site_files

    labels = Labels(config.locale)
    charts = chart_layout(plan, config, labels, gantt_baseline).all()
    from ..check_cache import cache_dir  # one cache folder for check results and charts

    cache = None if no_cache else cache_dir()
    to_draw = [c for c in charts if cache is None or not cache_path(cache, c.spec).is_file()]
    svgs: dict[str, str] = {}
    try:
        if to_draw and sys.stderr.isatty():
            with click.progressbar(charts, label=messages("build-charts-label"), file=sys.stderr,
                                   show_pos=True) as bar:
                for chart in bar:
                    svgs[chart.name] = render_chart(chart, cache)
        else:
            for chart in charts:
                svgs[chart.name] = render_chart(chart, cache)
    except FontError as exc:
        click.echo(f"plancode: {messages('build-font', reason=exc)}", err=True)
        sys.exit(EXIT_USAGE)

    site = site_files(plan, config, labels, svgs, baseline=gantt_baseline,
                      template_cache=None if cache is None else cache / "templates",
                      since_baseline=since, last_changes=changed)
    reports = markdown_files(plan, config, labels, svgs, since_baseline=since)
    writing = site_dir
    try:
        output.write_tree(site, site_dir)
        writing = reports_dir
        output.write_tree(reports, reports_dir)
    except output.OutputError as exc:
        _output_exit(exc, messages)
    except OSError as exc:
        # the folder the user named, not the temporary one beside it that failed
        where = _shown(writing, state.cwd)
        reason = exc.strerror or str(exc)
        click.echo(f"plancode: {messages('build-output-failed', path=where, reason=reason)}", err=True)
        sys.exit(EXIT_USAGE)

    click.echo(messages("build-site", pages=_count(site, ".html"), files=len(site) + 1,
                        path=_shown(site_dir, state.cwd)))
    click.echo(messages("build-markdown", pages=_count(reports, ".md"), files=len(reports) + 1,
                        path=_shown(reports_dir, state.cwd)))
    click.echo(messages("build-charts", drawn=len(to_draw), cached=len(charts) - len(to_draw)))
    if since is not None:
        click.echo(messages("build-baseline", rev=baseline))
        click.echo(messages("build-baseline-changes", rev=baseline, slipped=len(since.slipped),
                            moved=since.count("moved"), added=since.count("added"),
                            removed=since.count("removed")))
    click.echo(messages("build-time", seconds=time.perf_counter() - started))


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


def _count(files: dict[str, bytes], suffix: str) -> int:
    return sum(1 for name in files if name.endswith(suffix))


def _shown(path: Path, cwd: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        shown = path.relative_to(cwd).as_posix()
    except ValueError:
        shown = path.as_posix()
    return shown.rstrip("/") + "/"
