"""Settings from environment variables, with the documented defaults (see README)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_GROUP_SIZE_FLOOR = 10
WATCH_POLL_SECONDS_DEFAULT = 1.0


class ConfigError(ValueError):
    """A setting is missing or out of its allowed range."""


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    landing_dir: Path
    warehouse_url: str
    min_group_size: int
    # How often the landing-directory watchers look for new files (event-driven DAGs). A file is
    # announced at the second look that finds it unchanged, so this is up to two seconds of a
    # pulse's 10-second budget; a look is a directory listing, cheap at any count of files.
    watch_poll_seconds: float = WATCH_POLL_SECONDS_DEFAULT

    @property
    def quarantine_dir(self) -> Path:
        return self.var_dir / "quarantine"

    @property
    def reports_dir(self) -> Path:
        return self.var_dir / "reports"

    @property
    def data_docs_dir(self) -> Path:
        return self.var_dir / "data_docs"

    @property
    def airflow_home(self) -> Path:
        return self.var_dir / "airflow"


def _min_group_size(raw: str | None) -> int:
    if raw is None or raw.strip() == "":
        return MIN_GROUP_SIZE_FLOOR
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"CULTURE_MIN_GROUP_SIZE must be a whole number, got {raw!r}") from None
    if value < MIN_GROUP_SIZE_FLOOR:
        # Lowering the threshold would publish figures about identifiable people.
        raise ConfigError(
            f"CULTURE_MIN_GROUP_SIZE={value} is below the disclosure floor of "
            f"{MIN_GROUP_SIZE_FLOOR} respondents; it can only be raised"
        )
    return value


def _poll_seconds(raw: str | None) -> float:
    if raw is None or raw.strip() == "":
        return WATCH_POLL_SECONDS_DEFAULT
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"CULTURE_WATCH_POLL_SECONDS must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"CULTURE_WATCH_POLL_SECONDS must be positive, got {raw!r}")
    return value


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    var_dir = Path(env.get("CULTURE_VAR_DIR") or PROJECT_ROOT / "var").resolve()
    landing_dir = Path(env.get("CULTURE_LANDING_DIR") or var_dir / "landing").resolve()
    warehouse_url = env.get("CULTURE_WAREHOUSE_URL") or f"sqlite:///{var_dir / 'warehouse.db'}"
    return Settings(
        var_dir=var_dir,
        landing_dir=landing_dir,
        warehouse_url=warehouse_url,
        min_group_size=_min_group_size(env.get("CULTURE_MIN_GROUP_SIZE")),
        watch_poll_seconds=_poll_seconds(env.get("CULTURE_WATCH_POLL_SECONDS")),
    )
