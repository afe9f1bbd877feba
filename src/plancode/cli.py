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
from .helptext import localize
from .i18n import LOCALES
from .reporters import REPORTERS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        from .i18n import Messages
        from .usage import configured_locale

        message = Messages(configured_locale(sys.argv[1:]))("usage-bad-date", value=repr(value))
        raise click.BadParameter(message) from None
    from .validate import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= date.year <= LAST_YEAR:  # SPEC §5.7: a chart of 7,000 years is no plan
        raise click.BadParameter(f"{value!r} is not in the years {FIRST_YEAR}–{LAST_YEAR}")
    return date


def _messages(state: "State"):
    """Messages in the locale the command line or the config names (for usage errors
    before the plans are read)."""
    from .i18n import Messages
    from .usage import configured_locale

    return Messages(state.locale or configured_locale(sys.argv[1:]))


def _set_global(ctx: click.Context, param: click.Parameter, value: object) -> None:
    """``--config``/``--as-of``/``--locale`` given after the command name."""
    if value is None:
        return
    state = ctx.find_object(State)
    if state is not None:
        setattr(state, param.name or "", value)


#: the three options of the group, also accepted after each command's name (SPEC §3)
def _global_params() -> list[click.Parameter]:
    return [
        click.Option(["--config", "config_file"], type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     expose_value=False, callback=_set_global, is_eager=True,
                     help="plancode.yaml to use (default: the nearest one upwards from here)."),
        click.Option(["--as-of", "as_of"], metavar="DATE", expose_value=False, is_eager=True,
                     callback=lambda ctx, param, value: _set_global(ctx, param, _parse_date(ctx, param, value)),
                     help="The day every date-dependent figure is computed for (default: config, else today)."),
        click.Option(["--locale", "locale"], type=click.Choice(LOCALES), expose_value=False, is_eager=True,
                     callback=_set_global, help="Language of messages and labels: zh-CN, zh-TW or en."),
    ]


def with_global_options(command: click.Command) -> click.Command:
    """Add the group's three options to ``command`` (once)."""
    if not any(p.name == "as_of" for p in command.params):
        command.params.extend(_global_params())
    return localize(command)


class State:
    def __init__(self, config_file: Path | None, as_of: dt.date | None, locale: str | None):
        self.config_file = config_file
        self.as_of = as_of
        self.locale = locale
        self.cwd = Path.cwd()
        self._config = None

    def config(self, fmt: str = "text", cache: bool = True):
        """The effective config, read once per command (check asks twice); ``cache``
        False (`check --no-cache`): its validity is not taken from the cache either."""
        from .workspace import UsageError, load_config

        if self._config is None:
            try:
                self._config = load_config(self.config_file, self.cwd, self.as_of, self.locale, cache)
            except UsageError as exc:
                usage_exit(exc, self.locale, fmt, self.cwd)
        return self._config

    def workspace(self, paths=(), selected=lambda code: True, cache: bool = True, fmt: str = "text"):
        from .workspace import UsageError, load_workspace

        config = self.config(fmt)
        try:
            return load_workspace(config, [Path(p) for p in paths] or None, self.cwd, selected, cache=cache)
        except UsageError as exc:
            usage_exit(exc, config.locale, fmt, self.cwd)


def usage_exit(exc, locale: str | None, fmt: str = "text", cwd: Path = Path(".")) -> None:
    """Exit 2 with the reason. The findings behind it (an invalid plancode.yaml) are shown
    in the format asked for: under ``--format github`` as escaped annotations, so that a
    key holding a line break cannot start a workflow command; in json and sarif on stdout."""
    from .i18n import Messages
    from .reporters import Report, printable, text

    if exc.problems:
        report = Report(exc.problems, 1, Messages(locale or "en"), cwd=cwd)
        if fmt == "text":
            click.echo(text(report), err=True, nl=False)
        else:
            click.echo(REPORTERS[fmt](report), nl=False)
    click.echo(printable(f"plancode: {exc}", line=True), err=True)
    sys.exit(EXIT_USAGE)


class _Group(click.Group):
    """The built-in commands below, plus one command per module of ``plancode.commands``
    (its attribute ``command``), imported only when that command runs or help lists it.
    Every command also takes the group's --config, --as-of and --locale; usage errors
    are written in the user's locale (:mod:`plancode.usage`)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from .usage import run

        return run(super().main, self, args, prog_name, complete_var, standalone_mode, extra)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            from .usage import NoSuchCommand

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1, cutoff=0.6)
            raise NoSuchCommand(name, close[0] if close else None, ctx)
        return super().resolve_command(ctx, args)

    def _modules(self) -> dict[str, str]:
        import pkgutil

        from . import commands

        return {info.name.rstrip("_").replace("_", "-"): info.name
                for info in pkgutil.iter_modules(commands.__path__) if not info.name.startswith("_")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._modules()})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list; in a Chinese ``--help`` (a translated copy of the group, see
        :mod:`plancode.helptext`) with each command's Chinese summary."""
        messages = getattr(self, "help_messages", None)
        if messages is None or not messages.chinese:
            return super().format_commands(ctx, formatter)
        from .helptext import short_help

        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, short_help(command, name, messages, formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in self._modules():
            import importlib

            command = importlib.import_module(f"plancode.commands.{self._modules()[name]}").command
        return with_global_options(command) if command is not None else None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plancode")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="plancode.yaml to use (default: the nearest one upwards from here).")
@click.option("--as-of", callback=_parse_date, metavar="DATE",
              help="The day every date-dependent figure is computed for (default: config, else today).")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of messages and labels: zh-CN, zh-TW or en.")
@click.pass_context
def main(ctx: click.Context, config_file: Path | None, as_of: dt.date | None, locale: str | None) -> None:
    """plancode: marketing and sales plans as code.

    Plans are YAML files in git; plancode checks them, renders them and compares them.
    --config, --as-of and --locale may also follow the command's name.
    """
    ctx.obj = State(config_file, as_of, locale)


localize(main)


def _selector(select: str | None, ignore: str | None, state: "State"):
    if not select and not ignore:  # the rule catalogue is imported only to expand codes
        return lambda code: True
    from .rules import expand_codes

    chosen = unknown = None
    if select:
        chosen, unknown = expand_codes(select.split(","))
        if unknown:
            raise click.BadParameter(_messages(state)("unknown-rule-code", code=unknown[0]), param_hint="--select")
    dropped: set[str] = set()
    if ignore:
        dropped, unknown = expand_codes(ignore.split(","))
        if unknown:
            raise click.BadParameter(_messages(state)("unknown-rule-code", code=unknown[0]), param_hint="--ignore")
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
    from .workspace import PARALLEL_FILES

    selected = _selector(select, ignore, state)
    config = state.config(fmt, cache=not no_cache)
    key = None if no_cache else check_cache.check_key(
        config, [Path(p) for p in paths] or None, state.cwd, [*map(str, paths), select or "", ignore or ""])
    cached = check_cache.load(key) if key else None
    if cached is not None:
        files, problems = cached
    else:
        ws = state.workspace(paths, selected, cache=not no_cache, fmt=fmt)
        files, problems = len(ws.files), ws.problems
        if files >= PARALLEL_FILES:
            # a large plan's million objects, alive to the end, kept out of the collector's
            # passes: the next one (storing the result) and those at exit took 0.1-0.3 s
            import gc

            gc.freeze()
        if key:
            check_cache.store(key, files, problems)
    # an output that cannot be written (a full disk, no stdout at all): plancode.stdio, for every command
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
        raise click.BadParameter(_messages(state)("export-no-xlsx", what=what), param_hint="--what")
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

    emit(data, output, force, ws.messages, state.cwd, ws.config.root)


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
    messages = Messages(state.config().locale)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(code.strip().upper(), list(REGISTRY), n=1)
        hint = " " + messages("usage-did-you-mean", suggestion=close[0]) if close else ""
        click.echo(f"plancode: {messages('unknown-rule-code', code=code)};{hint} {messages('rules-list-them')}",
                   err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{rule.code} {rule.slug} ({messages.severity(rule.severity)}): {rule.title_in(messages)}\n")
    click.echo(rule.doc_in(messages))
    if rule.options:
        click.echo("\n" + messages("explain-options", options=", ".join(rule.options)))
