"""Deploy checks (`manage.py check --deploy`): the SECRET_KEY signs the unsubscribe, preference-centre, booking
and click-tracking links in every email, so a key anyone can read in this repository, or a short one, fails."""

from django.conf import settings
from django.core.checks import Error, Tags, register

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
