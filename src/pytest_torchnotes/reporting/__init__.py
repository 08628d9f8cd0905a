"""Run reports, their rendering, and what changed between runs."""
