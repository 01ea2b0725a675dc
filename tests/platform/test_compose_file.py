"""docker-compose.yml, the Dockerfile and .env.example stay honest.

No Docker engine (and no `docker compose` plugin) runs where these tests run, so this checks
what `docker compose config` would and what it would not: the structure the Compose
Specification requires, that each dependency waits on a condition the other service can meet,
and that every command and variable exists in Doorstep itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def env_example_keys() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_the_stack_has_every_service_with_health_checks(compose: dict) -> None:
    services = compose["services"]
    assert set(services) == {"migrate", "app", "worker", "rasa", "redis", "postgres"}
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        if name == "migrate":
            assert service["restart"] == "no"  # one-shot
            continue
        check = service["healthcheck"]["test"]
        assert check[0] in ("CMD", "CMD-SHELL") and len(check) > 1, name
    assert set(compose["volumes"]) == {"postgres-data", "redis-data"}


def test_dependencies_wait_for_conditions_their_services_can_meet(compose: dict) -> None:
    services = compose["services"]
    for name, service in services.items():
        for other, rule in (service.get("depends_on") or {}).items():
            assert other in services, f"{name} depends on unknown {other}"
            assert rule["condition"] in CONDITIONS, (name, other)
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[other], (name, other)
            if rule["condition"] == "service_completed_successfully":
                assert services[other].get("restart") == "no", (name, other)
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_named_volumes_are_declared_and_the_model_is_mounted_read_only(compose: dict) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith("."):
                assert source in compose["volumes"], (name, source)
    rasa = compose["services"]["rasa"]
    assert rasa["image"] == "rasa/rasa:3.6.21"
    assert "./nlu/models:/app/models:ro" in rasa["volumes"]
    command = rasa["command"]
    assert command[0] == "run" and "--enable-api" in command
    assert command[command.index("-m") + 1] == "/app/models"
    assert command[command.index("--auth-token") + 1].startswith("${RASA_TOKEN")
    assert "ports" not in rasa  # only the app is published


def test_the_app_and_worker_run_doorstep_commands_that_exist(compose: dict) -> None:
    services = compose["services"]
    app, worker, migrate = services["app"], services["worker"], services["migrate"]
    assert app["command"] == ["doorstep", "serve"]
    assert app["environment"]["RUN_WORKER_IN_APP"] == "false"
    assert worker["command"][:2] == ["doorstep", "worker"]
    heartbeat = worker["command"][worker["command"].index("--heartbeat-file") + 1]
    assert heartbeat in " ".join(worker["healthcheck"]["test"])
    assert migrate["command"] == ["doorstep", "db", "upgrade"]
    runner = CliRunner()
    for command in (app["command"], worker["command"], migrate["command"]):
        args = [a for a in command[1:] if not a.startswith("/")]
        args = [a for a in args if a != "--heartbeat-file"] + ["--help"]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (command, result.output)


def test_the_environment_names_only_real_settings(compose: dict) -> None:
    settings = {name.upper() for name in Settings.model_fields}
    for name in ("app", "worker", "migrate"):
        unknown = set(compose["services"][name]["environment"]) - settings
        assert not unknown, (name, unknown)


def test_every_variable_the_compose_file_reads_is_documented() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    assert used <= env_example_keys(), used - env_example_keys()


def test_every_setting_is_documented_in_env_example() -> None:
    documented = env_example_keys()
    missing = sorted(n.upper() for n in Settings.model_fields if n.upper() not in documented)
    assert not missing, f"add these settings to .env.example with their default: {missing}"


def test_the_image_is_python_3_11_slim_and_runs_as_a_user() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert lines[0] == "FROM python:3.11-slim"
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any(re.search(r"pip install (--no-deps )?\.(\s|$)", line) for line in lines)
    assert lines[-1] == 'CMD ["doorstep", "serve"]'
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".env", "nlu/models", ".git"} <= set(ignored)


def test_the_docker_compose_client_accepts_the_file(tmp_path):
    """`docker-compose config` (the client; no engine needed) validates the file as Compose."""
    import shutil
    import subprocess

    client = shutil.which("docker-compose")
    if client is None:
        pytest.skip("docker-compose client not installed (apt-get install docker-compose)")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "docker-compose.yml", project / "docker-compose.yml")
    (project / ".env").write_text("RASA_TOKEN=a-long-random-token\n")
    result = subprocess.run(
        [client, "config", "-q"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
