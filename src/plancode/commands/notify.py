"""``plancode notify``: the alerts at as_of, one message per department, to a team chat
(SPEC §5.6).

The alerts are the findings of the tracking and schedule rules that someone must act on:
overdue (PC405), behind plan (PC406) and without an adjustment (PC605), missing from a
weekly report (PC602), KPI deviations (PC603) and forecast slips (PC408), exactly as
``plancode check`` reports them (rule severities, ``off`` and inline suppressions
apply; info findings, such as a KPI above target, are good news and not sent). Each alert is about a task or a goal and goes to its owner's department; the
message names each owner, with an @-mention where the team file gives the person's id in
that chat (``dingtalk``, ``feishu``, ``wecom``, ``slack``).

The webhook URL and the signing secret come only from the environment
(``PLANCODE_WEBHOOK_URL``, ``PLANCODE_WEBHOOK_SECRET``), never from the repository, and
are never printed: a failure names the channel and the HTTP status only.

Exit codes: 0 sent, or nothing to send; 1 a post failed; 2 usage (no URL).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import click

from .. import i18n
from ..cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, State

#: the rules whose findings are alerts (PC408 when the plans' rules have it)
ALERT_CODES = ("PC405", "PC406", "PC408", "PC602", "PC603", "PC605")
CHANNELS = ("dingtalk", "feishu", "wecom", "slack", "webhook")
URL_VARIABLE, SECRET_VARIABLE = "PLANCODE_WEBHOOK_URL", "PLANCODE_WEBHOOK_SECRET"
TIMEOUT = 15  # seconds per post

i18n.register({
    "notify-title": ("plancode alerts · {department} · as of {as_of}", "plancode 提醒 · {department} · 截至 {as_of}"),
    "notify-owner": ("{owner}", "負責人 {owner}"),
    "notify-none": ("nothing to send: no alert at {as_of}", "沒有需要發送的提醒:截至 {as_of} 沒有預警"),
    "notify-sent": (
        "sent {count} {count:plural:message:messages} to {channel}",
        "已發送 {count} 條消息到 {channel}",
    ),
    "notify-dry-run": (
        "--dry-run: {count} {count:plural:message:messages} for {channel}, not sent",
        "--dry-run:{count} 條 {channel} 消息,未發送",
    ),
    "notify-no-url": (
        "set the environment variable {variable} to the chat robot's webhook URL (a CI secret), "
        "or use --dry-run",
        "請把聊天機器人的 webhook 地址設為環境變量 {variable}(放在 CI 的 secrets 中),或使用 --dry-run",
    ),
    "notify-failed": (
        "posting to {channel} failed for {department}: {reason}",
        "發送到 {channel} 失敗({department}):{reason}",
    ),
    "notify-errors": (
        "the plans have errors; `plancode check` shows them. Alerts are sent from plans that check cleanly.",
        "計劃有錯誤,請先執行 `plancode check` 查看。計劃通過檢查後才會發送提醒。",
    ),
    "notify-no-department": ("no department", "未分配部門"),
})


@dataclass
class Alert:
    code: str
    subject: str  # "task" | "goal" | "review"
    id: str
    owner: str | None
    message: str


@dataclass
class DepartmentMessage:
    department: str  # id ("" when the owner has none)
    name: str
    alerts: list[Alert] = field(default_factory=list)
    mentions: dict[str, str] = field(default_factory=dict)  # person id -> chat id


def _subjects(plan: Any) -> dict[tuple[int, tuple], tuple[str, str, str | None]]:
    """(document, pointer) -> (subject kind, id, owner) of every record an alert can be about."""
    index: dict[tuple[int, tuple], tuple[str, str, str | None]] = {}

    def add(source: Any, kind: str, ident: str, owner: str | None) -> None:
        index[(id(source.doc), tuple(source.pointer))] = (kind, ident, owner)

    for task in plan.tasks.values():
        add(task.source, "task", task.full_id, task.owner)
    for goal in plan.goals.values():
        add(goal.source, "goal", goal.id, goal.owner)
    for report in plan.reports:
        for entry in report.entries:
            if entry.task and entry.task in plan.tasks:
                add(entry.source, "task", entry.task, plan.tasks[entry.task].owner)
        for kpi in report.metrics:
            goal = plan.goals.get(kpi.goal)
            add(kpi.source, "goal", kpi.goal, goal.owner if goal else None)
    for review in plan.reviews:
        for row in review.rows:
            if row.goal:
                add(row.source, "goal", row.goal, row.owner)
            else:
                add(row.source, "review", f"{review.label}/{row.metric}", row.owner)
    return index


def _subject_of(finding: Any, index: dict, plan: Any) -> tuple[str, str, str | None] | None:
    pointer = tuple(finding.pointer)
    for end in range(len(pointer), -1, -1):
        found = index.get((id(finding.doc), pointer[:end]))
        if found is not None:
            return found
    if finding.code == "PC602":  # at the report's entries: the task is the one the message names
        report = next((r for r in plan.reports if r.source.doc is finding.doc), None)
        if report is not None:
            named = [t for t in plan.tasks.values() if t.full_id in finding.message]
            if named:
                task = max(named, key=lambda t: len(t.full_id))
                return ("task", task.full_id, task.owner)
    return None


def collect(ws: Any) -> list[Alert]:
    """The alerts of the workspace's plan, as ``plancode check`` reports them."""
    from ..problems import Severity
    from ..rules import REGISTRY, Context, run

    codes = {c for c in ALERT_CODES if c in REGISTRY}
    # info findings (a KPI above target: good news) are not alerts
    reported = {(p.path, p.line, p.column, p.code) for p in ws.problems
                if p.code in codes and p.severity >= Severity.WARNING}
    index = _subjects(ws.plan)
    alerts: list[Alert] = []
    for finding in run(ws.plan, Context(ws.config, ws.messages), lambda code: code in codes):
        located = finding.doc.finding_to_problem(finding, Severity.WARNING)
        if (located.path, located.line, located.column, located.code) not in reported:
            continue  # off in plancode.yaml, ignored for the file, or suppressed on its line
        subject = _subject_of(finding, index, ws.plan)
        if subject is None:
            continue
        kind, ident, owner = subject
        alerts.append(Alert(finding.code, kind, ident, owner, finding.message))
    return alerts


def chat_ids(plan: Any, channel: str) -> dict[str, str]:
    """person id -> the person's id in ``channel``, from the team file's people."""
    ids: dict[str, str] = {}
    for person in plan.people.values():
        data: Any = person.source.doc.data
        for step in person.source.pointer:
            data = data[step]
        value = data.get(channel) if isinstance(data, dict) else None
        if value:
            ids[person.id] = str(value)
    return ids


def by_department(plan: Any, alerts: list[Alert], channel: str, messages: i18n.Messages) -> list[DepartmentMessage]:
    ids = chat_ids(plan, channel)
    groups: dict[str, DepartmentMessage] = {}
    for alert in alerts:
        person = plan.people.get(alert.owner) if alert.owner else None
        department = (person.department if person else None) or ""
        group = groups.get(department)
        if group is None:
            known = plan.departments.get(department)
            name = known.name if known else messages("notify-no-department")
            group = groups[department] = DepartmentMessage(department, name)
        group.alerts.append(alert)
        if alert.owner in ids:
            group.mentions[alert.owner] = ids[alert.owner]
    return [groups[d] for d in sorted(groups)]


# --- formats --------------------------------------------------------------------------------

def _owner(plan: Any, owner: str | None, mention: str | None, channel: str) -> str:
    person = plan.people.get(owner) if owner else None
    name = person.name if person else (owner or "—")
    if not mention:
        return name
    if channel == "feishu":
        return f'<at user_id="{mention}">{name}</at>'
    if channel == "slack":
        return f"{name} <@{mention}>"
    return f"{name} @{mention}"  # DingTalk and WeCom show the @id in the text


def text_of(plan: Any, group: DepartmentMessage, channel: str, messages: i18n.Messages, as_of: Any) -> str:
    """The message as the chat shows it: a title, then one line per alert naming its owner."""
    from ..rules import REGISTRY

    lines = [messages("notify-title", department=group.name, as_of=as_of.isoformat())]
    for alert in group.alerts:
        owner = _owner(plan, alert.owner, group.mentions.get(alert.owner or ""), channel)
        title = REGISTRY[alert.code].title_in(messages)
        bullet = "- " if channel in ("dingtalk", "slack") else "· "
        lines.append(f"{bullet}[{alert.code} {title}] {messages('notify-owner', owner=owner)}:{alert.message}"
                     if messages.chinese else f"{bullet}[{alert.code} {title}] {owner}: {alert.message}")
    return "\n".join(lines)


def body_of(plan: Any, group: DepartmentMessage, channel: str, messages: i18n.Messages, as_of: Any,
            secret: str | None, now: float) -> dict[str, Any]:
    """The JSON each chat's robot expects."""
    text = text_of(plan, group, channel, messages, as_of)
    mentioned = sorted(set(group.mentions.values()))
    if channel == "dingtalk":
        title = messages("notify-title", department=group.name, as_of=as_of.isoformat())
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text.replace("\n", "  \n")},
                "at": {"atUserIds": mentioned, "isAtAll": False}}
    if channel == "feishu":
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
        if secret:
            timestamp = str(int(now))
            body = {"timestamp": timestamp, "sign": feishu_sign(timestamp, secret), **body}
        return body
    if channel == "wecom":
        return {"msgtype": "text", "text": {"content": text, "mentioned_list": mentioned}}
    if channel == "slack":
        return {"text": text}
    return {"department": group.department or None,
            "alerts": [{"code": a.code, a.subject: a.id, "owner": a.owner, "message": a.message}
                       for a in group.alerts]}


def dingtalk_sign(timestamp_ms: str, secret: str) -> str:
    """DingTalk: urlencode(base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def feishu_sign(timestamp_s: str, secret: str) -> str:
    """Feishu: base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, channel: str, secret: str | None, now: float) -> str:
    if channel != "dingtalk" or not secret:
        return url
    timestamp = str(int(now * 1000))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={dingtalk_sign(timestamp, secret)}"


def post(url: str, body: dict[str, Any]) -> str | None:
    """POST the JSON; None when the chat accepted it, else why not (never the URL)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (the team's own URL)
            answer = response.read(65536)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return type(reason).__name__ if not isinstance(reason, str) else "connection failed"
    try:  # the robots answer 200 with an error code in the body
        data = json.loads(answer or b"{}")
    except ValueError:
        return None
    if isinstance(data, dict):
        code = data.get("errcode", data.get("code", data.get("StatusCode", 0)))
        if code not in (0, None, "0"):
            return f"error {code}: {str(data.get('errmsg') or data.get('msg') or '')[:200]}"
    return None


@click.command("notify")
@click.option("--channel", type=click.Choice(CHANNELS), default="dingtalk", show_default=True,
              help="The chat robot's format: DingTalk and Feishu are signed with PLANCODE_WEBHOOK_SECRET.")
@click.option("--dry-run", is_flag=True, help="Print the messages; send nothing.")
@click.pass_obj
def command(state: State, channel: str, dry_run: bool) -> None:
    """Send the alerts at as_of (overdue, behind plan without adjustment, missing weekly
    reports, KPI deviations, forecast slips) to the team chat, one message per department.
    The URL and secret come from PLANCODE_WEBHOOK_URL and PLANCODE_WEBHOOK_SECRET."""
    from ..problems import Severity

    url = os.environ.get(URL_VARIABLE, "").strip()
    secret = os.environ.get(SECRET_VARIABLE, "").strip() or None
    ws = state.workspace()
    messages = ws.messages
    if not dry_run and not url:
        click.echo(f"plancode: {messages('notify-no-url', variable=URL_VARIABLE)}", err=True)
        sys.exit(EXIT_USAGE)
    if ws.plan is None or any(p.severity == Severity.ERROR for p in ws.problems):
        click.echo(f"plancode: {messages('notify-errors')}", err=True)
        sys.exit(EXIT_FINDINGS)
    groups = by_department(ws.plan, collect(ws), channel, messages)
    as_of = ws.config.as_of
    if not groups:
        click.echo(messages("notify-none", as_of=as_of.isoformat()))
        sys.exit(EXIT_CLEAN)
    now = time.time()
    if dry_run:
        for group in groups:
            click.echo(text_of(ws.plan, group, channel, messages, as_of) + "\n")
        click.echo(messages("notify-dry-run", count=len(groups), channel=channel))
        sys.exit(EXIT_CLEAN)
    failed = False
    for group in groups:
        body = body_of(ws.plan, group, channel, messages, as_of, secret, now)
        reason = post(signed_url(url, channel, secret, now), body)
        if reason:
            failed = True
            click.echo(f"plancode: {messages('notify-failed', channel=channel, department=group.name, reason=reason)}",
                       err=True)
    if failed:
        sys.exit(EXIT_FINDINGS)
    click.echo(messages("notify-sent", count=len(groups), channel=channel))
