"""Findings -> text for people, JSON for tools, workflow commands for GitHub.

Reporters are chosen from :data:`REPORTERS` by name, so adding a format never touches the
command line. Each takes the sorted problems and returns the whole output as a string.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .i18n import Messages
from .problems import Problem, Severity

# Terminal control characters in names from plan files must not reach the terminal raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# ... nor line breaks inside what is one line: a CI runner reads a line starting `::` as
# a workflow command, whichever stream it is on
_LINE_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _safe(text: str) -> str:
    """One line of output: every control character, line breaks too, shown escaped."""
    return _LINE_CONTROL.sub(_escape, text)


def printable(text: str, line: bool = False) -> str:
    """``text`` for a terminal: control characters (ESC, the C1 CSI U+009B, BEL, DEL, NUL)
    shown as ``\\xNN``, so no name, commit message or file name from a pull request can
    move the cursor, retitle the window or clear the screen. Every command that prints
    plan text passes it through here (line breaks and tabs stay, unless ``line``: then
    ``text`` is one line, and a line break in it is shown as ``\\x0a``)."""
    return _safe(text) if line else _CONTROL.sub(_escape, text)


@dataclass(frozen=True)
class Report:
    problems: list[Problem]
    files: int
    messages: Messages
    color: bool = False
    cwd: Path = Path(".")

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity == severity)


_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def text(report: Report) -> str:
    """``path:line:col: CODE severity message``, one per line, grouped by file, with the
    fix on an indented line below, and a summary."""
    lines: list[str] = []
    previous = None
    words = {severity: report.messages.severity(severity) for severity in Severity}  # once, not per line
    for p in report.problems:
        if previous is not None and p.path != previous:
            lines.append("")
        previous = p.path
        severity = words[p.severity]
        where = f"{_safe(p.path)}:{p.line}:{p.column}:"
        if report.color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS.get(p.severity, '')}{severity}{_RESET}"
        lines.append(f"{where} {p.code} {severity} {_safe(p.message)}")
        if p.hint:
            hint = f"    → {_safe(p.hint)}"
            lines.append(f"{_DIM}{hint}{_RESET}" if report.color else hint)
    if lines:
        lines.append("")
    m = report.messages
    if report.problems:
        lines.append(m("summary", files=report.files, errors=report.count(Severity.ERROR),
                       warnings=report.count(Severity.WARNING), infos=report.count(Severity.INFO)))
    else:
        lines.append(m("summary-clean", files=report.files))
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    """A stable shape, documented in docs/check.md."""
    from . import rules as rule_registry  # here: a text report needs no rule catalogue

    findings = [
        {
            "path": p.path, "line": p.line, "column": p.column, "code": p.code,
            "rule": rule_registry.REGISTRY[p.code].slug, "severity": str(p.severity),
            "message": p.message, "hint": p.hint,
        }
        for p in report.problems
    ]
    summary = {
        "files": report.files, "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING), "infos": report.count(Severity.INFO),
    }
    return json.dumps({"version": 1, "summary": summary, "findings": findings},
                      ensure_ascii=False, indent=2) + "\n"


def _repository_root(start: Path) -> Path:
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        return Path(workspace).resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github(report: Report) -> str:
    """GitHub Actions workflow commands: an annotation on the offending line of the
    pull request, with the path relative to the repository root."""
    cwd = report.cwd.resolve()
    root = _repository_root(cwd)
    lines = []
    for p in report.problems:
        path = (cwd / p.path).resolve()
        try:
            shown = path.relative_to(root).as_posix()
        except ValueError:
            shown = p.path
        message = p.message + (f" — {p.hint}" if p.hint else "")
        lines.append(
            f"::{_GITHUB_LEVEL[p.severity]} file={_escape_property(shown)},line={p.line},"
            f"col={p.column},title={_escape_property(p.code)}::{_escape_data(_safe(message))}"
        )
    return "".join(line + "\n" for line in lines)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif(report: Report) -> str:
    """SARIF 2.1.0 for code-scanning tools: the whole rule catalogue with its help text,
    and one result per finding (columns count Unicode characters, as PyYAML's do)."""
    from . import __version__
    from . import rules as rule_registry

    codes = sorted(rule_registry.REGISTRY)
    index = {code: i for i, code in enumerate(codes)}
    m = report.messages
    rules = []
    for code in codes:
        rule = rule_registry.REGISTRY[code]
        rules.append({
            "id": code,
            "name": "".join(part.capitalize() for part in rule.slug.split("-")),
            "shortDescription": {"text": rule.title_in(m)},
            "fullDescription": {"text": rule.doc.split("\n\n")[0]},
            "help": {"text": rule.doc, "markdown": rule.doc},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"tags": [rule.family]},
        })
    results = [
        {
            "ruleId": p.code,
            "ruleIndex": index[p.code],
            "level": _SARIF_LEVEL[p.severity],
            "message": {"text": p.message + (f" — {p.hint}" if p.hint else "")},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": p.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": p.line, "startColumn": p.column},
                }
            }],
        }
        for p in report.problems
    ]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "plancode", "version": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


REPORTERS: dict[str, Callable[[Report], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
