"""The Airflow event trigger behind the landing directories' AssetWatchers (importable by the triggerer).

Airflow's own file triggers fire for one named file and delete it; our files have any name and
must stay where they landed until they are loaded, so this trigger polls the directory and
fires once per new file content (pipelines/orchestration/landing_watch.py keeps the ledger).
"""
from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

from pipelines.orchestration.landing_watch import claim_new_files


class LandedFileTrigger(BaseEventTrigger):
    def __init__(self, directory: str, poll_interval: float = 5.0):
        super().__init__()
        self.directory = directory
        self.poll_interval = poll_interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return f"{type(self).__module__}.{type(self).__qualname__}", {
            "directory": self.directory, "poll_interval": self.poll_interval}

    async def run(self) -> AsyncIterator[TriggerEvent]:
        seen: dict[str, tuple] = {}
        while True:
            fresh = await asyncio.to_thread(claim_new_files, self.directory, seen)
            if fresh:
                yield TriggerEvent({"directory": self.directory, "files": fresh})
            await asyncio.sleep(self.poll_interval)
