"""gunicorn reads this file from the working directory (the Docker image's /app, the repository root) whatever
command starts it. Before it binds, it refuses to start a production server (DEBUG off) on any deploy error
of Django's checks: a public or weak SECRET_KEY, or demo accounts with the public password unless DEMO=1."""

import os

import django
from django.db import connections

from recruiting.startup import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")


def on_starting(server) -> None:
    django.setup()
    try:
        refuse_unsafe_start()
    finally:
        connections.close_all()  # the workers are forked from this process: they must not share its connection
