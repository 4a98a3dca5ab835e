"""docker-compose.yml runs what the production smoke test (tests/smoke/run.py) ran: the same commands, the same
variables, the health checks it proved, and no demo data unless DEMO=1."""

import shlex
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings

from tests.smoke.run import BEAT, GUNICORN, MIGRATE, WORKER, WORKER_HEALTHCHECK, compose_variables, fill

COMPOSE = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def web_commands() -> list[str]:
    """The web service's shell command, one command per `&&`."""
    shell, flag, script = SERVICES["web"]["command"]
    assert (shell, flag) == ("sh", "-c")
    return [part.strip() for part in script.split("&&")]


def test_the_web_service_migrates_then_execs_the_smoke_tests_gunicorn():
    commands = web_commands()
    assert commands[0] == shlex.join(MIGRATE)
    assert commands[-1] == "exec " + shlex.join(fill(GUNICORN, bind="0.0.0.0:8000"))


def test_the_web_service_loads_the_demo_only_with_demo_1():
    seeding = [command for command in web_commands() if "seed_demo" in command]
    assert seeding == ['if [ "$$DEMO" = 1 ]; then python manage.py seed_demo; fi']
    assert COMPOSE["x-app"]["environment"]["DEMO"] == "${DEMO:-0}"


def test_the_workers_and_beat_run_the_smoke_tests_commands():
    assert SERVICES["worker"]["command"] == WORKER
    resumes = [*WORKER[:-1], "resumes", "--concurrency=2"]
    assert SERVICES["resume-worker"]["command"] == resumes
    assert SERVICES["beat"]["command"] == fill(BEAT, schedule="/tmp/celerybeat-schedule")


def test_the_services_get_the_variables_the_smoke_test_set():
    names = set(compose_variables(database_url="", redis_url="", site_url="", email_url=""))
    assert set(COMPOSE["x-app"]["environment"]) == names


def test_the_health_checks_are_the_ones_the_smoke_test_ran():
    web = SERVICES["web"]["healthcheck"]["test"]
    assert "http://127.0.0.1:8000/healthz/" in web[-1]
    for worker in ("worker", "resume-worker"):
        kind, command = SERVICES[worker]["healthcheck"]["test"]
        assert kind == "CMD-SHELL"
        assert shlex.split(command) == fill(WORKER_HEALTHCHECK, hostname="$$HOSTNAME")
    assert (
        "healthcheck" not in SERVICES["beat"]
    )  # beat answers no ping; the dispatcher metrics show it stopped


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="docker-compose (Debian package) not installed"
)
def test_docker_compose_accepts_the_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=" + "k" * 20 + "x" * 40 + "\n")
    result = subprocess.run(
        ["docker-compose", "--env-file", str(env_file), "-f", "docker-compose.yml", "config", "--quiet"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
