# Longlist production image: gunicorn serving recruiting.wsgi; the same image runs the Celery worker and beat.
#   docker build -t longlist .          (docker compose up builds it too; see docker-compose.yml)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=recruiting.settings \
    LONGLIST_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

# Dependencies first, so editing the source does not reinstall them. pyproject.toml declares
# `packages = []`: installing the project installs only its dependencies; the code runs from /app.
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .

COPY . .

# Hashed, compressed static files for whitenoise. The settings refuse DEBUG=0 without a long key; this one
# exists only for this step and signs nothing (the containers get SECRET_KEY from their environment).
RUN SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything DEBUG=0 \
    python manage.py collectstatic --noinput -v0

RUN useradd --system --create-home --home-dir /home/longlist --uid 10001 --user-group longlist \
    && mkdir -p /app/var/media /app/var/celery \
    && chown -R longlist:longlist /app/var
USER longlist

EXPOSE 8000
CMD ["gunicorn", "recruiting.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
