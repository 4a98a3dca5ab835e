#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recruiting.settings")
    # manage.py is the developer's door: with DEBUG unset it runs as development (the development key). Servers
    # and workers start through wsgi.py and Celery, where DEBUG is off unless set; the compose file and the
    # Dockerfile set DEBUG=0 for the commands they run through manage.py.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
