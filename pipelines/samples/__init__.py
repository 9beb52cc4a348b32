"""Synthetic sample data for `culture demo`, tests and benchmarks (never part of a real delivery)."""
