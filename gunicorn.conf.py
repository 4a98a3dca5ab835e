"""gunicorn reads this file from the working directory (the Docker image's /app, the repository root) whatever
command starts it. Before it binds, it refuses to start a production server (DEBUG off) on any deploy error
of Django's checks: a public or weak SECRET_KEY, or demo accounts with the public password unless DEMO=1."""

import os

import django
from django.db import connections

from recruiting.log_filters import JSON_FORMATTER
from recruiting.startup import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")

if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own lines (start, workers, the access log) as JSON too, like the app's (settings.LOGGING).
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": JSON_FORMATTER},
        # gunicorn's defaults name these two handlers (root uses "console"): the same streams, as JSON.
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def on_starting(server) -> None:
    django.setup()
    try:
        refuse_unsafe_start()
    finally:
        connections.close_all()  # the workers are forked from this process: they must not share its connection
