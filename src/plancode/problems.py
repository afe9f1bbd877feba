"""One record for every finding: the loader, the schema validation and the rules all
return Problems; exceptions are reserved for bugs.

A Problem is created with a *pointer* into its document (the keys and indexes leading to
the offending value) and is given its line and column only when it is reported: the
position map of a file is built lazily, so a clean run never pays for it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any

Pointer = tuple[Any, ...]


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` gives the worst; ``off`` never reaches a report."""

    OFF = 0
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True)
class Problem:
    """A finding at a place in a plan file.

    Ordering is by position, so sorted problems read top to bottom; equality ignores the
    message (and its hint), so tests stay stable across wording and translation.
    """

    path: str
    line: int
    column: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)
    #: the line of the mapping that holds the offending key, for inline suppressions
    scope_line: int = field(default=0, compare=False, repr=False)

    def with_severity(self, severity: Severity) -> "Problem":
        return replace(self, severity=severity)


@dataclass(frozen=True)
class Finding:
    """A problem before it is located: which document, where inside it, what is wrong.

    ``key=True`` points at the key of the last pointer element (for "unknown field") rather
    than at its value. ``doc`` is a :class:`plancode.loader.Document`.
    """

    code: str
    message: str
    doc: Any = field(compare=False)
    pointer: Pointer = ()
    key: bool = False
    hint: str = ""
    #: for rules whose severity depends on the case (PC302: error on goals, warning on
    #: tasks); None means the rule's default. Config overrides apply on top.
    severity: Severity | None = None
