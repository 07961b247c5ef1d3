"""docker-compose.yml and the Dockerfile, checked by reading them (Docker need not run here):
every service has an image, ours run programs that are installed and code that imports, and
the files the Dockerfile copies exist."""

import importlib
import json
import os
import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
BIN = Path(sys.executable).parent


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def built_here(service: dict) -> bool:
    """Built from our Dockerfile, or running the image that another service builds."""
    ours = {s.get("image") for s in services().values() if "build" in s}
    return "build" in service or service.get("image") in ours - {None}


def dockerfile_cmd() -> list[str]:
    line = next(line for line in DOCKERFILE.read_text().splitlines() if line.startswith("CMD "))
    return json.loads(line.removeprefix("CMD "))


def command_of(service: dict) -> list[str]:
    command = service.get("command")
    if command is None:
        return dockerfile_cmd()
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def our_commands() -> list[tuple[str, list[str]]]:
    found = [(name, command_of(s)) for name, s in services().items() if built_here(s)]
    return found + [("Dockerfile CMD", dockerfile_cmd())]


def test_every_service_uses_an_image_or_builds_from_our_dockerfile():
    assert services()
    for name, service in services().items():
        assert "image" in service or "build" in service, f"{name}: neither image nor build"
        build = service.get("build")
        if build is None:
            continue
        if isinstance(build, str):
            build = {"context": build}
        context = (COMPOSE.parent / build.get("context", ".")).resolve()
        assert context == ROOT, f"{name}: builds from {context}, not the repository"
        assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE
    assert {"web", "worker", "beat", "postgres", "redis"} <= services().keys()
    assert services()["postgres"]["image"].startswith("postgres:16")
    assert services()["redis"]["image"].startswith("redis:7")


@pytest.mark.parametrize(("service", "command"), our_commands())
def test_our_commands_are_installed_and_point_at_importable_code(service, command):
    executable = command[0]
    assert (BIN / executable).is_file() and os.access(BIN / executable, os.X_OK), (
        f"{service}: '{executable}' is not installed in {BIN}"
    )
    if executable == "gunicorn":
        target = next(arg for arg in command[1:] if re.fullmatch(r"[\w.]+:[\w.]+", arg))
        module, attribute = target.split(":")
        assert callable(getattr(importlib.import_module(module), attribute)), target
    elif executable == "celery":
        index = next(i for i, arg in enumerate(command) if arg in ("-A", "--app"))
        module, _, attribute = command[index + 1].partition(":")
        app = getattr(importlib.import_module(module), attribute or "app")
        assert isinstance(app, Celery), f"{command[index + 1]} is not a Celery app"
    elif executable == "python" and command[1] == "manage.py":
        from django.core.management import get_commands

        assert (ROOT / "manage.py").is_file()
        assert command[2] in get_commands(), f"{service}: no management command {command[2]}"
    else:
        pytest.fail(f"{service}: no check written for '{executable}'")


def test_the_app_services_run_the_production_settings_with_a_required_secret():
    for name, service in services().items():
        if not built_here(service):
            continue
        environment = service["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production", name
        assert re.search(r"\$\{SECRET_KEY:\?[^}]+\}", environment["SECRET_KEY"]), name
        for variable in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "ALLOWED_HOSTS"):
            assert environment.get(variable), f"{name}: {variable} is not set"
    commands = {name: " ".join(command_of(s)) for name, s in services().items()}
    assert commands["web"].startswith("gunicorn config.wsgi:application --bind 0.0.0.0:8000")
    assert commands["worker"].startswith("celery -A config.celery_app worker")
    assert commands["beat"].startswith("celery -A config.celery_app beat")


def test_dependencies_wait_for_services_that_have_health_checks():
    all_services = services()
    for name in ("web", "worker", "beat"):
        depends_on = all_services[name]["depends_on"]
        assert {"postgres", "redis"} <= depends_on.keys(), name
    for name, service in all_services.items():
        for target, rule in (service.get("depends_on") or {}).items():
            if isinstance(rule, dict) and rule.get("condition") == "service_healthy":
                assert "healthcheck" in all_services[target], f"{name} waits on {target}"


def test_the_dockerfile_copies_files_that_exist_and_are_not_ignored():
    text = DOCKERFILE.read_text()
    for name in ("package.json", "package-lock.json", "pyproject.toml", "manage.py"):
        assert name in text, f"the Dockerfile does not mention {name}"
        assert (ROOT / name).is_file(), f"the Dockerfile needs {name}, which is missing"
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    for line in text.splitlines():
        if not line.startswith("COPY ") or "--from=" in line:
            continue
        *sources, _destination = line.split()[1:]
        for source in sources:
            assert source == "." or (ROOT / source).exists(), f"COPY of missing {source}"
            assert source not in ignored, f"{source} is copied but .dockerignore leaves it out"
    assert "USER " in text and "USER root" not in text
    assert re.search(r"FROM python:3\.11-slim", text)
    assert "npm ci" in text and "collectstatic" in text and "pip install" in text
