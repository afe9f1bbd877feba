"""PC4 · schedule: dates, dependencies, milestones, overdue and lagging tasks."""
