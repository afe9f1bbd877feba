"""The "changes since baseline" view, now :mod:`plancode.views.baseline`: re-exported
here for the callers that import it from ``render``."""

from __future__ import annotations

from ..views.baseline import STATES, BaselineChanges, MilestoneSection, since_baseline, slip, summary

__all__ = ["STATES", "BaselineChanges", "MilestoneSection", "since_baseline", "slip", "summary"]
