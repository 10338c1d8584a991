#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Starts a fresh cluster on a free loopback port in a temporary directory,
# exports DATABASE_URL=postgres://postgres@127.0.0.1:PORT/plea (and the data
# and binary directories as PLEA_PG_DATADIR, PLEA_PG_BINDIR), runs CMD, then
# stops the cluster and deletes the directory whatever CMD's outcome. Exits
# with CMD's exit status. The cluster trades durability for speed (fsync off):
# it is for tests only. PLEA_PG_EXTRA_OPTS adds server options after these
# (later -c wins), e.g. "-c fsync=on -c synchronous_commit=on" for benchmarks
# whose figures depend on commit cost.
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# `postgres` system user (created if missing); as anyone else it runs as them.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 CMD [ARGS...]   (CMD sees DATABASE_URL)" >&2
    exit 2
fi

DB_NAME="${PLEA_PG_DB:-plea}"

log() { echo "with-postgres: $*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# Highest installed version wins; PG_BINDIR overrides.
find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        echo "$PG_BINDIR"
        return
    fi
    local initdb
    initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$initdb" ]]; then
        dirname "$initdb"
        return
    fi
    # Other layouts (Homebrew, RPM-based distros) put the tools on PATH.
    if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
        pg_config --bindir
        return
    fi
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
}

BINDIR="$(find_bindir)"
if [[ -z "$BINDIR" ]]; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "no PostgreSQL found; installing it with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends postgresql >&2
        BINDIR="$(find_bindir)"
    fi
    [[ -n "$BINDIR" ]] || die "PostgreSQL server binaries (initdb, pg_ctl) not found.
Install them, e.g. 'apt-get install postgresql', or set PG_BINDIR=/path/to/postgresql/bin."
fi
for tool in initdb pg_ctl createdb; do
    [[ -x "$BINDIR/$tool" ]] || die "$BINDIR/$tool is missing or not executable"
done

# Runs a PostgreSQL tool as the user the server runs as, from a directory that
# user can read (the caller's cwd may be closed to it).
as_pg_user() {
    if [[ $EUID -eq 0 ]]; then
        (cd "$WORKDIR" && runuser -u postgres -- "$@")
    else
        (cd "$WORKDIR" && "$@")
    fi
}

if [[ $EUID -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
    log "creating the 'postgres' system user"
    useradd --system --no-create-home postgres
fi

free_port() {
    local py
    for py in python3 python; do
        if "$py" -c 'import socket' >/dev/null 2>&1; then
            "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
            return
        fi
    done
    shuf -i 20000-60000 -n 1
}

# Short base path: the Unix socket path must stay under ~100 bytes.
WORKDIR="$(mktemp -d /tmp/plea-pg.XXXXXX)"
DATADIR="$WORKDIR/data"
STARTED=0

cleanup() {
    local status=$?
    if [[ $STARTED -eq 1 ]]; then
        as_pg_user "$BINDIR/pg_ctl" -D "$DATADIR" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORKDIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $EUID -eq 0 ]]; then
    chown postgres: "$WORKDIR"
fi
chmod 700 "$WORKDIR"

# Byte-order collation (fast, the same everywhere) but UTF-8 character
# classes: under a plain C locale pg_trgm sees no letters in Cyrillic or
# Arabic script, and name search would find no near misses in them.
LOCALE_OPTS=(--no-locale)
if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    LOCALE_OPTS=(--locale=C "--lc-ctype=$(locale -a | grep -ix 'c\.utf-\?8' | head -n 1)")
else
    log "warning: no C.UTF-8 locale here; non-Latin near-miss search will not work in this cluster"
fi
if ! as_pg_user "$BINDIR/initdb" -D "$DATADIR" -U postgres --auth=trust -E UTF8 "${LOCALE_OPTS[@]}" \
    >"$WORKDIR/initdb.log" 2>&1; then
    cat "$WORKDIR/initdb.log" >&2
    die "initdb failed"
fi

# A port found free can be taken before the server binds it; try a few.
for attempt in 1 2 3; do
    PORT="$(free_port)"
    if as_pg_user "$BINDIR/pg_ctl" -D "$DATADIR" -l "$WORKDIR/log" -w -t 30 -o "\
-c listen_addresses=127.0.0.1 -p $PORT -k $WORKDIR \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
-c max_connections=200 ${PLEA_PG_EXTRA_OPTS:-}" start >/dev/null; then
        STARTED=1
        break
    fi
    log "start on port $PORT failed (attempt $attempt); server log:"
    tail -n 20 "$WORKDIR/log" >&2 || true
done
[[ $STARTED -eq 1 ]] || die "could not start PostgreSQL"

"$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB_NAME"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$DB_NAME"
# For commands that restart the server (bench/resilience.py) or need its tools.
export PLEA_PG_DATADIR="$DATADIR" PLEA_PG_BINDIR="$BINDIR"
log "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') at $DATABASE_URL"

# Not exec: the EXIT trap must still run to remove the cluster.
set +e
"$@"
status=$?
set -e
exit "$status"
