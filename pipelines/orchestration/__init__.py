"""Orchestration: the ingest flow the DAGs and CLI run, the Airflow assets, triggers, watcher and runners."""
