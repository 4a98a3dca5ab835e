# Longlist — make run | make test | make bench | make lint | make migrations-check
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2

.PHONY: install run test test-fast lint format migrations-check bench ci clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=$${DEBUG:-1} $(BIN)/honcho start -f Procfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

test: lint migrations-check
	$(BIN)/pytest -n $(PYTEST_WORKERS)

bench: $(STAMP)
	$(BIN)/python -m bench

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
