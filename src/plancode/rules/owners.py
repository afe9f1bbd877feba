"""PC2 · owners: exactly one known owner per task and goal (唯一負責人)."""
