"""docker-compose.yml cannot run here (no Docker engine): these tests check it by reading it."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_has_a_health_check() -> None:
    for name, service in compose()["services"].items():
        assert "healthcheck" in service, name


def test_mounted_files_and_build_contexts_exist() -> None:
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source}"
        build = service.get("build")
        if build:
            context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
            assert context.is_dir(), name
            dockerfile = (
                build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
            )
            assert (context / dockerfile).is_file(), name


def test_postgres_creates_one_database_per_service() -> None:
    script = (ROOT / "deploy/postgres/init-databases.sql").read_text()
    for service in ("registration", "teams", "notifications"):
        assert f"CREATE DATABASE {service};" in script
