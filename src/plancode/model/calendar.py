"""Working days (SPEC §5.3): a workweek, public holidays and official make-up workdays.

`calendar:` in plancode.yaml turns it on; without it every day counts and none of this
runs. The holidays and make-up workdays (調休) come from the ``holidays`` library, chosen
over ``chinese-calendar`` because it is released monthly by a team of maintainers, is MIT
licensed, and covers the other countries and regions our teams work in (TW, HK, SG…)
with the same API, make-up workdays included.

Each year is computed once, as one flag per day and a running count, so counting the
working days between two dates is two look-ups and finding the n-th working day is a
bisection: a 10,000-task plan costs one table per year it touches.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from ..config import CalendarSettings
from ..i18n import register

register({
    "unknown-holiday-country": (
        "PC101 error `calendar.holidays`: no holiday calendar {country}; use a country or "
        "region code such as CN, TW, HK or SG",
        "PC101 error `calendar.holidays`:沒有 {country} 這個節假日日曆;請寫國家或地區代碼,例如 CN、TW、HK 或 SG",
    ),
})

DAY = dt.timedelta(days=1)
#: countries whose holiday schedule is published year by year
BY_DECREE = frozenset({"CN"})
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

__all__ = ["CalendarSettings", "WorkCalendar", "known_country"]


def known_country(code: str) -> bool:
    """Whether the holidays library knows the country or region ``code``."""
    import holidays

    return code.upper() in holidays.list_supported_countries()


@dataclass
class _Year:
    first: dt.date
    working: list[bool]
    #: count[i] = working days in first .. first + i - 1 (count[0] = 0)
    count: list[int]
    covered: bool


@dataclass
class WorkCalendar:
    """Which days are working days; built once per plan, each year computed on first use."""

    settings: CalendarSettings
    _years: dict[int, _Year] = field(default_factory=dict, repr=False)
    _country: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._weekdays = frozenset(WEEKDAYS.index(d) for d in self.settings.workweek)
        self._extra_off = frozenset(self.settings.extra_holidays)
        self._extra_on = frozenset(self.settings.extra_workdays)

    # --- one year ---------------------------------------------------------------------------
    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            found = self._years[year] = self._compute(year)
        return found

    def _compute(self, year: int) -> _Year:
        first = dt.date(year, 1, 1)
        days = (dt.date(year + 1, 1, 1) - first).days
        off: set[dt.date] = set()
        on: set[dt.date] = set()
        covered = True
        if self.settings.holidays:
            covered = self._covered(year)
            if covered:
                calendar = self._holidays(year)
                off = set(calendar)
                on = set(getattr(calendar, "weekend_workdays", ()))
        working, count, total = [], [0], 0
        for i in range(days):
            day = first + i * DAY
            if day in self._extra_on:
                works = True
            elif day in self._extra_off:
                works = False
            elif day in on:
                works = True
            elif day in off:
                works = False
            else:
                works = day.weekday() in self._weekdays
            working.append(works)
            total += works
            count.append(total)
        return _Year(first, working, count, covered)

    def _holidays(self, year: int):  # noqa: ANN202 - a holidays.HolidayBase
        import holidays

        return holidays.country_holidays(self.settings.holidays, years=year)

    def _covered(self, year: int) -> bool:
        """Whether the library carries the official schedule of ``year``.

        China's holidays and make-up workdays (調休) are set by decree each November for
        the next year; the library lists those decisions per year in
        ``special_public_holidays``, so a year without an entry there has not been
        published (or not yet added) and only the workweek counts. Other countries'
        holidays follow fixed rules over the library's range of years.
        """
        import holidays

        probe = holidays.country_holidays(self.settings.holidays, years=())
        if not (getattr(probe, "start_year", 1) <= year <= getattr(probe, "end_year", 9999)):
            return False
        if self.settings.holidays.upper() in BY_DECREE:
            return year in (getattr(probe, "special_public_holidays", None) or {})
        return True

    # --- questions ---------------------------------------------------------------------------
    def covered(self, year: int) -> bool:
        return self._year(year).covered

    def is_working(self, day: dt.date) -> bool:
        y = self._year(day.year)
        return y.working[(day - y.first).days]

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days from ``start`` to ``end``, both included (0 when none)."""
        if end < start:
            return 0
        first, last = self._year(start.year), self._year(end.year)
        if start.year == end.year:
            return last.count[(end - last.first).days + 1] - first.count[(start - first.first).days]
        total = first.count[-1] - first.count[(start - first.first).days]
        total += sum(self._year(year).count[-1] for year in range(start.year + 1, end.year))
        return total + last.count[(end - last.first).days + 1]

    def add(self, start: dt.date, days: int) -> dt.date:
        """The last day of ``days`` working days counted from ``start`` (its first working
        day on or after ``start`` is day 1): 5 from 2025-01-27 is 2025-02-08 in China."""
        remaining = max(days, 1)
        day = start
        while True:
            y = self._year(day.year)
            offset = (day - y.first).days
            before = y.count[offset]
            available = y.count[-1] - before
            if available >= remaining:
                index = bisect.bisect_left(y.count, before + remaining, lo=offset + 1) - 1
                return y.first + index * DAY
            remaining -= available
            day = dt.date(day.year + 1, 1, 1)
            if day.year > 2299:  # a calendar without any working day
                return start

    def shift(self, day: dt.date, days: int) -> dt.date:
        """``day`` moved by ``days`` working days (negative: backwards); a day that is
        not a working day first moves to the next working day."""
        while not self.is_working(day):
            day += DAY
            if day.year > 2299:
                return day
        step = DAY if days >= 0 else -DAY
        for _ in range(abs(days)):
            day += step
            while not self.is_working(day):
                day += step
        return day

    def next_working(self, day: dt.date) -> dt.date:
        return self.shift(day, 0)

    def years(self, days: Iterable[dt.date]) -> set[int]:
        return {d.year for d in days}

