"""The rule catalogue: every code of SPEC §4, its slug, default severity and docs.

A rule is data plus (for the lint rules) one generator ``check(plan, ctx)`` that yields
Findings. The structure rules PC100–PC106 are declared here too, for the catalogue,
``explain`` and configuration, but they are found while files are read, validated and
modelled. ``plancode rules``, ``plancode explain``, the SARIF rule list and
docs/rules.md are all generated from this registry.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..config import Config
from ..i18n import Messages
from ..model import Plan
from ..problems import Finding, Severity


@dataclass(frozen=True)
class Context:
    """What a rule may read besides the plan."""

    config: Config
    messages: Messages


Check = Callable[[Plan, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    slug: str
    severity: Severity
    title: tuple[str, str]  # (English, Chinese)
    doc: str  # rationale, then a failing and a fixed example (Markdown)
    check: Check | None = field(default=None, compare=False)
    options: tuple[str, ...] = ()  # the thresholds it reads

    @property
    def family(self) -> str:
        return self.code[:3]

    def title_in(self, messages: Messages) -> str:
        return self.title[1] if messages.locale == "zh-CN" else self.title[0]


REGISTRY: dict[str, Rule] = {}


def declare(code: str, slug: str, severity: Severity, title: tuple[str, str], doc: str,
            options: tuple[str, ...] = ()) -> None:
    """Register a structure rule (found by the loader, the validator or the model)."""
    REGISTRY[code] = Rule(code, slug, severity, title, inspect.cleandoc(doc), None, options)


def rule(code: str, slug: str, severity: Severity, title: tuple[str, str],
         options: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    """Register a lint rule; the function's docstring is its documentation."""

    def register(check: Check) -> Check:
        REGISTRY[code] = Rule(code, slug, severity, title, inspect.cleandoc(check.__doc__ or ""),
                              check, options)
        return check

    return register


def run(plan: Plan, ctx: Context, selected: Callable[[str], bool]) -> Iterator[Finding]:
    """Findings of every lint rule that ``selected`` lets through, in code order."""
    for code in sorted(REGISTRY):
        current = REGISTRY[code]
        if current.check is not None and selected(code):
            yield from current.check(plan, ctx)


def expand_codes(items: Iterable[str]) -> tuple[set[str], list[str]]:
    """Codes named by ``items`` (full codes, or prefixes like ``PC4``); and the unknown."""
    codes: set[str] = set()
    unknown: list[str] = []
    for item in items:
        item = item.strip().upper()
        if not item:
            continue
        matched = {c for c in REGISTRY if c == item or (len(item) < 5 and c.startswith(item))}
        if matched and item.startswith("PC"):
            codes |= matched
        else:
            unknown.append(item)
    return codes, unknown


from . import budget, owners, schedule, smart, structure, tracking  # noqa: E402,F401  (registration)
