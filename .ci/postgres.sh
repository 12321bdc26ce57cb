#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster.
#
#   .ci/postgres.sh COMMAND [ARGS...]
#
# Installs Debian's postgresql if initdb/pg_ctl are missing (needs root), creates a
# cluster in a temporary folder (owned by the `postgres` user when run as root),
# listening on 127.0.0.1 only with trust auth, creates the role `cpa` (CREATEDB) and
# its database `cpa_test`, then runs COMMAND with
#
#   DATABASE_URL=postgres://cpa@127.0.0.1:PORT/cpa_test
#   PGHOST=127.0.0.1 PGPORT=PORT PGUSER=cpa PGDATABASE=cpa_test
#
# and PostgreSQL's bin folder first on PATH. The cluster is always stopped and the
# folder removed on exit; the exit code is COMMAND's.
#
# CPA_PG_PORT=N picks the first port to try (default 54329; the next free one is used).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

log() { echo "[postgres.sh] $*" >&2; }

# ------------------------------------------------------------ find or install
find_bindir() {
  local dir
  # Newest Debian-packaged version first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  # Elsewhere (e.g. Homebrew, another distribution): initdb on PATH.
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

if ! bindir=$(find_bindir); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) not found; install them with" \
         "'sudo apt-get install -y postgresql' (or run this script as root)." >&2
    exit 1
  fi
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y postgresql
  bindir=$(find_bindir) || { echo "initdb/pg_ctl still missing after installing postgresql" >&2; exit 1; }
fi
log "using $bindir"

# PostgreSQL refuses to run as root: as root, run the server as `postgres`.
if [ "$(id -u)" -eq 0 ]; then
  pg_user=postgres
  if ! id "$pg_user" >/dev/null 2>&1; then
    echo "running as root but there is no '$pg_user' user to run the server as" >&2
    exit 1
  fi
else
  pg_user=""
fi

# Run a server tool as the cluster owner, from a folder that user can read.
as_owner() {
  if [ -n "$pg_user" ]; then
    (cd "$tmpdir" && runuser -u "$pg_user" -- "$@")
  else
    (cd "$tmpdir" && "$@")
  fi
}

# ------------------------------------------------------------ cluster lifecycle
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/cpa-postgres.XXXXXX")
datadir="$tmpdir/data"
logfile="$tmpdir/postgres.log"
started=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$started" ]; then
    as_owner "$bindir/pg_ctl" stop -D "$datadir" -m fast -w -t 30 >/dev/null 2>&1 \
      || as_owner "$bindir/pg_ctl" stop -D "$datadir" -m immediate -w >/dev/null 2>&1 \
      || log "could not stop the cluster in $datadir"
  fi
  rm -rf "$tmpdir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "$pg_user" ]; then
  chown "$pg_user:" "$tmpdir"
fi
chmod 700 "$tmpdir"

as_owner "$bindir/initdb" -D "$datadir" -U postgres --auth=trust \
  --encoding=UTF8 --no-locale --no-sync --no-instructions >"$tmpdir/initdb.log" 2>&1 \
  || { cat "$tmpdir/initdb.log" >&2; exit 1; }

# Is something already listening on 127.0.0.1:$1?
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port=""
first_port=${CPA_PG_PORT:-54329}
for candidate in $(seq "$first_port" $((first_port + 50))); do
  port_busy "$candidate" && continue
  # Durability is pointless for a throwaway cluster: turn it off for speed.
  if as_owner "$bindir/pg_ctl" start -D "$datadir" -l "$logfile" -w -t 60 \
      -o "-p $candidate -k $tmpdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null; then
    port=$candidate
    started=1
    break
  fi
  # Lost a race for the port: try the next one; anything else is fatal.
  if ! grep -q "could not bind\|Address already in use\|could not create any TCP/IP sockets" "$logfile" 2>/dev/null; then
    log "pg_ctl start failed:"
    cat "$logfile" >&2 || true
    exit 1
  fi
  : >"$logfile"
done
if [ -z "$port" ]; then
  log "no free port in $first_port..$((first_port + 50))"
  exit 1
fi

for _ in $(seq 1 60); do
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
"$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" || { log "server not ready"; cat "$logfile" >&2; exit 1; }

"$bindir/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
  -c "CREATE ROLE cpa LOGIN CREATEDB" \
  -c "CREATE DATABASE cpa_test OWNER cpa"

export DATABASE_URL="postgres://cpa@127.0.0.1:$port/cpa_test"
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=cpa PGDATABASE=cpa_test
export PATH="$bindir:$PATH"
log "PostgreSQL $("$bindir/pg_ctl" --version | awk '{print $3}') ready: DATABASE_URL=$DATABASE_URL"

# ------------------------------------------------------------ the command
set +e
"$@"
status=$?
set -e
log "command exited with $status; stopping the cluster"
exit "$status"
