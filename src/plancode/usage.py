"""Usage errors in the user's locale, and the three options every command accepts.

click writes its own usage errors in English ("No such option: --x"). The command line
catches them and writes them here, from the catalogue: the locale is the one the command
line names (``--locale``, before or after the command), else the config's, else English.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Sequence

import click

from . import i18n
from .i18n import LOCALES, Messages

i18n.register({
    "usage-line": ("Usage: {usage}", "用法:{usage}"),
    "usage-try": ("Try '{command} -h' for help.", "執行 '{command} -h' 查看說明。"),
    "usage-error": ("Error: {message}", "錯誤:{message}"),
    "usage-no-such-option": ("No such option: {option}", "沒有 {option} 這個選項"),
    "usage-no-such-command": ("No such command: {command}", "沒有 {command} 這個命令"),
    "usage-did-you-mean": ("did you mean {suggestion}?", "是不是想寫 {suggestion}?"),
    "usage-missing": ("missing {param}", "缺少 {param}"),
    "usage-missing-argument": ("missing argument {param}", "缺少參數 {param}"),
    "usage-missing-option": ("missing option {param}", "缺少選項 {param}"),
    "usage-needs-value": ("option {option} needs a value", "選項 {option} 需要一個值"),
    "usage-extra-argument": ("unexpected extra argument: {argument}", "多餘的參數:{argument}"),
    "usage-invalid-choice": (
        "{param}: {value} is not one of {choices}",
        "{param}:{value} 不是可選值之一({choices})",
    ),
    "usage-invalid-value": ("{param}: {reason}", "{param}:{reason}"),
    "usage-bad-date": ("{value} is not a date (YYYY-MM-DD)", "{value} 不是日期(格式 YYYY-MM-DD)"),
    "usage-path-missing": ("{path} does not exist", "{path} 不存在"),
    "usage-output-failed": (
        "cannot write the output: {reason}",
        "無法寫出結果:{reason}",
    ),
})


class NoSuchCommand(click.UsageError):
    """``plancode biuld``: names the command meant, when one is close."""

    def __init__(self, name: str, suggestion: str | None, ctx: click.Context):
        super().__init__(f"No such command {name!r}.", ctx)
        self.name, self.suggestion = name, suggestion


def requested_locale(args: Sequence[str]) -> str | None:
    """The ``--locale`` the command line names, wherever it stands."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--locale" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--locale="):
            value = arg.split("=", 1)[1]
        else:
            continue
        if value in LOCALES:
            return value
    return None


def configured_locale(args: Sequence[str]) -> str:
    """The locale usage errors are written in: the command line's, else the config's
    (``--config`` or the nearest plancode.yaml), else English."""
    locale = requested_locale(args)
    if locale:
        return locale
    try:
        from .workspace import find_config

        config_file = None
        for i, arg in enumerate(args):
            if arg == "--config" and i + 1 < len(args):
                config_file = Path(args[i + 1])
            elif arg.startswith("--config="):
                config_file = Path(arg.split("=", 1)[1])
        path = config_file or find_config(Path.cwd())
        if path is not None:
            match = re.search(r"^locale:\s*[\"']?([A-Za-z-]+)", path.read_text("utf-8", "replace"), re.M)
            if match and match[1] in LOCALES:
                return match[1]
    except (OSError, ValueError):
        pass
    return i18n.DEFAULT_LOCALE


def _param_name(exc: click.UsageError) -> str:
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None)
    if hint:
        return hint if isinstance(hint, str) else " / ".join(hint)
    if param is not None:
        if isinstance(param, click.Option):
            return max(param.opts, key=len)
        return (param.human_readable_name or "").upper()
    return ""


def describe(exc: click.UsageError, m: Messages) -> str:
    """The usage error's sentence in ``m``'s locale."""
    if isinstance(exc, NoSuchCommand):
        text = m("usage-no-such-command", command=exc.name)
        if exc.suggestion:
            text += "; " + m("usage-did-you-mean", suggestion=f"plancode {exc.suggestion}")
        return text
    if isinstance(exc, click.NoSuchOption):
        text = m("usage-no-such-option", option=exc.option_name)
        if exc.possibilities:
            text += "; " + m("usage-did-you-mean", suggestion=", ".join(sorted(exc.possibilities)))
        return text
    if isinstance(exc, click.MissingParameter):
        param = _param_name(exc)
        kind = getattr(exc, "param_type", None) or (
            "argument" if isinstance(exc.param, click.Argument) else "option")
        return m("usage-missing-argument" if kind == "argument" else "usage-missing-option", param=param)
    if isinstance(exc, click.BadOptionUsage):
        match = re.match(r"Option '?(\S+?)'? requires an? .*argument", exc.message)
        if match:
            return m("usage-needs-value", option=match[1])
        return exc.message
    if isinstance(exc, click.BadParameter):
        param = _param_name(exc)
        match = re.match(r"(.+?) is not (?:one of )?(.+)\.$", exc.message, re.S)
        if isinstance(getattr(exc.param, "type", None), click.Choice) and match:
            choices = m.separator.join(str(c) for c in exc.param.type.choices)
            return m("usage-invalid-choice", param=param, value=match[1], choices=choices)
        match = re.match(r"Path '(.*)' does not exist\.$", exc.message)
        if match:
            return m("usage-invalid-value", param=param, reason=m("usage-path-missing", path=match[1]))
        return m("usage-invalid-value", param=param, reason=exc.message) if param else exc.message
    match = re.match(r"Got unexpected extra arguments? \((.*)\)$", exc.message)
    if match:
        return m("usage-extra-argument", argument=match[1])
    return exc.message


def show(exc: click.UsageError, args: Sequence[str]) -> None:
    """What click's ``UsageError.show`` writes, in the configured locale."""
    m = Messages(configured_locale(args))
    ctx = exc.ctx
    lines = []
    if ctx is not None:
        lines.append(m("usage-line", usage=ctx.get_usage().removeprefix("Usage: ").strip()))
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(m("usage-try", command=ctx.command_path))
        lines.append("")
    lines.append(m("usage-error", message=describe(exc, m)))
    click.echo("\n".join(lines), err=True)


def run(main: Any, group: click.Group, args: Sequence[str] | None, prog_name: str | None,
        complete_var: str | None, standalone_mode: bool, extra: dict) -> Any:
    """``click.Group.main`` with its usage errors shown by :func:`show`."""
    if not standalone_mode:
        return main(args, prog_name, complete_var, standalone_mode=False, **extra)
    argv = list(sys.argv[1:] if args is None else args)
    from . import helptext, stdio

    helptext.ARGS[:] = argv  # --help is written in the locale these name
    restore = stdio.guard()  # every command's stdout and Ctrl-C alike (plancode.stdio)
    try:
        try:
            rv = main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            show(exc, argv)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C in a command: click has ended the ^C line
            stdio.interrupted(line_break=False)
        except stdio.OutputFailed as exc:
            stdio.output_failed(exc, configured_locale(argv))
        sys.exit(rv if isinstance(rv, int) else 0)
    except KeyboardInterrupt:
        stdio.interrupted()
    finally:
        restore()
