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
