"""A production start never carries the demo: seed_demo needs DEMO=1 with DEBUG off, and `check --deploy` and
gunicorn refuse to start while a demo account still signs in with the public password."""

import os
import runpy
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from recruiting.demo.accounts import PASSWORD
from recruiting.startup import UnsafeStart, refuse_unsafe_start
from tests.factories import UserFactory
from tests.recruiting.test_settings import start_django

User = get_user_model()


@pytest.fixture(autouse=True)
def _production(settings, monkeypatch):
    # The browser tests set this for the whole test process; a production start refuses it (async.E001).
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.DEBUG = False
    settings.DEMO = False


def demo_account(username: str = "recruiter", password: str = PASSWORD):
    user = UserFactory(username=username)
    user.set_password(password)
    user.save()
    return user


@pytest.mark.django_db
def test_check_deploy_fails_while_a_demo_account_has_the_public_password():
    demo_account("recruiter")
    demo_account("admin")
    with pytest.raises(SystemCheckError, match=r"longlist\.E003") as raised:
        call_command("check", deploy=True, tags=["security"])
    assert "admin, recruiter" in str(raised.value)
    assert "createsuperuser" in str(raised.value)


@pytest.mark.django_db
def test_an_operators_own_account_with_a_demo_name_is_not_a_demo_account():
    demo_account("admin", password="a-password-of-the-operators-own")
    demo_account("rosa", password=PASSWORD)  # not a demo name
    call_command("check", deploy=True, tags=["security"])


@pytest.mark.django_db
def test_a_demo_server_keeps_its_demo_accounts(settings):
    settings.DEMO = True
    demo_account("recruiter")
    call_command("check", deploy=True, tags=["security"])
    refuse_unsafe_start()


@pytest.mark.django_db
def test_gunicorns_start_hook_refuses_with_a_clear_message():
    demo_account("manager")
    hook = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))["on_starting"]
    with pytest.raises(UnsafeStart, match="Longlist refuses to start") as raised:
        hook(None)
    assert "longlist.E003" in str(raised.value) and "manager" in str(raised.value)


@pytest.mark.django_db
def test_development_starts_anyway(settings):
    settings.DEBUG = True
    demo_account("recruiter")
    refuse_unsafe_start()


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off_unless_demo():
    with pytest.raises(CommandError, match="DEMO=1"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_gunicorn_exits_non_zero_with_a_demo_account_present(tmp_path):
    """The real server, with the production settings, on a migrated database that holds a demo account."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LONGLIST_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("DEMO", None)
    assert start_django("migrate", "--noinput", "-v0", **env).returncode == 0
    make_demo_account = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_user('employee', password={PASSWORD!r})"
    )
    assert start_django("shell", "-c", make_demo_account, **env).returncode == 0

    inherited = {"DEBUG", "SECRET_KEY", "PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEMO", "DATABASE_URL"}
    environment = {key: value for key, value in os.environ.items() if key not in inherited}
    gunicorn = subprocess.run(
        [sys.executable, "-m", "gunicorn", "recruiting.wsgi", "--bind", "127.0.0.1:0"],
        cwd=settings.BASE_DIR,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert gunicorn.returncode != 0
    assert "Longlist refuses to start" in gunicorn.stderr
    assert "longlist.E003" in gunicorn.stderr and "employee" in gunicorn.stderr
