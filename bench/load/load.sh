#!/usr/bin/env bash
# `make load`: the load test (bench/load/run.py) on SQLite, then on a throwaway PostgreSQL.
#
#   LOAD_SKIP_POSTGRES=1   SQLite only
#   LOAD_USERS=50 LOAD_SECONDS=60 LOAD_SATURATION_SECONDS=20 LOAD_WORKERS=N LOAD_LOCATIONS=6
#   LOAD_KEEP=1            keep each run's temporary folder (database, CSVs, gunicorn's log)
#
# Exit status: non-zero when a run had a failed request (or could not run).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
status=0

echo "== Load test on SQLite"
env -u DATABASE_URL "$PY" bench/load/run.py || status=$?

if [ "${LOAD_SKIP_POSTGRES:-0}" != 1 ]; then
  echo "== Load test on PostgreSQL"
  bash .ci/postgres.sh "$PY" bench/load/run.py || status=$?
fi
exit "$status"
