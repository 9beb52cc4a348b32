"""`culture notify SOURCE PATH`: an uploader announces a delivery instead of waiting for the watcher.

The file is placed in the source's landing directory (atomically), recorded in the watcher's
ledger so the watcher does not start a second run for it, and an asset event is created for the
source's `landed_<source>` Asset through Airflow's REST API, which starts the DAG at once.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipelines.config import Settings
from pipelines.ingest.landing_csv import file_checksum
from pipelines.orchestration.landing_watch import record_announced

DEFAULT_API_URL = "http://localhost:8080"


class NotifyError(RuntimeError):
    pass


@dataclass(frozen=True)
class AirflowApi:
    url: str
    username: str | None
    password: str | None

    @classmethod
    def from_environment(cls, environ=os.environ) -> "AirflowApi":
        return cls(environ.get("CULTURE_AIRFLOW_API_URL") or DEFAULT_API_URL,
                   environ.get("CULTURE_AIRFLOW_USERNAME") or None, environ.get("CULTURE_AIRFLOW_PASSWORD") or None)

    def _token(self, client) -> str:
        if self.username:
            response = client.post("/auth/token", json={"username": self.username, "password": self.password or ""})
        else:  # an Airflow with simple_auth_manager_all_admins (development) issues tokens without credentials
            response = client.get("/auth/token")
        if response.status_code >= 400:
            raise NotifyError(f"Airflow at {self.url} refused a token ({response.status_code}): set "
                              "CULTURE_AIRFLOW_USERNAME and CULTURE_AIRFLOW_PASSWORD")
        return response.json()["access_token"]

    def create_asset_event(self, asset_name: str, extra: dict) -> dict:
        import httpx

        try:
            with httpx.Client(base_url=self.url, timeout=30) as client:
                client.headers["Authorization"] = f"Bearer {self._token(client)}"
                found = client.get("/api/v2/assets", params={"name_pattern": asset_name, "limit": 100})
                found.raise_for_status()
                ids = [a["id"] for a in found.json()["assets"] if a["name"] == asset_name]
                if not ids:
                    raise NotifyError(f"Airflow at {self.url} has no asset {asset_name!r}: is the DAG deployed and parsed?")
                created = client.post("/api/v2/assets/events", json={"asset_id": ids[0], "extra": extra})
                created.raise_for_status()
                return created.json()
        except httpx.HTTPError as error:
            raise NotifyError(f"could not reach Airflow's API at {self.url}: {error}") from error


def land_and_announce(settings: Settings, source: str, path: Path, api: AirflowApi) -> str:
    """Returns what happened: 'announced', or 'already announced' for content seen before."""
    if not path.is_file():
        raise NotifyError(f"no such file: {path}")
    directory = settings.landing_dir / source
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / path.name
    checksum = file_checksum(path)
    # Recorded before the file appears under its own name, so the watcher never announces it too.
    first_time = record_announced(directory, target.name, checksum)
    if path.resolve() != target.resolve():
        partial = target.with_name(target.name + ".partial")  # not *.csv: invisible to the watcher until renamed
        shutil.copyfile(path, partial)  # a fresh modification time: when it landed, which orders deliveries
        partial.replace(target)
    if not first_time:
        return "already announced"
    api.create_asset_event(f"landed_{source}", {"file": target.name, "checksum": checksum, "announced_by": "culture notify"})
    return "announced"
