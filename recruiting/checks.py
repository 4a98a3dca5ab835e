"""Deploy checks (`manage.py check --deploy`, and gunicorn's start through recruiting/startup.py): the SECRET_KEY
signs the unsubscribe, preference-centre, booking and click-tracking links in every email, so a key anyone can
read in this repository, or a short one, fails; so does a demo account that signs in with the public password,
unless DEMO=1."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from .demo.accounts import PASSWORD, accounts_with_the_demo_password

MIN_SECRET_KEY_LENGTH = 50
# Every key that was ever written in this repository (settings, docker-compose, Dockerfile, tests): public,
# whatever their length. `git log -p -S SECRET_KEY` lists them; add any new one here.
PUBLIC_SECRET_KEYS = frozenset(
    {
        "django-insecure-longlist-development-key-change-me",
        "insecure-compose-demo-key-change-me-0123456789abcdefghijklmnop",
        "collectstatic-at-build-time-only-never-used-to-sign-anything",
        "collectstatic-build-only",
        "k8Jx2-longlist-settings-test-3QmZt9wR7vLp0sYbNc4Ue6Fh1GaDo5Ti",
    }
)
HOW_TO = (
    "Make one with python -c 'import secrets; print(secrets.token_urlsafe(50))' and put it in .env "
    '(see .env.example and the README, "Production").'
)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs) -> list[Error]:
    key = settings.SECRET_KEY
    if key in PUBLIC_SECRET_KEYS:
        return [
            Error(
                "SECRET_KEY is a key published in Longlist's repository: anyone can forge the links it signs.",
                hint=HOW_TO,
                id="longlist.E001",
            )
        ]
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        return [
            Error(
                f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters or barely random.",
                hint=HOW_TO,
                id="longlist.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_demo_accounts(app_configs=None, **kwargs) -> list[Error]:
    if settings.DEMO:
        return []
    try:
        demo_accounts = accounts_with_the_demo_password()
    except DatabaseError:  # not migrated yet: no accounts at all
        return []
    if not demo_accounts:
        return []
    return [
        Error(
            f"Demo accounts that sign in with the public password {PASSWORD!r} are present: "
            f"{', '.join(demo_accounts)}. Anyone could sign in to this deployment with them.",
            hint=(
                'Delete them (python manage.py shell -c "from django.contrib.auth.models import User; '
                f'User.objects.filter(username__in={demo_accounts!r}).delete()") or give them new passwords '
                "(python manage.py changepassword NAME); make your own admin with python manage.py "
                "createsuperuser. Set DEMO=1 only for a demo server that should keep them."
            ),
            id="longlist.E003",
        )
    ]
