"""Logging filters and formatters named in settings.LOGGING (and gunicorn.conf.py)."""

import logging

# LOG_FORMAT=json: one JSON object per line, with an ISO 8601 time (python-json-logger); extra= fields follow.
JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(process)d %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger", "process": "pid"},
    "timestamp": "time",
}


class ForbiddenOneLine(logging.Filter):
    """A refused request (403) is one line: Django's reason and path, the method and the user.

    Django logs a `PermissionDenied` at WARNING with the exception's traceback (two, when it was raised while
    handling another exception); a refusal is routine, and the traceback says nothing the line does not.
    A record is rewritten once, even when the filter was installed twice (each `django.setup()`, as
    manage.py runserver's and the WSGI module's, applies settings.LOGGING again, and logging adds the
    filters of a configured logger to those it already has).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        rewritten = getattr(record, "forbidden_one_line", False)
        if getattr(record, "status_code", None) == 403 and request is not None and not rewritten:
            user = getattr(request, "user", None)
            who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
            # Django's message names the reason and the path ("Forbidden (CSRF cookie not set.): /x/").
            reason_and_path = record.getMessage()
            record.msg = "%s (%s, user %s)"
            record.args = (reason_and_path, request.method, who)
            record.exc_info = None
            record.exc_text = None
            record.forbidden_one_line = True
        return True
