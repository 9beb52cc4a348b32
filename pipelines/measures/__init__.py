"""Measures: the figures computed from loaded records, before any disclosure control."""
