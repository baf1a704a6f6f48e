# Two commands set up a fresh machine: `make run` (the site with seed data on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1

.PHONY: install run test lint format seed messages serve backup restore bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

seed: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed

# Regenerate and compile the Spanish/English catalogues (needs GNU gettext; the compiled .mo files are committed).
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l es -l en --ignore=.venv --ignore=staticfiles
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
