"""Culture Insight Pipeline: plain functions that the DAGs and the `culture` CLI both call."""
