"""``plancode diff REV_A [REV_B] [--format text|markdown|json]``: what changed in the plans
between two git revisions (or two folders); REV_B defaults to the working tree.

The three formats share one order: the summary line, the risky changes (slips, lowered
targets, owner changes, removals), then every change grouped by entity. Markdown is a
pull-request comment: it starts with a hidden marker so a CI job can find and update its
own comment, keeps under GitHub's 65,536-character limit, and escapes every cell.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from ..i18n import Messages, register

FORMATS = ("text", "markdown", "json")
MARKER = "<!-- plancode-diff -->"
#: GitHub refuses comments longer than 65,536 characters; stay clear of it
COMMENT_LIMIT = 65_536 - 1_536
#: unreadable files listed one by one up to this many
SHOWN_FILES = 10

register({
    "diffcmd-title": ("Plan changes {a} → {b}", "計劃變動 {a} → {b}"),
    "diffcmd-summary": ("Summary", "摘要"),
    "diffcmd-risky": ("Needs attention", "需要關注"),
    "diffcmd-all": ("All changes ({n})", "全部變動({n} 處)"),
    "diffcmd-type": ("Type", "類型"),
    "diffcmd-item": ("Item", "項目"),
    "diffcmd-change": ("Change", "變動"),
    "diffcmd-unreadable": (
        "Not read at {label} (left out of the comparison):",
        "{label} 中無法讀取的文件(未計入比較):",
    ),
    "diffcmd-more-problems": ("and {n} more finding{s}", "另有 {n} 項問題"),
    "diffcmd-more-files": ("and {n} more file{s}", "另有 {n} 個文件"),
    "diffcmd-truncated": (
        "{n} more change{s} not shown here: run {command} for all of them",
        "另有 {n} 處變動未在此列出:執行 {command} 可查看全部",
    ),
    "diffcmd-not-read": ("{n} file{s} could not be read", "{n} 個文件無法讀取"),
    "diffcmd-no-folder": (
        "{path} is not a folder (an argument written as a path is a folder; anything else is a git revision)",
        "{path} 不是文件夾(寫成路徑的參數是文件夾,其餘的是 git 版本)",
    ),
    "diffcmd-site": ("The plans: {url}", "計劃網站:{url}"),
    "diffcmd-site-more": ("the site has every task and goal: {url}", "網站上有全部任務與目標:{url}"),
})


# --- loading the two sides --------------------------------------------------------------------

def written_as_path(arg: str) -> bool:
    """SPEC §5.7: an argument is a folder only when written as a path (``old/``, ``./HEAD``,
    ``../copy``); anything else is a git revision, even when a folder of that name exists,
    so a pull request that adds a folder ``HEAD`` cannot stand in for the revision."""
    return "/" in arg or arg.startswith(".") or "\\" in arg


def load_sides(rev_a: str, rev_b: str | None, config: Any, cwd: Path) -> tuple[Any, Any]:
    """The two snapshots. An argument written as a path is read as a folder (inside the
    project folder); anything else is a git revision. Raises UsageError (exit 2)."""
    from .. import history
    from ..workspace import UsageError, check_inside

    repository: list[history.Repository] = []

    def side(arg: str | None) -> history.Snapshot:
        if arg is None:
            return history.load_working_tree(config, cwd)
        if written_as_path(arg):
            check_inside(cwd / arg, config, cwd, Messages(config.locale))
            if not (cwd / arg).is_dir():
                raise UsageError(Messages(config.locale)("diffcmd-no-folder", path=arg))
            return history.load_folder(cwd / arg, config, cwd, label=arg)
        if not repository:
            repository.append(history.Repository(config, cwd, arg))
        return repository[0].snapshot(arg)

    return side(rev_a), side(rev_b)


@click.command("diff")
@click.argument("rev_a")
@click.argument("rev_b", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="markdown: a pull-request comment; json: for scripts (shape in docs/git.md).")
@click.pass_obj
def command(state: Any, rev_a: str, rev_b: str | None, fmt: str) -> None:
    """What changed in the plans between two git revisions (tags, branches, commits) or
    two folders, matched by id: slips, targets, owners, budgets, goals, reviews, team.
    REV_B defaults to the working tree. Exit 0, or 2 when a side cannot be read."""
    from ..history import diff_snapshots
    from ..workspace import UsageError

    config = state.config()
    try:
        a, b = load_sides(rev_a, rev_b, config, state.cwd)
    except UsageError as exc:
        _fail(exc, config.locale)
    diff = diff_snapshots(a, b)
    from ..reporters import printable

    render = {"text": to_text, "markdown": to_markdown, "json": to_json}[fmt]
    shown = render(diff, a, b, config.locale, site_url=config.site_base_url, args=(rev_a, rev_b or ""))
    # names and file names from the plans never drive the terminal (JSON escapes its own)
    click.echo(shown if fmt == "json" else printable(shown), nl=False)


def _fail(exc: Exception, locale: str) -> None:
    from ..reporters import Report, printable, text

    problems = getattr(exc, "problems", None)
    if problems:
        click.echo(text(Report(problems, 1, Messages(locale))), err=True, nl=False)
    click.echo(printable(f"plancode: {exc}"), err=True)
    sys.exit(2)


# --- shared pieces ----------------------------------------------------------------------------

def _plural(n: int) -> str:
    return "" if n == 1 else "s"


def unreadable_lines(snapshot: Any, messages: Messages) -> list[str]:
    """What could not be read on one side, one line per file (first finding, then a count)."""
    by_file: dict[str, list] = {}
    for problem in snapshot.problems:
        by_file.setdefault(problem.path, []).append(problem)
    lines = []
    for path, found in list(by_file.items())[:SHOWN_FILES]:
        first = found[0]
        more = f" ({messages('diffcmd-more-problems', n=len(found) - 1, s=_plural(len(found) - 1))})" \
            if len(found) > 1 else ""
        lines.append(f"{path}:{first.line}:{first.column}: {first.code} {first.message}{more}")
    if len(by_file) > SHOWN_FILES:
        rest = len(by_file) - SHOWN_FILES
        lines.append(messages("diffcmd-more-files", n=rest, s=_plural(rest)))
    return lines


def summary_line(diff: Any, a: Any, b: Any, phrases: Any) -> str:
    """The summary, saying when part of a side could not be read (its changes are unknown)."""
    text = phrases.summary(diff)
    unread = len(a.unreadable) + len(b.unreadable)
    if unread:
        sep = "," if phrases.m.chinese else "; "
        text += sep + phrases.m("diffcmd-not-read", n=unread, s=_plural(unread))
    return text


def _grouped(diff: Any) -> list[tuple[str, list[list[Any]]]]:
    """[(entity, [[change, change…] per id…])…] in ENTITIES order, ids in diff order."""
    from ..diff import ENTITIES

    groups = []
    for entity in ENTITIES:
        by_id: dict[str, list[Any]] = {}
        for change in diff.changes:
            if change.entity == entity:
                by_id.setdefault(change.id, []).append(change)
        if by_id:
            groups.append((entity, list(by_id.values())))
    return groups


# --- text ---------------------------------------------------------------------------------------

def to_text(diff: Any, a: Any, b: Any, locale: str, site_url: str = "", args: tuple[str, str] = ("", "")) -> str:
    from ..diff import Phrases

    p = Phrases(locale, diff.currency)
    m = p.m
    out = [m("diffcmd-title", a=a.label, b=b.label), f"{m('diffcmd-summary')}: {summary_line(diff, a, b, p)}"]
    if diff.risky:
        out += ["", f"{m('diffcmd-risky')}:"]
        out += [f"  ! {p.entity(c)} {p.line(c)}" for c in diff.risky]
    for entity, items in _grouped(diff):
        out += ["", f"{p.group(entity)}:"]
        for changes in items:
            out.append(f"  {p.subject(changes[0])}")
            out += [f"      {p.describe(c)}" for c in changes]
    for side in (a, b):
        lines = ([side.missing] if side.missing else []) + unreadable_lines(side, m)
        if lines:
            out += ["", m("diffcmd-unreadable", label=side.label)]
            out += [f"  {line}" for line in lines]
    return "\n".join(out) + "\n"


# --- markdown -----------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|~"})
_SCHEME = re.compile(r"(?<=[A-Za-z0-9]):(?=//)|(?i:(?<=mailto)|(?<=xmpp)):")
_WWW = re.compile(r"(?i)\b(www)\.")


def md(text: Any) -> str:
    """Text safe inside a GitHub Markdown table cell: HTML escaped, Markdown punctuation
    escaped, line breaks as <br>, and no @mentions (a plan's text must not ping people)."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.translate(_MD_SPECIAL)
    # no autolink from a plan's text: GFM links bare `http://…`, `www.…` and e-mail
    # addresses; an entity for the ':' or '.' reads the same and links nothing, and a word
    # joiner before the '@' ends the address's name
    text = _SCHEME.sub("&#58;", text)
    text = _WWW.sub(r"\1&#46;", text)
    text = text.replace("@", "\u2060&#64;")
    return "<br>".join(line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def code(text: str) -> str:
    """An id as inline code when that is safe, else escaped text."""
    return f"`{text}`" if "`" not in text and "\n" not in text and "|" not in text else md(text)


def to_markdown(diff: Any, a: Any, b: Any, locale: str, site_url: str = "",
                args: tuple[str, str] = ("", ""), limit: int = COMMENT_LIMIT) -> str:
    from ..diff import Phrases

    p = Phrases(locale, diff.currency)
    m = p.m
    head = [MARKER, f"### {m('diffcmd-title', a=code(a.label), b=code(b.label))}", "",
            f"**{md(summary_line(diff, a, b, p))}**", ""]
    tail: list[str] = []
    for side in (a, b):
        lines = ([side.missing] if side.missing else []) + unreadable_lines(side, m)
        if lines:
            tail += ["", f"> **{md(m('diffcmd-unreadable', label=side.label))}**"]
            tail += [f"> - {md(line)}" for line in lines]

    def item(c: Any) -> str:
        ident = "" if c.id == c.name else f" {code(c.id)}" if c.entity != "review" else ""
        return f"{md(c.name)}{ident}"

    risky = [f"| {md(p.entity(c))} | {item(c)} | {md(p.describe(c))} |" for c in diff.risky]
    details = [f"| {md(p.entity(c))} | {item(c)} | {md(p.describe(c))} |"
               for _, items in _grouped(diff) for changes in items for c in changes]
    header = f"| {m('diffcmd-type')} | {m('diffcmd-item')} | {m('diffcmd-change')} |\n|---|---|---|"

    def assemble(n_risky: int, n_details: int) -> str:
        body = list(head)
        if diff.risky:
            body += [f"#### ⚠️ {m('diffcmd-risky')}", "", header, *risky[:n_risky], ""]
        if details:
            body += ["<details>", f"<summary>{md(m('diffcmd-all', n=len(details)))}</summary>", "",
                     header, *details[:n_details], "", "</details>"]
        left = len(risky) - n_risky + len(details) - n_details
        if left:
            command = code(" ".join(["plancode", "diff", *filter(None, args)]))
            more = m("diffcmd-truncated", n=left, s=_plural(left), command=command)
            if site_url:
                more += "; " + m("diffcmd-site-more", url=site_url)
            body += ["", more]
        elif site_url:
            body += ["", m("diffcmd-site", url=site_url)]
        return "\n".join(body + tail).replace("\n\n\n", "\n\n").strip("\n") + "\n"

    n_risky, n_details = len(risky), len(details)
    text = assemble(n_risky, n_details)
    if len(text) > limit:
        # keep the risky rows first; the full table gives way
        fixed = len(assemble(0, 0)) + 200
        room = limit - fixed
        n_risky = n_details = 0
        for row in risky:
            if room - len(row) - 1 < 0:
                break
            room -= len(row) + 1
            n_risky += 1
        for row in details:
            if room - len(row) - 1 < 0:
                break
            room -= len(row) + 1
            n_details += 1
        text = assemble(n_risky, n_details)
    return text


# --- json -----------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def side_json(snapshot: Any) -> dict[str, Any]:
    return {
        "label": snapshot.label,
        "commit": snapshot.commit,
        "missing": snapshot.missing or None,
        "unreadable": [{"path": p.path, "line": p.line, "column": p.column, "code": p.code,
                        "message": p.message} for p in snapshot.problems],
    }


def change_json(change: Any, phrases: Any) -> dict[str, Any]:
    return {
        "entity": change.entity, "id": change.id, "name": change.name, "field": change.field,
        "old": _plain(change.old), "new": _plain(change.new), "delta": _plain(change.delta),
        "note": change.note, "risky": change.risky, "old_name": change.old_name,
        "new_name": change.new_name, "unit": change.unit or None, "text": phrases.describe(change),
    }


def to_json(diff: Any, a: Any, b: Any, locale: str, site_url: str = "", args: tuple[str, str] = ("", "")) -> str:
    from ..diff import Phrases

    p = Phrases(locale, diff.currency)
    s = diff.summary
    summary = {
        "text": summary_line(diff, a, b, p), "changes": s.changes, "risky": s.risky,
        "tasks_added": s.tasks_added, "tasks_removed": s.tasks_removed, "tasks_renamed": s.tasks_renamed,
        "tasks_slipped": s.tasks_slipped, "max_slip_days": s.max_slip_days, "max_slip_task": s.max_slip_task,
        "targets_lowered": s.targets_lowered, "targets_raised": s.targets_raised,
        "budget_delta": _plain(s.budget_delta), "currency": diff.currency,
        "owner_changes": [{"id": ident, "name": name, "owner": owner} for name, owner, ident in s.owner_changes],
        "goals_added": s.goals_added, "goals_removed": s.goals_removed, "team_changes": s.team_changes,
    }
    payload = {"version": 1, "from": side_json(a), "to": side_json(b), "summary": summary,
               "changes": [change_json(c, p) for c in diff.changes]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
