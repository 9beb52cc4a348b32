"""Publish: a wave's protected, benchmarked results staged and made current in the warehouse."""
