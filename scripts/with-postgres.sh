#!/usr/bin/env bash
# Run a command against PostgreSQL:  scripts/with-postgres.sh CMD [ARG...]
#
# If TEST_DATABASE_URL or DATABASE_URL already names a PostgreSQL database, CMD runs with
# DATABASE_URL set to it. Otherwise a private, throw-away PostgreSQL cluster is started on
# 127.0.0.1 (data in ${TMPDIR:-/tmp}/supervision-pg-<uid>, trust auth, no fsync), the database
# `supervision` is created in it, CMD runs with
#     DATABASE_URL=postgres://postgres@127.0.0.1:<port>/supervision
# and the cluster is stopped when the last run using it ends, unless KEEP_PG=1. A cluster
# kept by KEEP_PG=1 is reused and left running. Runs at the same time share the cluster, each
# with a database of its own (supervision_<pid> for all but the first, dropped at the end).
# A stale postmaster.pid left by a crash is removed.
#
#   scripts/with-postgres.sh --stop    stop the private cluster and delete its files
#
# Environment: PG_PORT (first port to try, default 54329), KEEP_PG=1.
set -euo pipefail

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'with-postgres: %s\n' "$*" >&2; exit 1; }

[ $# -gt 0 ] || die "usage: $0 CMD [ARG...]  |  $0 --stop"

url=${TEST_DATABASE_URL:-${DATABASE_URL:-}}
case "$url" in
    postgres://* | postgresql://* | pgsql://*)
        [ "$1" != --stop ] || die "--stop is for the private cluster; DATABASE_URL names another server"
        say "PostgreSQL from ${TEST_DATABASE_URL:+TEST_}DATABASE_URL"
        export DATABASE_URL=$url
        exec "$@"
        ;;
esac

# --- where things are ------------------------------------------------------------------------
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$BIN" ] && [ -x "$BIN/pg_ctl" ] ||
    die "no PostgreSQL server in /usr/lib/postgresql/*/bin: run scripts/bootstrap.sh (make install)"
MAJOR=$(basename "$(dirname "$BIN")")
BASE=${TMPDIR:-/tmp}/supervision-pg-$(id -u)
DATA=$BASE/data
LOG=$BASE/server.log
DBNAME=supervision

# initdb and the server refuse to run as root: as root, run them as Debian's `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user (install the postgresql package)"
    as_pg() { (cd / && runuser -u postgres -- "$@" 8>&- 9>&-); }
else
    as_pg() { (cd / && "$@" 8>&- 9>&-); }
fi

mkdir -p "$BASE"
chmod 700 "$BASE"
if [ "$(id -u)" -eq 0 ] && [ "$(stat -c %U "$BASE")" != postgres ]; then
    chown -R postgres:postgres "$BASE"
fi
as_pg test -w "$BASE" || die "$BASE is not writable by the server's user (set TMPDIR to a directory it can reach)"

# fd 9: held exclusively while the cluster is being set up or torn down.
# fd 8: held shared by every run using the cluster, so the last one out can stop it.
exec 9>>"$BASE/setup.lock" 8>>"$BASE/users.lock"
flock -w 300 9 || die "timed out waiting for another run to set up the cluster"

# --- is it running? ----------------------------------------------------------------------------
running() {
    local pidfile=$DATA/postmaster.pid pid
    [ -s "$pidfile" ] || return 1
    pid=$(head -n 1 "$pidfile")
    # A live postgres process with that pid (not a zombie left after a crash).
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ] &&
        [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)" != Z ]; then
        return 0
    fi
    say "Removing a stale postmaster.pid (pid $pid is not a running server)"
    rm -f "$pidfile" "$BASE"/.s.PGSQL.*
    return 1
}

stop_cluster() {
    running && as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
    return 0
}

if [ "$1" = --stop ]; then
    flock -w 30 -x 8 || die "the cluster is still in use by another run; try again when it ends"
    stop_cluster
    rm -rf "$BASE"
    say "Private PostgreSQL cluster stopped and removed"
    exit 0
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if running; then
    port=$(sed -n 4p "$DATA/postmaster.pid")
    say "Reusing the private PostgreSQL $MAJOR cluster on 127.0.0.1:$port"
else
    if [ "$(cat "$DATA/PG_VERSION" 2>/dev/null)" != "$MAJOR" ]; then
        rm -rf "$DATA"
        say "Creating a private PostgreSQL $MAJOR cluster in $DATA"
        as_pg "$BIN/initdb" -D "$DATA" --auth=trust -U postgres --encoding=UTF8 --locale=C.UTF-8 \
            --no-sync --no-instructions >"$BASE/initdb.log" 2>&1 ||
            { cat "$BASE/initdb.log" >&2; die "initdb failed"; }
        echo "include_if_exists = 'supervision.conf'" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
    fi
    port=${PG_PORT:-54329}
    for _ in $(seq 100); do port_busy "$port" || break; port=$((port + 1)); done
    port_busy "$port" && die "no free port found from ${PG_PORT:-54329}"
    as_pg tee "$DATA/supervision.conf" >/dev/null <<EOF
# Written by scripts/with-postgres.sh at every start: a throw-away test cluster, speed over safety.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$BASE'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    say "Starting PostgreSQL $MAJOR on 127.0.0.1:$port"
    if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null; then
        tail -n 20 "$LOG" >&2 || true
        die "the server did not start (log: $LOG)"
    fi
    rm -f "$BASE/kept"
fi

# Another run using the cluster right now gets a database of its own (pytest's test_<name>
# database would clash otherwise); it is dropped when this run ends.
if flock -n -x 8; then
    DBNAME=supervision
else
    DBNAME=supervision_$$
fi
flock -s 8

psql=("$BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1)

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ "$DBNAME" != supervision ]; then
        "${psql[@]}" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if [ "${KEEP_PG:-0}" = 1 ]; then
        touch "$BASE/kept"
        say "KEEP_PG=1: PostgreSQL left running on 127.0.0.1:$port (stop it: scripts/with-postgres.sh --stop)"
    elif [ -e "$BASE/kept" ]; then
        :  # kept by an earlier KEEP_PG=1 run: leave it as it was found
    elif flock -w 300 9 && flock -n -x 8; then
        say "Stopping the private PostgreSQL cluster"
        stop_cluster
    else
        say "The private PostgreSQL cluster is still in use by another run, which will stop it"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE $DBNAME"
fi
flock -u 9

export DATABASE_URL=postgres://postgres@127.0.0.1:$port/$DBNAME
say "DATABASE_URL=$DATABASE_URL"
set +e
"$@" 8>&- 9>&-
rc=$?
set -e
exit "$rc"
