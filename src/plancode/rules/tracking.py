"""PC6 · tracking: weekly reports, KPI deviations and adjustments."""
