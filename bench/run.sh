#!/usr/bin/env bash
# The load benchmark, end to end from a fresh clone: bench/run.sh [--quick] [bench.py options]
#   --quick   small dataset and 2 s runs (a dry run, writes bench/out/RESULTS-quick.md)
#   --reload  regenerate the dataset even when the database already holds it
# Needs PostgreSQL on 127.0.0.1:5432 (BENCH_DATABASE_URL to use another; the database is created when missing),
# wrk (installed with apt-get when missing) and optionally Redis (BENCH_CACHE_URL; local memory otherwise).
# Writes bench/RESULTS.md; server logs go to bench/out/. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  make install
fi

# The server runs from a production install: the project's own dependencies (versions from the lock), none of the
# test tools, which would put e.g. `requests` (16 MB; DRF imports it when present) into every worker.
SERVE=.venv-serve
if [ ! -f "$SERVE/.installed" ] || [ requirements.lock -nt "$SERVE/.installed" ] || [ pyproject.toml -nt "$SERVE/.installed" ]; then
  echo "installing the production environment in $SERVE"
  python3 -m venv "$SERVE"
  "$SERVE/bin/python" -m pip install -q --upgrade pip
  "$SERVE/bin/python" -m pip install -q -c requirements.lock -e .
  "$SERVE/bin/python" -m pip check
  touch "$SERVE/.installed"
fi
export BENCH_SERVER_PYTHON="$SERVE/bin/python"

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi

export BENCH_COMMAND="bench/run.sh${*:+ $*}"
exec .venv/bin/python bench/bench.py "$@"
