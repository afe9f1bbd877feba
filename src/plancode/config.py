"""``plancode.yaml``: where the plans are, what "today" is, and how strict to be.

The config is found in the working directory or its nearest parent; its paths are
relative to it. Defaults apply when there is none. A config that cannot be used is a usage
error (exit 2), reported as findings at the offending line like any plan file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import DEFAULT_LOCALE, LOCALES
from .loader import DEFAULT_MAX_ALIASES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_FILE_BYTES, Limits
from .problems import Severity

CONFIG_NAMES = ("plancode.yaml", "plancode.yml")


@dataclass(frozen=True)
class Thresholds:
    kpi_deviation: float = 10  # % from target that raises a KPI alert
    schedule_lag: float = 10  # points behind plan that make a task lagging
    contingency: tuple[float, float] = (10, 15)  # the reserve's accepted range, %
    growth_cap: float = 100  # % growth over baseline beyond which a target is implausible
    max_concurrent_tasks: int = 5  # per person, unless the person sets `capacity`


@dataclass(frozen=True)
class CalendarSettings:
    """`calendar:` (SPEC §5.3): which days are working days; see model/calendar.py."""

    workweek: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: str | None = None  # a country or region code of the holidays library
    extra_holidays: tuple[dt.date, ...] = ()
    extra_workdays: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class Config:
    root: Path  # the folder the config's paths are relative to
    path: Path | None = None  # the config file, when there is one
    title: str = ""
    locale: str = DEFAULT_LOCALE
    plans: Path = Path("plans")
    as_of: dt.date = field(default_factory=dt.date.today)
    rules: dict[str, Severity] = field(default_factory=dict)
    thresholds: Thresholds = Thresholds()
    ignore: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    limits: Limits = Limits()
    site_base_url: str = ""
    calendar: CalendarSettings | None = None  # None: every day is a working day

    @property
    def plans_root(self) -> Path:
        return (self.root / self.plans).resolve()


def find_config(start: Path) -> Path | None:
    """``plancode.yaml`` in ``start`` or its nearest parent."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def config_from_data(data: dict[str, Any], root: Path, path: Path | None) -> Config:
    """A Config from schema-valid ``plancode.yaml`` data."""
    thresholds = data.get("thresholds") or {}
    limits = data.get("limits") or {}
    contingency = thresholds.get("contingency", Thresholds.contingency)
    as_of = data.get("as_of")
    return Config(
        root=root,
        path=path,
        title=str(data.get("title", "")),
        locale=data.get("locale", DEFAULT_LOCALE) if data.get("locale") in LOCALES else DEFAULT_LOCALE,
        plans=Path(data.get("plans", "plans")),
        as_of=dt.date.fromisoformat(as_of) if as_of else dt.date.today(),
        rules={code: Severity.parse(level) for code, level in (data.get("rules") or {}).items()},
        thresholds=Thresholds(
            kpi_deviation=thresholds.get("kpi_deviation", Thresholds.kpi_deviation),
            schedule_lag=thresholds.get("schedule_lag", Thresholds.schedule_lag),
            contingency=(contingency[0], contingency[1]),
            growth_cap=thresholds.get("growth_cap", Thresholds.growth_cap),
            max_concurrent_tasks=thresholds.get("max_concurrent_tasks", Thresholds.max_concurrent_tasks),
        ),
        ignore={glob: tuple(codes) for glob, codes in (data.get("ignore") or {}).items()},
        exclude=tuple(data.get("exclude") or ()),
        limits=Limits(
            max_file_bytes=limits.get("max_file_bytes", DEFAULT_MAX_FILE_BYTES),
            max_depth=limits.get("max_depth", DEFAULT_MAX_DEPTH),
            max_aliases=limits.get("max_aliases", DEFAULT_MAX_ALIASES),
        ),
        site_base_url=(data.get("site") or {}).get("base_url", ""),
        calendar=_calendar(data.get("calendar")),
    )


def _calendar(data: dict[str, Any] | None) -> CalendarSettings | None:
    if data is None:
        return None
    return CalendarSettings(
        workweek=tuple(data.get("workweek") or CalendarSettings.workweek),
        holidays=data.get("holidays"),
        extra_holidays=tuple(dt.date.fromisoformat(d) for d in data.get("extra_holidays") or ()),
        extra_workdays=tuple(dt.date.fromisoformat(d) for d in data.get("extra_workdays") or ()),
    )
