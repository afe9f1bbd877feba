"""``plancode new report``: the skeleton of a department's weekly report.

The report lists, first, what the department's last report left partly done, then every
task of the department scheduled in the week and not finished, each with its current
progress. What only the author knows — was it done, why not, what changes — is left
for them to fill in; the file is schema-valid as written, so ``plancode check`` passes
before anyone has typed a word.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from .. import i18n
from ..cli import EXIT_USAGE, State
from ..model.periods import runs_in

i18n.register({
    "new-report-bad-week": (
        "{week} is not an ISO week; write it as YYYY-Www, e.g. 2024-W25",
        "{week} 不是有效的 ISO 周,請寫成 YYYY-Www,例如 2024-W25",
    ),
    "new-report-unknown-department": (
        "department `{department}` is not in the team; known departments: {known}",
        "團隊中沒有部門 `{department}`;已有部門:{known}",
    ),
    "new-report-plan-errors": (
        "the plans have errors ({count}; `plancode check` lists them); the skeleton is built "
        "from the files that are valid",
        "計劃中有錯誤({count} 個,`plancode check` 會列出);周報骨架依據有效的文件生成",
    ),
    "new-report-wrote": (
        "wrote {path}: {department}, {week}, {tasks} {tasks:plural:task:tasks}{carried}; fill in `done`, "
        "`progress`, `reason` and `adjustment`, then run `plancode check`",
        "已寫入 {path}:{department} {week} 的 {tasks} 項任務{carried};請填寫 `done`、"
        "`progress`、`reason` 和 `adjustment`,然後執行 `plancode check`",
    ),
    "new-report-carried-count": (
        ", {count} carried over from {week}",
        ",其中 {count} 項延續自 {week}",
    ),
    # comments inside the written file
    "new-report-header": (
        "# Weekly report of {department} for {week} ({start} to {end}), drafted by `plancode new report`.",
        "# {department} {week} 周報({start} 至 {end}),由 `plancode new report` 生成。",
    ),
    "new-report-carried": (
        "# carried over: partly done in {week}",
        "# 延續:{week} 部分完成",
    ),
    "new-report-done": (
        "# done:     # yes | no | partial; `reason` is required for no and partial",
        "# done:     # yes 是 | no 否 | partial 部分完成;否和部分完成須填寫 `reason`",
    ),
    "new-report-empty": (
        "# no task of {department} is scheduled in {week}",
        "# {department} 在 {week} 沒有排期的任務",
    ),
})

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Line:
    """One entry of the skeleton."""

    task: str
    planned: str
    progress: float
    carried_from: str | None  # the week whose partial entry this continues


def parse_week(text: str) -> tuple[dt.date, dt.date] | None:
    """Monday and Sunday of ``YYYY-Www``, or None when it is not a week."""
    match = _WEEK.match(text.strip())
    if not match:
        return None
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return monday, monday + dt.timedelta(days=6)


def _open(task) -> bool:
    return task.status not in ("done", "cancelled")


def skeleton_lines(plan, week: str, department: str) -> tuple[list[Line], str | None]:
    """The entries of the skeleton and the week they carry over from.

    Carried over: entries of the department's latest earlier report marked
    ``done: partial`` whose task is neither done nor cancelled now. Then the department's
    tasks (``Task.department``) whose dates overlap the week and that are neither done nor
    cancelled, in plan order, each with its current progress (``Task.progress``); a
    recurring task every week it runs (monthly: the week of a month's end), none of an
    archived strategy.
    """
    monday, sunday = parse_week(week)
    earlier = [r for r in plan.reports if r.department == department and r.start < monday]
    last = max(earlier, key=lambda r: r.start) if earlier else None
    lines: list[Line] = []
    seen: set[str] = set()
    next_of: dict[str, str] = {}
    if last is not None:
        for entry in last.entries:
            task = plan.tasks.get(entry.task) if entry.task else None
            if task is None:
                continue
            if entry.next:
                next_of[task.full_id] = entry.next
            if entry.done == "partial" and _open(task) and task.full_id not in seen:
                seen.add(task.full_id)
                lines.append(Line(task.full_id, entry.next or entry.planned or task.name,
                                  task.progress, last.week))
    for task in plan.tasks.values():
        if (task.full_id in seen or task.department != department or task.start is None
                or task.end is None or not _open(task)):
            continue
        if (task.start <= sunday and task.end >= monday and not task.archived
                and runs_in(task.repeat, task.end, monday, sunday)):
            seen.add(task.full_id)
            lines.append(Line(task.full_id, next_of.get(task.full_id, task.name), task.progress, None))
    return lines, last.week if last is not None else None


def skeleton_text(plan, week: str, department: str, messages: i18n.Messages,
                  modeline: str = "") -> tuple[str, list[Line], str | None]:
    """The report file's text, its entries and the week carried over from."""
    from ._writing import scalar

    lines, last_week = skeleton_lines(plan, week, department)
    monday, sunday = parse_week(week)
    dept = plan.departments.get(department)
    # the name goes into `#` comments: one line, no control character YAML refuses
    name = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", dept.name if dept else department).strip()
    out = [modeline] if modeline else []
    out.append(messages("new-report-header", department=name, week=week, start=monday, end=sunday) + "\n")
    out.append("kind: report\nversion: 1\n")
    out.append(f"week: {scalar(week)}\ndepartment: {scalar(department)}\n")
    if dept is not None and dept.lead:
        out.append(f"author: {scalar(dept.lead)}\n")
    if not lines:
        out.append(messages("new-report-empty", department=name, week=week) + "\nentries: []\n")
    else:
        out.append("entries:\n")
    for line in lines:
        if line.carried_from:
            out.append("  " + messages("new-report-carried", week=line.carried_from) + "\n")
        out.append(f"  - task: {scalar(line.task)}\n")
        out.append(f"    planned: {scalar(line.planned)}\n")
        out.append("    " + messages("new-report-done") + "\n")
        out.append(f"    progress: {scalar(round(line.progress, 1))}\n")
        out.append('    reason: ""\n    adjustment: ""\n    support: ""\n    next: ""\n')
    return "".join(out), lines, last_week


@click.group("new")
def command() -> None:
    """Create a plan file from the plans (a weekly-report skeleton)."""


@command.command("report")
@click.option("--week", metavar="YYYY-Www",
              help="The ISO week of the report (default: the week of as_of).")
@click.option("--department", required=True, metavar="ID", help="The department reporting (its id).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write it (default: PLANS/<year>/reports/<week>-<department>.yaml).")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the skeleton instead of writing it.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@click.pass_obj
def report(state: State, week: str | None, department: str, output: Path | None, to_stdout: bool,
           force: bool) -> None:
    """A weekly-report skeleton: the department's tasks active that week with their
    current progress, last week's partly done items first. Never overwrites a file
    unless --force is given."""
    from ..model.figures import week_of
    from ..problems import Severity
    from ..reporters import printable
    from ._writing import modeline, shown, write_or_exit

    config, ws = _load(state)
    messages = ws.messages
    week = (week or week_of(config.as_of)).strip()
    if parse_week(week) is None:
        click.echo(f"plancode: {messages('new-report-bad-week', week=week)}", err=True)
        sys.exit(EXIT_USAGE)
    plan = ws.plan
    if department not in plan.departments:
        known = ", ".join(sorted(plan.departments)) or "—"
        click.echo(f"plancode: {messages('new-report-unknown-department', department=department, known=known)}",
                   err=True)
        sys.exit(EXIT_USAGE)
    errors = sum(1 for p in ws.problems if p.severity == Severity.ERROR)
    if errors:
        click.echo(f"plancode: {messages('new-report-plan-errors', count=errors)}", err=True)
    target = output if output is not None else config.plans_root / week[:4] / "reports" / f"{week}-{department}.yaml"
    target = (state.cwd / target) if not target.is_absolute() else target
    text, lines, last_week = skeleton_text(plan, week, department, messages,
                                           "" if to_stdout else modeline("report", target, config.root))
    if to_stdout:
        click.echo(text, nl=False)
        return
    write_or_exit(target, text.encode("utf-8"), force, messages, config.root, state.cwd)
    carried = sum(1 for line in lines if line.carried_from)
    click.echo(printable(messages(
        "new-report-wrote", path=shown(target, state.cwd), tasks=len(lines),
        department=plan.departments[department].name, week=week,
        carried=messages("new-report-carried-count", count=carried, week=last_week) if carried else "",
    )))


def _load(state: State):
    """The plan without running the rules (a skeleton needs the figures, not findings)."""
    from ..cli import usage_exit
    from ..workspace import UsageError, load_workspace

    config = state.config()
    try:
        return config, load_workspace(config, None, state.cwd, lint=False)
    except UsageError as exc:
        usage_exit(exc, config.locale)
