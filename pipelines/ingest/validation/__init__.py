"""Validation: Great Expectations suites built from the data contracts, and their runner."""
