"""The computed figures of SPEC §2 as pure functions of plain values.

The model calls these once while it is built; check, build and export read the results
from the model and never call them again.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping

DAY = dt.timedelta(days=1)
#: computed figures stay within the magnitude SPEC §5.7 allows the numbers they come from:
#: 10^14 over a target of 10^-300 is a rate of 10^316 %, which no float holds
LIMIT = 10**15


def bounded(value: float) -> float:
    """``value`` clamped to ±LIMIT (NaN, which no finite input makes, to 0)."""
    if value != value:
        return 0.0
    return float(max(min(value, LIMIT), -LIMIT))


def duration(start: dt.date, end: dt.date) -> int:
    """Days from start to end, both included: 2024-06-05..2024-06-15 is 11."""
    return (end - start).days + 1


def planned_progress(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """Where the task should be at ``as_of``, in percent: linear over its inclusive days."""
    days = duration(start, end)
    if days <= 0:
        return 100.0 if as_of >= start else 0.0
    return min(max((as_of - start).days + 1, 0) / days * 100, 100.0)


def round_half_up(value: float | Decimal) -> int:
    """Whole percent, halves rounded up (as spreadsheets do), not to even."""
    if not (-LIMIT < value < LIMIT):  # never a NaN or an infinity to Decimal
        return int(bounded(value))
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def achievement(target: float, actual: float, direction: str = "up") -> float | None:
    """Achievement rate in percent: actual/target for `up`, target/actual for `down`.

    None when the divisor is 0 (shown as "—" with a reason). Computed in Decimal from the
    numbers as written, so 50/45 is 111.11… and a half is a half.
    """
    numerator, divisor = (actual, target) if direction != "down" else (target, actual)
    if divisor == 0:
        return None
    rate = Decimal(str(numerator)) * 100 / Decimal(str(divisor))
    return float(rate) if abs(rate) < LIMIT else bounded(float(rate))


def kpi_alert(achieved: float | None, deviation: float) -> str | None:
    """'below' under 100 − deviation, 'exceeded' over 100 + deviation, else None."""
    if achieved is None:
        return None
    if achieved < 100 - deviation:
        return "below"
    if achieved > 100 + deviation:
        return "exceeded"
    return None


def status(
    written: str | None, progress: float, start: dt.date | None, end: dt.date | None, as_of: dt.date
) -> str:
    """not_started | in_progress | done | overdue | blocked | cancelled, in SPEC order."""
    if written in ("blocked", "cancelled"):
        return written
    if progress >= 100:
        return "done"
    if end is not None and end < as_of:
        return "overdue"
    if progress > 0 or (start is not None and start <= as_of):
        return "in_progress"
    return "not_started"


def week_range(week: str) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of an ISO week ``YYYY-Www``."""
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1)
    return monday, monday + 6 * DAY


def week_of(day: dt.date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


_PERIOD = re.compile(r"^(\d{4})(?:-(?:H([12])|Q([1-4])|(\d{2})))?$")


def period_range(period: Any) -> tuple[dt.date, dt.date]:
    """First and last day of a schema-valid period: 2024, '2024-H1', '2024-Q3',
    '2024-06' or {start, end}."""
    if isinstance(period, Mapping):
        return dt.date.fromisoformat(period["start"]), dt.date.fromisoformat(period["end"])
    match = _PERIOD.match(str(period))
    if not match:
        raise ValueError(f"not a period: {period!r}")
    year = int(match[1])
    if match[2]:
        first_month, months = (1, 6) if match[2] == "1" else (7, 6)
    elif match[3]:
        first_month, months = 3 * int(match[3]) - 2, 3
    elif match[4]:
        first_month, months = int(match[4]), 1
    else:
        first_month, months = 1, 12
    start = dt.date(year, first_month, 1)
    last_month = first_month + months  # the month after the period
    after = dt.date(year + (last_month > 12), (last_month - 1) % 12 + 1, 1)
    return start, after - DAY


def period_label(period: Any) -> str:
    if isinstance(period, Mapping):
        return f"{period['start']}..{period['end']}"
    return str(period)


def weighted_mean(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """Mean of (value, weight) pairs: weighted by budget when every item has one,
    otherwise equal weights. None for no items."""
    items = list(pairs)
    if not items:
        return None
    if all(weight for _, weight in items):
        total = sum(weight for _, weight in items)
        return sum(value * weight for value, weight in items) / total
    return sum(value for value, _ in items) / len(items)


def ratio(numerator: float, divisor: float) -> float | None:
    return bounded(numerator / divisor) if divisor else None
