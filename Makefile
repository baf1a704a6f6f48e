# Two commands set up a fresh machine: `make run` (the site with seed data on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=1

.PHONY: install run test lint format seed messages serve backup restore backup-pg restore-pg bench fuzz clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	$(PY) -m pip check  # the lock must satisfy every dependency pyproject.toml declares
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
	$(DEV_ENV) $(PY) manage.py makemessages -l es -l en --no-location --ignore=.venv* --ignore=staticfiles
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv*

# The production set-up on this machine: DEBUG off, migrations, hashed+compressed static files, gunicorn.
# Needs SECRET_KEY (and DATABASE_URL for PostgreSQL) in the environment or .env; see .env.example.
# Over plain http on a laptop add SECURE=0 (otherwise every page redirects to https): make serve SECURE=0
serve: install
	DEBUG=0 $(PY) manage.py migrate --noinput
	DEBUG=0 $(PY) manage.py collectstatic --noinput -v 0
	DEBUG=0 $(VENV)/bin/gunicorn -c gunicorn.conf.py config.wsgi

# Dump every record (registry, projects, news, groups) with natural keys to backups/, gzipped.
backup: install
	$(PY) manage.py backup_data --output backups/registry-$$(date +%Y%m%d-%H%M%S).json.gz

# Load a dump into an empty database: make restore FILE=backups/registry-....json.gz [FORCE=1 replaces all data]
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<dump>.json.gz [FORCE=1]"; exit 2; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py restore_data "$(FILE)" $(if $(FORCE),--force)

# PostgreSQL only, and far faster on large databases: a pg_dump of the whole database, restored over DATABASE_URL in
# one transaction (the benchmark's 730,000 rows: 7 s to dump, 14 s to restore; restore_data's loaddata manages a
# few hundred rows per second). backup/restore above work on any database and are what the tests round-trip.
backup-pg:
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "backup-pg needs DATABASE_URL=postgres://..."; exit 2;; esac
	mkdir -p backups
	pg_dump --format=custom --no-owner "$$DATABASE_URL" -f backups/registry-$$(date +%Y%m%d-%H%M%S).dump

restore-pg:
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "restore-pg needs DATABASE_URL=postgres://..."; exit 2;; esac
	@test -n "$(FILE)" || { echo "usage: make restore-pg FILE=backups/<dump>.dump (replaces the whole database)"; exit 2; }
	pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error -d "$$DATABASE_URL" "$(FILE)"
	psql "$$DATABASE_URL" -q -c ANALYZE

# The load benchmark on PostgreSQL (see bench/README.md); writes bench/RESULTS.md. BENCH_ARGS=--quick for a dry run.
bench: install
	bench/run.sh $(BENCH_ARGS)

# Schemathesis with a new random seed against the production server (tests/production/fuzz.py; FUZZ_ARGS=--help).
fuzz: install
	$(PY) -m tests.production.fuzz $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
