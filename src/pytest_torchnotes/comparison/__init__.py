"""Comparing printed output with the expected output, and saying how they differ."""
