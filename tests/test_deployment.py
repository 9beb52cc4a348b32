"""docker-compose.yml checked structurally (no Docker engine runs here)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
AIRFLOW_SERVICES = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "airflow-worker"}
ONE_SHOT = {"culture-init"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_component_is_there(compose):
    services = set(compose["services"])
    assert AIRFLOW_SERVICES | ONE_SHOT | {"redis", "airflow-db", "warehouse-db"} <= services
    commands = {name: compose["services"][name].get("command") for name in AIRFLOW_SERVICES}
    assert commands == {"airflow-apiserver": "api-server", "airflow-scheduler": "scheduler",
                        "airflow-dag-processor": "dag-processor", "airflow-triggerer": "triggerer",
                        "airflow-worker": "celery worker"}


def test_images_are_the_official_ones_or_built_on_them(compose):
    services = compose["services"]
    assert services["airflow-db"]["image"].startswith("postgres:")
    assert services["warehouse-db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in AIRFLOW_SERVICES | ONE_SHOT:
        assert services[name]["image"] == "culture-insight-pipeline:latest"
        assert services[name]["build"]["context"] == "."
    dockerfile = (ROOT / "Dockerfile").read_text()
    base = re.search(r"ARG AIRFLOW_IMAGE=apache/airflow:(\d+\.\d+\.\d+)", dockerfile)
    pinned = re.search(r"^apache-airflow==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert base and pinned and base.group(1) == pinned.group(1), "image and requirements must pin the same Airflow"


def test_celery_executor_wired_to_services_that_exist(compose):
    environment = compose["services"]["airflow-scheduler"]["environment"]
    assert environment["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    hosts = {
        re.search(r"@([\w-]+)[:/]", environment["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]).group(1),
        re.search(r"@([\w-]+)[:/]", environment["AIRFLOW__CELERY__BROKER_URL"]).group(1),
        re.search(r"@([\w-]+)[:/]", environment["CULTURE_WAREHOUSE_URL"]).group(1),
        re.search(r"//([\w-]+):", environment["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]).group(1),
    }
    assert hosts <= set(compose["services"])


def test_long_running_services_have_health_checks(compose):
    for name, service in compose["services"].items():
        if name in ONE_SHOT:
            assert service.get("restart") == "no"
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_dependencies_and_volumes_refer_to_things_that_exist(compose):
    services = compose["services"]
    declared_volumes = set(compose.get("volumes", {}))
    for name, service in services.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            assert rule["condition"] in ("service_healthy", "service_completed_successfully", "service_started")
            if rule["condition"] == "service_healthy":
                assert services[dependency].get("healthcheck"), f"{name} waits for {dependency}'s health, which is never checked"
        for volume in service.get("volumes", []):
            source = volume.rsplit(":", 1)[0]
            if not source.startswith((".", "/", "$")):
                assert source in declared_volumes, f"{name} mounts undeclared volume {source}"


def test_landing_directory_is_a_volume_for_every_airflow_service(compose):
    for name in AIRFLOW_SERVICES | ONE_SHOT:
        mounts = [v.rsplit(":", 1)[1] for v in compose["services"][name]["volumes"]]
        assert "/opt/culture/landing" in mounts
        assert compose["services"][name]["environment"]["CULTURE_LANDING_DIR"] == "/opt/culture/landing"


def test_every_setting_without_a_default_is_in_the_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    needed = {m.group(1) for m in re.finditer(r"(?<!\$)\$\{(\w+)\}", text)}  # $${X} is escaped
    example = {line.split("=")[0] for line in (ROOT / ".env.example").read_text().splitlines()
               if line and not line.startswith("#")}
    assert needed <= example, f"missing from .env.example: {sorted(needed - example)}"


def test_no_secret_is_written_into_the_compose_file(compose):
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            value = str(value)
            if "PASSWORD" in key or "SECRET" in key or "FERNET" in key:
                assert re.fullmatch(r"\$\{\w+(:-)?\}", value), f"{name}: {key} must come from the environment"
            credentials = re.search(r"://[^:/@]*:([^@]*)@", value)
            if credentials and credentials.group(1):
                assert credentials.group(1).startswith("${"), f"{name}: {key} has a literal password"


def _with_example_values(value: str, example: dict[str, str]) -> str:
    """A compose value as .env.example (else the `${X:-default}`) sets it."""
    return re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: example.get(m.group(1), m.group(2) or ""), value)


def test_compose_runs_the_configuration_the_celery_test_runs(compose, tmp_path):
    """The Celery integration test's settings and the compose recipe's are the same, both ways."""
    from tests.cluster import CELERY_DEPLOYMENT, PER_HOST, AirflowCluster
    from pipelines.config import Settings

    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    recipe = {k: _with_example_values(str(v), example) for k, v in compose["x-airflow-common"]["environment"].items()}
    for key, value in CELERY_DEPLOYMENT.items():
        assert recipe.get(key, "").lower() == value.lower(), f"docker-compose.yml {key} differs from the tested value {value}"
    unchecked = {k for k in recipe if k.startswith("AIRFLOW__")} - set(CELERY_DEPLOYMENT) - PER_HOST
    assert not unchecked, f"compose settings the Celery test does not run with: {sorted(unchecked)}"

    metadata = "postgresql+psycopg://postgres@127.0.0.1:5432/airflow_x"
    tested = AirflowCluster(tmp_path, metadata, Settings(tmp_path, tmp_path, "sqlite://", 10),
                            broker_url="redis://127.0.0.1:6379/3").environment
    assert CELERY_DEPLOYMENT.items() <= tested.items()
    scheme = lambda url: url.split("://", 1)[0]  # noqa: E731
    for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__RESULT_BACKEND", "AIRFLOW__CELERY__BROKER_URL"):
        assert scheme(tested[key]) == scheme(recipe[key]), f"{key}: the test and the recipe use different drivers"
