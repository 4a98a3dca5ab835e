# Longlist — make run | make test | make bench | make lint | make migrations-check | make smoke | make messages
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_WORKERS ?= 2
PORT ?= 8000
# Tools that load the settings outside a test run, and `make run`, are development: the development key.
DEV := DEBUG=$${DEBUG:-1}

.PHONY: install run test lint format migrations-check bench smoke ci clean messages compilemessages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `make run` needs only the dependencies; tests and linters need the dev extras too.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(DEV_STAMP) $(RUN_STAMP)

install: $(DEV_STAMP)

run: $(RUN_STAMP)
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py createcachetable
	$(DEV) $(BIN)/python manage.py seed_demo
	$(DEV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(DEV) $(BIN)/honcho start -f Procfile --port $(PORT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEV) $(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(DEV_STAMP)
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

test: lint migrations-check
	$(BIN)/pytest -n $(PYTEST_WORKERS)

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

# The compose services' commands, natively on PostgreSQL and Redis, through one journey (tests/smoke/run.py).
smoke: $(DEV_STAMP)
	$(BIN)/python -m tests.smoke

# Translations (docs/translations.md): `make messages` updates locale/*/django.po from the marked strings (needs
# gettext's xgettext); translate what is new, then `make compilemessages` writes the .mo files to commit.
MESSAGES_IGNORE := --ignore ".venv" --ignore "staticfiles" --ignore "tests" --ignore "bench" --ignore "var"
messages: $(DEV_STAMP)
	$(DEV) $(BIN)/python manage.py makemessages -l de -l fr --no-obsolete $(MESSAGES_IGNORE)

compilemessages: $(DEV_STAMP)
	$(DEV) $(BIN)/python manage.py compilemessages $(MESSAGES_IGNORE)

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache
