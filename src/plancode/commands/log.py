"""``plancode log ID``: each commit that changed one task (WORKSTREAM/TASK), goal, person,
department or workstream: when, who, and what changed, in the plan's terms.

Only commits touching files under the plans root are read; each is compared with its
first parent by :mod:`plancode.diff`, restricted to the id.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..i18n import register

register({
    "logcmd-none": ("no commit changed {id} ({name})", "沒有提交改動過 {id}({name})"),
})


@click.command("log")
@click.argument("ident", metavar="ID")
@click.option("-n", "--max-count", type=click.IntRange(min=1), help="Only the latest N commits that changed ID.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def command(state: Any, ident: str, max_count: int | None, fmt: str) -> None:
    """The history of one task (WORKSTREAM/TASK, or its bare id when unique) or goal:
    each commit that changed it, newest first. Exit 2 outside git or for an unknown ID."""
    from .. import history
    from ..diff import Phrases
    from ..reporters import printable
    from ..workspace import UsageError
    from .diff import change_json

    config = state.config()
    try:
        found = history.log(ident, config, state.cwd, max_count)
    except UsageError as exc:
        click.echo(printable(f"plancode: {exc}"), err=True)
        sys.exit(2)
    phrases = Phrases(config.locale, found.currency)
    if fmt == "json":
        payload = {
            "id": found.ident, "name": found.name, "note": found.note or None,
            "commits": [{"commit": e.commit, "date": e.date.isoformat(), "author": e.author,
                         "email": e.email, "subject": e.subject,
                         "changes": [change_json(c, phrases) for c in e.changes]} for e in found.entries],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    title = found.ident if found.name == found.ident else f"{found.ident} {found.name}"
    lines = [title]
    for entry in found.entries:
        lines.append(f"{entry.commit[:7]}  {entry.date:%Y-%m-%d %H:%M}  {entry.author}  {entry.subject}")
        lines += [f"    {phrases.describe(c)}" for c in entry.changes]
    if not found.entries:
        lines.append(phrases.m("logcmd-none", id=found.ident, name=found.name))
    if found.note:
        lines.append(found.note)
    # commit subjects, authors and names come from whoever pushed: no terminal controls
    click.echo(printable("\n".join(lines)))
