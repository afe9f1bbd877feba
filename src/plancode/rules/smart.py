"""PC3 · SMART goals and tasks."""
