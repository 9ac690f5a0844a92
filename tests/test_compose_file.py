"""docker-compose.yml read: what it must say (tests/e2e/test_compose_stack.py runs it)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from association.process_secrets import ALL_SECRETS, Process, secrets_needed
from notifications.definition import SERVICE as NOTIFICATIONS
from registration.definition import SERVICE as REGISTRATION
from teams.definition import SERVICE as TEAMS

DEFINITIONS = (REGISTRATION, TEAMS, NOTIFICATIONS)
ROOT = Path(__file__).resolve().parents[1]
SERVICES = {"registration": 8081, "teams": 8082, "notifications": 8083}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def readme_variables() -> set[str]:
    table = (ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return {
        name
        for cell in re.findall(r"^\| ([^|]+) \|", table, re.M)
        for name in re.findall(r"`([A-Z_]+)`", cell)
    }


def test_every_process_of_every_service_is_there_with_a_health_check() -> None:
    services = compose()["services"]
    expected = {"rabbitmq", "postgres", "web"} | {
        f"{s}-{p}" for s in SERVICES for p in ("web", "worker")
    }
    assert set(services) == expected
    for name, service in services.items():
        assert "healthcheck" in service or name.endswith("web"), name
    # The web's health check is the Dockerfile's HEALTHCHECK, on the PORT it is given.
    for dockerfile in ("deploy/service.Dockerfile", "deploy/web.Dockerfile"):
        assert re.search(
            r"^HEALTHCHECK .*\n.*http://127\.0\.0\.1:\{os\.environ\['PORT'\]\}/health",
            (ROOT / dockerfile).read_text(),
            re.M,
        ), dockerfile


def test_build_contexts_dockerfiles_and_mounted_files_exist() -> None:
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source}"
        build = service.get("build")
        if build:
            assert (ROOT / build["context"]).is_dir(), name
            assert (ROOT / build["context"] / build["dockerfile"]).is_file(), name


def test_one_dockerfile_builds_every_service_as_a_user_not_root() -> None:
    dockerfile = (ROOT / "deploy/service.Dockerfile").read_text()
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert dockerfile.startswith("#") and "ARG BASE_IMAGE=python:3.11-slim" in dockerfile
    services = compose()["services"]
    for service, port in SERVICES.items():
        for process in ("web", "worker"):
            build = services[f"{service}-{process}"]["build"]
            assert build["dockerfile"] == "deploy/service.Dockerfile"
            assert build["args"] == {
                "BASE_IMAGE": "python:3.11-slim",
                "SERVICE": service,
                "PORT": str(port),
            }


def test_the_local_override_changes_image_names_only() -> None:
    override = yaml.safe_load((ROOT / "deploy/compose.local.yml").read_text())["services"]
    assert set(override) == set(compose()["services"])
    for name, service in override.items():
        if "build" in service:
            assert service == {"build": {"args": {"BASE_IMAGE": "association/python:3.11"}}}, name
        else:
            assert set(service) == {"image"} and service["image"].startswith("association/"), name


def test_ports_are_the_contracts() -> None:
    services = compose()["services"]
    for service, port in SERVICES.items():
        web = services[f"{service}-web"]
        assert web["ports"] == [f"${{{service.upper()}_PORT:-{port}}}:{port}"]
        assert web["environment"]["PORT"] == str(port)
        assert web["command"] == [f"{service}-web"]
        assert services[f"{service}-worker"]["command"] == [f"{service}-worker"]


def test_processes_wait_for_healthy_dependencies_and_own_a_database_each() -> None:
    services = compose()["services"]
    for service in SERVICES:
        for process in ("web", "worker"):
            spec = services[f"{service}-{process}"]
            conditions = {dep["condition"] for dep in spec["depends_on"].values()}
            assert conditions == {"service_healthy"}
            assert spec["environment"]["DATABASE_URL"].endswith(f"/{service}")
    script = (ROOT / "deploy/postgres/init-databases.sql").read_text()
    for service in SERVICES:
        assert f"CREATE DATABASE {service};" in script
    assert {"rabbitmq-data", "postgres-data"} <= set(compose()["volumes"])


def test_every_environment_variable_is_in_the_readme_table() -> None:
    documented = readme_variables()
    for name, service in compose()["services"].items():
        if name in ("rabbitmq", "postgres"):
            continue
        undocumented = set(service["environment"]) - documented
        assert not undocumented, (name, undocumented)


def test_every_service_restarts_unless_stopped() -> None:
    for name, service in compose()["services"].items():
        assert service.get("restart") == "unless-stopped", name


def test_no_secret_has_a_default_and_each_process_gets_only_those_it_needs() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for secret in ALL_SECRETS:
        assert re.findall(rf"\${{{secret.variable}\b[^}}]*}}", text), secret.variable
        for reference in re.findall(rf"\${{{secret.variable}\b[^}}]*}}", text):
            assert reference.startswith(f"${{{secret.variable}:?"), reference
    services = compose()["services"]
    for definition in DEFINITIONS:
        for process in (Process.WEB, Process.WORKER):
            environment = services[f"{definition.name}-{process}"]["environment"]
            given = {secret.variable for secret in ALL_SECRETS if secret.variable in environment}
            needed = {s.variable for s in secrets_needed(process, definition.secrets)}
            assert given == needed, (definition.name, process)
