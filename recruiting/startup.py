"""What a production process checks before it serves: Django's deploy checks at the level of errors (a public
or weak SECRET_KEY, demo accounts with the public password unless DEMO=1). gunicorn runs it before it binds
(gunicorn.conf.py); `manage.py check --deploy` reports the same errors."""

from django.conf import settings
from django.core import checks


class UnsafeStart(RuntimeError):
    """gunicorn prints a RuntimeError raised by its on_starting hook as "Error: ..." and exits with status 1."""


def deploy_errors() -> list[checks.CheckMessage]:
    messages = checks.run_checks(include_deployment_checks=True)
    return [message for message in messages if message.level >= checks.ERROR]


def refuse_unsafe_start() -> None:
    """Raise UnsafeStart naming every deploy error, when DEBUG is off (development starts anyway)."""
    if settings.DEBUG:
        return
    errors = deploy_errors()
    if errors:
        lines = [
            f"{error.id}: {error.msg}" + (f"\n    HINT: {error.hint}" if error.hint else "")
            for error in errors
        ]
        raise UnsafeStart("Longlist refuses to start:\n  " + "\n  ".join(lines))
