#!/usr/bin/env bash
# The benchmark suite: `make bench`, or BENCH_QUICK=1 make bench for
# a smoke run on 10,000 signatures. Runs on loopback only and stops by itself.
#
# Starts a throwaway PostgreSQL (scripts/with-postgres.sh) with fsync and
# synchronous commit back on, because the signing figures are about the cost
# of committing; then bench/suite.py migrates, generates data, serves the app
# with gunicorn on 127.0.0.1, measures, and writes bench/results/*.json.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v wrk >/dev/null 2>&1; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing wrk" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq wrk >&2 || { apt-get update -qq >&2 && apt-get install -y -qq wrk >&2; }
    else
        echo "bench: wrk is needed (apt-get install wrk)" >&2
        exit 1
    fi
fi

PYTHON="${PYTHON:-python}"
# The whole run is bounded: a stuck benchmark is killed, and the cluster and
# gunicorn go with it.
export PLEA_PG_DB=plea_bench
# The benchmark's own settings and URLconf (bench/settings.py): production's
# plus the bare hello and floor views, which config never mounts.
export DJANGO_SETTINGS_MODULE=bench.settings
export PLEA_PG_EXTRA_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=256MB"
exec timeout --signal=TERM --kill-after=30 "${BENCH_TIMEOUT:-900}" \
    scripts/with-postgres.sh "$PYTHON" bench/suite.py
