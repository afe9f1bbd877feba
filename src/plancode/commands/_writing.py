"""What the commands that write files share (init, new, codeowners, import, export xlsx):
plan YAML that reads the way people write it, and files written atomically that never
replace a user's file unless asked.

A module name starting with ``_`` is not a command (see ``plancode.commands``).
"""

from __future__ import annotations

import errno
import io
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, TextIO

import click
import yaml
from yaml.emitter import Emitter
from yaml.representer import SafeRepresenter
from yaml.serializer import Serializer

from .. import i18n
from ..loader import PlanResolver

i18n.register({
    "write-exists": (
        "{path} already exists; it is left as it is (use --force to replace it)",
        "{path} 已存在,保持不變(如需覆蓋請加 --force)",
    ),
    "write-redirect": (
        "to keep the result outside the project, have it printed and redirect it: `plancode … > FILE`",
        "如需存到項目目錄之外,請讓結果輸出到終端並重定向:`plancode … > 文件`",
    ),
    "write-failed": (
        "cannot write {path}: {reason}",
        "無法寫入 {path}:{reason}",
    ),
    "write-wrote": (
        "wrote {path}",
        "已寫入 {path}",
    ),
    "write-not-a-file": (
        "{path} is not a regular file (a device, a pipe or a folder): it is never replaced",
        "{path} 不是普通文件(而是設備、管道或目錄):不會覆蓋它",
    ),
    "write-binary-tty": (
        "this output is binary (an Excel workbook): give --output FILE, or redirect it to a file",
        "此輸出是二進位的 Excel 工作簿:請加 --output 文件名,或重定向到文件",
    ),
})


class PlanDumper(Emitter, Serializer, SafeRepresenter, PlanResolver):
    """PyYAML's safe dumper with plancode's YAML 1.2 resolver.

    With PyYAML's own (YAML 1.1) resolver, ``done: yes`` and ``start: 2024-06-01`` come
    out quoted (``'yes'``, ``'2024-06-01'``) because 1.1 would read them as a boolean and a
    timestamp; plancode reads them as the text they are, so they are written plain, as a
    person writes them. Anything plancode would misread (``'90'`` as text, ``''``) is
    still quoted. Lists are indented under their key, like the example plans.
    """

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        Emitter.__init__(self, stream, canonical=None, indent=2, width=10_000,
                         allow_unicode=True, line_break="\n")
        Serializer.__init__(self, encoding=kwargs.get("encoding"), explicit_start=False,
                            explicit_end=False, version=None, tags=None)
        SafeRepresenter.__init__(self, default_style=None, default_flow_style=False,
                                 sort_keys=False)
        PlanResolver.__init__(self)

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_float(dumper: PlanDumper, value: float) -> Any:
    # 90.0 is written 90: percentages and money read as people write them
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return dumper.represent_int(int(value))
    return SafeRepresenter.represent_float(dumper, value)


PlanDumper.add_representer(float, _represent_float)


def _represent_str(dumper: PlanDumper, value: str) -> Any:
    # notes pasted from a spreadsheet cell keep their lines, as a `|` block
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


PlanDumper.add_representer(str, _represent_str)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and "\n" not in str(value)


def _represent_list(dumper: PlanDumper, value: list) -> Any:
    # `after: [account]`, `support: [sales, product]`: short lists of ids on one line
    flow = bool(value) and all(_is_scalar(v) for v in value) and len(str(value)) <= 60
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_dict(dumper: PlanDumper, value: dict) -> Any:
    # `metric: {name: 場均GMV, unit: 萬元, target: 3}`: small records on one line
    flow = bool(value) and all(_is_scalar(v) for v in value.values()) and len(str(value)) <= 60
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


PlanDumper.add_representer(list, _represent_list)
PlanDumper.add_representer(dict, _represent_dict)


class Flow(dict):
    """A mapping written on one line, ``{總播放量: 120000, 點贊量: 8000}``."""


def _represent_flow(dumper: PlanDumper, value: Flow) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


PlanDumper.add_representer(Flow, _represent_flow)


class _Block(dict):
    """The document itself: always one `key: value` per line, however small."""


PlanDumper.add_representer(
    _Block, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=False))


def dump(data: Any) -> str:
    """Plan YAML for ``data`` (dicts keep their order)."""
    return yaml.dump(_Block(data) if type(data) is dict else data, Dumper=PlanDumper)


def scalar(value: Any) -> str:
    """One value as it appears after ``key: `` (quoted only when it must be)."""
    text = yaml.dump(value, Dumper=PlanDumper)
    return text.removesuffix("\n...\n").removesuffix("\n")


def modeline(kind: str, target: Path, root: Path) -> str:
    """The editor modeline pointing at ``ROOT/schema/KIND.schema.json`` from ``target``,
    or "" when the repository keeps no schema folder or the file is written outside the
    repository (a path that does not resolve makes the editor flag the first line)."""
    schema = root / "schema" / f"{kind}.schema.json"
    if not schema.is_file() or not target.resolve().is_relative_to(root.resolve()):
        return ""
    relative = os.path.relpath(schema.resolve(), target.parent.resolve()).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={relative}\n"


#: text written piece by piece to the stream it is given, so that it is never whole in memory
TextWriter = Callable[[TextIO], None]


def write_file(path: Path, data: bytes | TextWriter, force: bool = False) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file beside it, then a rename,
    so a reader (or a killed command) never sees half a file. A TextWriter writes UTF-8.

    Without ``force`` an existing file is never replaced — not even one created between
    the check and the write — and FileExistsError is raised.
    """
    if os.path.lexists(path) and not (path.is_symlink() or path.is_file()):
        # `--output /dev/full --force` as root would rename a regular file over the device
        raise IsADirectoryError(errno.EISDIR, "not a regular file", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if callable(data):
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as text:
                data(text)
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp's 0600 would hide the file from the team
        if force:
            os.replace(temp, path)
            return
        try:
            os.link(temp, path)  # fails when path exists: no window to clobber a new file
        except OSError as exc:
            if isinstance(exc, FileExistsError) or path.exists():
                raise FileExistsError(str(path)) from None
            os.replace(temp, path)  # a file system without hard links
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def shown(path: Path, cwd: Path | None = None) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    from ..loader import display_path

    return display_path(path.absolute(), cwd)


def write_or_exit(path: Path, data: bytes | TextWriter, force: bool, messages: i18n.Messages,
                  inside: Path, cwd: Path) -> None:
    """Write, or print why not and exit 2 (the command could not do what was asked).
    ``path`` must lie inside the folder ``inside`` — the project folder (SPEC §5.7), or
    for CODEOWNERS the git repository it describes —, links on the way followed."""
    from ..reporters import printable
    from ..workspace import UsageError, check_inside_folder

    try:
        check_inside_folder(path, inside, cwd, messages)
    except UsageError as exc:
        click.echo(printable(f"plancode: {exc}", line=True), err=True)
        click.echo(f"plancode: {messages('write-redirect')}", err=True)
        sys.exit(2)
    try:
        write_file(path, data, force)
    except FileExistsError:
        click.echo(f"plancode: {messages('write-exists', path=shown(path))}", err=True)
        sys.exit(2)
    except IsADirectoryError:
        click.echo(f"plancode: {messages('write-not-a-file', path=shown(path))}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"plancode: {messages('write-failed', path=shown(path), reason=exc.strerror or exc)}",
                   err=True)
        sys.exit(2)


def emit(data: str | bytes | TextWriter, output: Path | None, force: bool, messages: i18n.Messages,
         cwd: Path, inside: Path) -> None:
    """A command's result: to ``output`` when given (atomic; no overwrite without
    ``force``), else to stdout — but never binary onto a terminal, where it would be
    garbage and could upset the terminal. A TextWriter is streamed to either."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if output is not None:
        target = output if output.is_absolute() else cwd / output
        write_or_exit(target, raw, force, messages, inside, cwd)
        click.echo(messages("write-wrote", path=shown(target, cwd)), err=True)
        return
    # stdout that cannot be written (a full disk): plancode.stdio, as for every command
    if callable(data):
        # UTF-8 whatever the console's code page (JSON and CSV are UTF-8), written as made
        sys.stdout.flush()
        stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            data(stdout)
            stdout.flush()
        finally:
            stdout.detach()  # sys.stdout's buffer stays open for what follows
        return
    if isinstance(data, str):
        click.echo(data, nl=False)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    stdout = sys.stdout.buffer
    if stdout.isatty():
        click.echo(f"plancode: {messages('write-binary-tty')}", err=True)
        sys.exit(2)
    stdout.write(raw)
    stdout.flush()
