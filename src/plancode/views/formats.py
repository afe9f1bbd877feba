"""The number formats every view and page shares: percent, number, date.

A view composes its sentences with them (an alert's detail: "達成率 84 %"), and the
renderers print plain figures with them, so a figure reads the same in every format.
:mod:`plancode.render.labels` re-exports them for the templates.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from ..model.figures import round_half_up


@functools.lru_cache(maxsize=1 << 16)  # a site shows the same few hundred figures 200,000 times
def percent(value: float | None, digits: int = 0) -> str:
    """'90%' / '54.5%' (no space, as the templates write it: SPEC §2); '—' for an
    undefined figure. Never rounds half to even."""
    if value is None:
        return "—"
    if digits == 0:
        return f"{round_half_up(value)}%"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}%"


def number(value: Any) -> str:
    """A plan number as written: 1300, 3.5, 120,000 with thousands separators."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"
