"""Settings from environment variables, with the documented defaults (see README)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_GROUP_SIZE_FLOOR = 10


class ConfigError(ValueError):
    """A setting is missing or out of its allowed range."""


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    landing_dir: Path
    warehouse_url: str
    min_group_size: int

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
    )
