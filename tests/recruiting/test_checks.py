"""`check --deploy` fails on a SECRET_KEY published in the repository or shorter than 50 characters, and the
compose file ships no key."""

import secrets

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from tests.recruiting.test_settings import start_django

COMPOSE_DEFAULT_KEY = "insecure-compose-demo-key-change-me-0123456789abcdefghijklmnop"


def test_check_deploy_fails_with_the_old_compose_default_key():
    result = start_django("check", "--deploy", DEBUG="0", SECRET_KEY=COMPOSE_DEFAULT_KEY)
    assert result.returncode != 0
    assert "longlist.E001" in result.stderr and "published in Longlist's repository" in result.stderr


def test_check_deploy_passes_a_fresh_random_key():
    result = start_django("check", "--deploy", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stderr
    assert "longlist.E" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("key", "error"),
    [
        (settings.DEVELOPMENT_SECRET_KEY, "longlist.E001"),
        (COMPOSE_DEFAULT_KEY, "longlist.E001"),
        (secrets.token_urlsafe(36)[:49], "longlist.E002"),
        ("ab" * 30, "longlist.E002"),
    ],
    ids=["development-key", "compose-key", "49-characters", "four-characters-repeated"],
)
@pytest.mark.django_db  # the deploy checks also look for demo accounts
def test_check_deploy_fails_on_a_public_or_weak_key(key, error):
    with override_settings(SECRET_KEY=key), pytest.raises(SystemCheckError, match=error):
        call_command("check", deploy=True, tags=["security"])


def test_the_compose_file_ships_no_key_and_the_example_holds_none():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    assert compose["x-app"]["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")
    example = (settings.BASE_DIR / ".env.example").read_text().splitlines()
    assert "SECRET_KEY=" in example
