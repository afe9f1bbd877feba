"""The command line: click only. Options become a config, the pipeline runs, the result
becomes an exit code: 0 clean (warnings allowed), 1 errors, 2 usage error.

Commands import their heavy modules inside the command, so ``plancode check`` never pays
for matplotlib, jinja2 or git.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from pathlib import Path

import click

from . import __version__
from .i18n import LOCALES
from .reporters import REPORTERS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


class State:
    def __init__(self, config_file: Path | None, as_of: dt.date | None, locale: str | None):
        self.config_file = config_file
        self.as_of = as_of
        self.locale = locale
        self.cwd = Path.cwd()

    def config(self):
        from .workspace import UsageError, load_config

        try:
            return load_config(self.config_file, self.cwd, self.as_of, self.locale)
        except UsageError as exc:
            usage_exit(exc, self.locale)

    def workspace(self, paths=(), selected=lambda code: True, cache: bool = True):
        from .workspace import UsageError, load_workspace

        config = self.config()
        try:
            return load_workspace(config, [Path(p) for p in paths] or None, self.cwd, selected, cache=cache)
        except UsageError as exc:
            usage_exit(exc, config.locale)


def usage_exit(exc, locale: str | None) -> None:
    from .i18n import Messages
    from .reporters import Report, printable, text

    if exc.problems:
        click.echo(text(Report(exc.problems, 1, Messages(locale or "en"))), err=True, nl=False)
    click.echo(printable(f"plancode: {exc}"), err=True)
    sys.exit(EXIT_USAGE)


class _Group(click.Group):
    """The built-in commands below, plus one command per module of ``plancode.commands``
    (its attribute ``command``), imported only when that command runs or help lists it."""

    def _modules(self) -> dict[str, str]:
        import pkgutil

        from . import commands

        return {info.name.rstrip("_").replace("_", "-"): info.name
                for info in pkgutil.iter_modules(commands.__path__) if not info.name.startswith("_")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._modules()})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in self._modules():
            import importlib

            command = importlib.import_module(f"plancode.commands.{self._modules()[name]}").command
        return command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plancode")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="plancode.yaml to use (default: the nearest one upwards from here).")
@click.option("--as-of", callback=_parse_date, metavar="DATE",
              help="The day every date-dependent figure is computed for (default: config, else today).")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of messages and labels.")
@click.pass_context
def main(ctx: click.Context, config_file: Path | None, as_of: dt.date | None, locale: str | None) -> None:
    """plancode: marketing and sales plans as code.

    Plans are YAML files in git; plancode checks them, renders them and compares them.
    """
    ctx.obj = State(config_file, as_of, locale)


def _selector(select: str | None, ignore: str | None):
    if not select and not ignore:  # the rule catalogue is imported only to expand codes
        return lambda code: True
    from .rules import expand_codes

    chosen = unknown = None
    if select:
        chosen, unknown = expand_codes(select.split(","))
        if unknown:
            raise click.BadParameter(f"unknown rule code {unknown[0]}", param_hint="--select")
    dropped: set[str] = set()
    if ignore:
        dropped, unknown = expand_codes(ignore.split(","))
        if unknown:
            raise click.BadParameter(f"unknown rule code {unknown[0]}", param_hint="--ignore")
    return lambda code: (chosen is None or code in chosen) and code not in dropped


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(REPORTERS)), default="text",
              show_default=True, help="How findings are printed.")
@click.option("--select", metavar="CODES", help="Only these rules (comma-separated codes or prefixes: PC2,PC404).")
@click.option("--ignore", metavar="CODES", help="Not these rules (comma-separated codes or prefixes).")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--no-cache", is_flag=True,
              help="Read and check every file again instead of reusing what was read or found before.")
@click.pass_obj
def check(state: State, paths: tuple[Path, ...], fmt: str, select: str | None, ignore: str | None,
          strict: bool, no_cache: bool) -> None:
    """Validate plan files and run every rule.

    Exit 0 when clean (warnings allowed), 1 with errors (or warnings under --strict),
    2 when the command cannot run.
    """
    from . import check_cache
    from .i18n import Messages
    from .problems import Severity
    from .reporters import Report

    selected = _selector(select, ignore)
    config = state.config()
    key = None if no_cache else check_cache.check_key(
        config, [Path(p) for p in paths] or None, state.cwd, [*map(str, paths), select or "", ignore or ""])
    cached = check_cache.load(key) if key else None
    if cached is not None:
        files, problems = cached
    else:
        ws = state.workspace(paths, selected, cache=not no_cache)
        files, problems = len(ws.files), ws.problems
        if key:
            check_cache.store(key, files, problems)
    color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    report = Report(problems, files, Messages(config.locale), color, state.cwd)
    click.echo(REPORTERS[fmt](report), nl=False)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    sys.exit(EXIT_FINDINGS if any(p.severity in failing for p in problems) else EXIT_CLEAN)


@main.command()
@click.argument("kind", required=False,
                type=click.Choice(["team", "strategy", "workstream", "report", "review", "config"]))
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a kind of plan file (all kinds' names without KIND)."""
    from .validate import schema_text

    if kind is None:
        click.echo("team\nstrategy\nworkstream\nreport\nreview\nconfig")
        return
    click.echo(schema_text(kind), nl=False)


@main.command()
@click.option("--what", type=click.Choice(["tasks", "goals", "reviews", "reports", "modules"]),
              help="One table (default: all of them for json, tasks for csv).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True,
              help="xlsx: the teams' Excel templates, one sheet per workstream, report and review.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (needed for xlsx on a terminal); an existing file needs --force.")
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@click.pass_obj
def export(state: State, what: str | None, fmt: str, output: Path | None, force: bool) -> None:
    """Print the computed tables (tasks, goals, reviews, reports) for BI tools and
    spreadsheets. Exits 1 without output when the plans have errors."""
    if fmt == "xlsx" and what in ("goals", "modules"):
        raise click.BadParameter(f"{what} have no spreadsheet template; use --format json or csv",
                                 param_hint="--what")
    from . import export as exporter
    from .problems import Severity
    from .reporters import Report, text

    ws = state.workspace()
    errors = [p for p in ws.problems if p.severity == Severity.ERROR]
    if errors:
        click.echo(text(Report(errors, len(ws.files), ws.messages)), err=True, nl=False)
        sys.exit(EXIT_FINDINGS)
    from .commands._writing import TextWriter, emit

    data: str | bytes | TextWriter
    if fmt == "json":  # written as it is made: whole, it took 2.5 GB at 100,000 tasks
        data = functools.partial(exporter.write_json, ws.plan, (what,) if what else exporter.default_tables(ws.plan))
    elif fmt == "csv":
        data = exporter.to_csv(ws.plan, what or "tasks")
    else:
        data = exporter.to_xlsx(ws.plan, (what,) if what else ("tasks", "reports", "reviews"), ws.config.locale)

    emit(data, output, force, ws.messages, state.cwd)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="markdown: the documentation page (docs/rules.md).")
@click.pass_obj
def list_rules(state: State, fmt: str) -> None:
    """The rule catalogue: code, default severity, slug and title."""
    from .i18n import Messages
    from .rules import REGISTRY, catalogue_markdown

    if fmt == "markdown":
        click.echo(catalogue_markdown(), nl=False)
        return
    messages = Messages(state.config().locale)
    width = max(len(rule.slug) for rule in REGISTRY.values())
    for code in sorted(REGISTRY):
        rule = REGISTRY[code]
        click.echo(f"{code}  {str(rule.severity):<7}  {rule.slug:<{width}}  {rule.title_in(messages)}")


@main.command()
@click.argument("code")
@click.pass_obj
def explain(state: State, code: str) -> None:
    """One rule's rationale and a fixing example."""
    from .i18n import Messages
    from .rules import REGISTRY

    rule = REGISTRY.get(code.strip().upper())
    if rule is None:
        click.echo(f"plancode: unknown rule code {code}; `plancode rules` lists them", err=True)
        sys.exit(EXIT_USAGE)
    messages = Messages(state.config().locale)
    click.echo(f"{rule.code} {rule.slug} ({rule.severity}): {rule.title_in(messages)}\n")
    click.echo(rule.doc)
    if rule.options:
        click.echo("\nOptions: " + ", ".join(rule.options))
