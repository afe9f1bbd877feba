"""PC5 · budget: allocations that add up, and a contingency reserve."""
