#!/usr/bin/env bash
# `make bench`: the page benchmark (bench/run.py) on SQLite, then on PostgreSQL.
#
#   bash bench/bench.sh
#
# SQLite: a throwaway file in a temporary folder. PostgreSQL: the database of
# BENCH_DATABASE_URL when given (it must be a throwaway one: the bench writes ~2.6 million
# rows into it), else a throwaway cluster started by .ci/postgres.sh (which installs Debian's
# postgresql when missing and run as root). BENCH_SKIP_POSTGRES=1 skips PostgreSQL.
# Prints one Markdown report per database; the sizes are bench/run.py's (BENCH_* variables).
set -euo pipefail

cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
# Best of 5: the timings are minima, and a shared machine is noisy.
export BENCH_REPEAT=${BENCH_REPEAT:-5}
started=$SECONDS

echo "# make bench"
echo
# SQLite: never the PostgreSQL of the environment.
env -u BENCH_DATABASE_URL "$python" bench/run.py

if [ "${BENCH_SKIP_POSTGRES:-}" = "1" ]; then
  echo "(PostgreSQL skipped: BENCH_SKIP_POSTGRES=1)"
elif [ -n "${BENCH_DATABASE_URL:-}" ]; then
  "$python" bench/run.py
else
  # postgres.sh exports DATABASE_URL of its throwaway database to the command.
  bash .ci/postgres.sh bash -c 'BENCH_DATABASE_URL="$DATABASE_URL" exec "$0" bench/run.py' "$python"
fi
echo "make bench took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s."
