"""``plancode textconv FILE``: a plan file as one fact per line, in a stable order, for
git's ``textconv`` diff driver (docs/git.md)::

    task douyin-live/selection.end = 2024-06-15
    goal cac-50.metric.target = 50

``git diff`` and ``git log -p`` then show which fact changed, whatever the YAML's
formatting (flow or block style, key order, quoting, comments). Lists keep their order,
since order is meaningful in them; keys of a mapping follow one fixed order.

Git runs this on every diffed blob, so it never fails: a file that does not parse is
printed as it is. It reads no config and no other file.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator

import click

from ..validate import number_text

#: keys shown first, in this order; any other key follows alphabetically
ORDER = (
    "kind", "version", "id", "name", "title", "period", "week", "department", "author", "owner",
    "lead", "parent", "role", "goal", "task", "metric", "dimension", "unit", "baseline", "target",
    "actual", "direction", "value", "module", "start", "end", "days", "after", "milestone",
    "due", "progress", "status", "done", "planned", "reason", "adjustment", "results", "spent",
    "priority", "type", "class", "support", "budget", "total", "currency", "contingency",
    "allocation", "deliverable", "resources", "risks", "risk", "mitigation", "analysis",
    "actions", "next", "github", "email", "capacity", "description", "notes", "note",
)
_RANK = {key: i for i, key in enumerate(ORDER)}
#: lists of mappings named by one of their fields rather than by position
_NAMED_BY = {"entries": "task", "metrics": "goal", "rows": "metric"}
_PLAIN = re.compile(r"^[^\s\"'\\][^\n\\]*(?<=\S)$|^[^\s\"'\\]$")


def _keys(mapping: dict[str, Any]) -> list[str]:
    return sorted(mapping, key=lambda k: (_RANK.get(k, len(ORDER)), k))


def value_text(value: Any) -> str:
    """A scalar or a list of scalars on one line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)  # never 4,000 digits, nor Python's ValueError beyond 4,300
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(value[k])}" for k in _keys(value)) + "}"
    text = str(value)
    # quoted only when the text would not read back as itself (blank edges, newlines)
    return text if _PLAIN.match(text) else json.dumps(text, ensure_ascii=False)


def _flat(value: Any) -> bool:
    if isinstance(value, list):
        return all(not isinstance(v, (dict, list)) for v in value)
    return not isinstance(value, dict)


def facts(subject: str, mapping: dict[str, Any], skip: tuple[str, ...] = ()) -> Iterator[str]:
    """``subject.key = value`` for every leaf of ``mapping``; nested mappings and lists of
    mappings extend the path (``.metric.target``, ``.risks[0].risk``)."""
    for key in _keys(mapping):
        if key in skip:
            continue
        value = mapping[key]
        path = f"{subject}.{key}"
        if isinstance(value, dict) and value:
            yield from facts(path, value)
        elif isinstance(value, list) and value and not _flat(value):
            names, named_by = _names(key, value)
            for name, item in zip(names, value):
                if isinstance(item, dict):
                    yield from facts(f"{path}[{name}]", item, skip=named_by)
                else:
                    yield f"{path}[{name}] = {value_text(item)}"
        else:
            yield f"{path} = {value_text(value)}"


def _names(key: str, items: list[Any]) -> tuple[list[str], tuple[str, ...]]:
    """Each item's name in a path (its naming field when every item has a distinct one,
    else its position), and the field that named it, not repeated as a fact."""
    field = _NAMED_BY.get(key)
    if field:
        names = [i.get(field) if isinstance(i, dict) else None for i in items]
        if all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
            return names, (field,)  # type: ignore[return-value]
    return [str(i) for i in range(len(items))], ()


def _entities(kind: str, subject: str, items: Any) -> Iterator[str]:
    if not isinstance(items, list):
        yield f"{subject} = {value_text(items)}"
        return
    for i, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if len(item) == 1:  # nothing but its id: the entity's existence is the fact
                yield f"{kind} {item['id']}"
            yield from facts(f"{kind} {item['id']}", item, skip=("id",))
        elif isinstance(item, dict):
            yield from facts(f"{subject}[{i}]", item)
        else:
            yield f"{subject}[{i}] = {value_text(item)}"


def _goals(items: Any, parent: str | None) -> Iterator[str]:
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            yield from facts("goal ?", item if isinstance(item, dict) else {"value": item})
            continue
        subject = f"goal {item['id']}"
        if parent:
            yield f"{subject}.parent = {parent}"
        yield from facts(subject, item, skip=("id", "goals"))
        yield from _goals(item.get("goals"), item["id"])


def canonical_lines(data: Any) -> list[str]:
    """The facts of one plan document, by kind."""
    if not isinstance(data, dict):
        return [value_text(data)]
    kind = data.get("kind")
    head = {k: data[k] for k in ("kind", "version") if k in data}
    lines = [f"{k} = {value_text(v)}" for k, v in head.items()]
    rest = {k: v for k, v in data.items() if k not in head}
    if kind == "team":
        lines += _entities("department", "departments", rest.pop("departments", []))
        lines += _entities("person", "people", rest.pop("people", []))
        lines += facts("team", rest)
    elif kind == "strategy":
        goals = rest.pop("goals", [])
        lines += facts(f"strategy {rest.get('id', '?')}", rest, skip=("id",))
        lines += _goals(goals, None)
    elif kind == "workstream":
        ws = rest.get("id", "?")
        tasks = rest.pop("tasks", [])
        lines += facts(f"workstream {ws}", rest, skip=("id",))
        lines += _entities("task", "tasks", [
            {**t, "id": f"{ws}/{t['id']}"} if isinstance(t, dict) and isinstance(t.get("id"), str) else t
            for t in (tasks if isinstance(tasks, list) else [tasks])])
    elif kind == "report":
        lines += facts(f"report {rest.get('week', '?')}/{rest.get('department', '?')}", rest,
                       skip=("week", "department"))
    elif kind == "review":
        lines += facts(f"review {value_text(rest.get('period', '?'))}", rest, skip=("period",))
    else:
        lines += facts(str(kind) if kind else "document", rest)
    return [line for line in lines if line]


@click.command("textconv")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def command(file: Path) -> None:
    """Print FILE as one fact per line (for `git config diff.plancode.textconv`).
    A file that is not a readable plan is printed unchanged."""
    from ..i18n import Messages
    from ..loader import Limits, load_text
    from ..reporters import printable

    try:
        size = file.stat().st_size
        if size > Limits().max_file_bytes:  # a 5 GB file is not read into memory
            click.echo(printable(f"plancode: {file} is {size:,} bytes, more than a plan file may hold",
                                 line=True))
            return
        data = file.read_bytes()
    except OSError as exc:
        click.echo(printable(f"plancode: cannot read {file}: {exc.strerror or exc}", line=True), err=True)
        sys.exit(2)
    doc, problems = load_text(data, file, str(file), Messages("en"))
    if doc is None or problems:
        # unreadable or ambiguous: show what is really there, its control bytes escaped
        # (git shows textconv's output on the terminal as it is)
        click.echo(printable(data.decode("utf-8", "replace")), nl=False)
        return

    click.echo(printable("\n".join(canonical_lines(doc.data))))  # git prints it to the terminal
