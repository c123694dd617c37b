#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on a loopback port, as the postgres user,
# and print its URL. Usage: bash .ci/postgres.sh [PORT] [DATA_DIR]
# Needs Debian's postgresql package (.ci/run installs it).
set -euo pipefail
port=${1:-55432}
data=${2:-/tmp/fieldapp-pg-$port}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
    echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
fi
as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; fi
}
if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data" && chown postgres "$data"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
# Tests trade durability for speed (the cluster is thrown away); benchmarks set
# FIELDAPP_PG_DURABLE=1 to measure with PostgreSQL's own defaults.
options="-c listen_addresses=127.0.0.1 -k /tmp -c max_connections=300"
if [ "${FIELDAPP_PG_DURABLE:-0}" != 1 ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
if as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # Already running from an earlier call: its port is line 4 of postmaster.pid.
    port=$(sed -n 4p "$data/postmaster.pid")
else
    # Another server may hold the port (a developer's own cluster): take the next free
    # one. A port nobody listens on can still be bound (an outgoing connection's, in the
    # ephemeral range): then the start fails, and the next port is tried.
    started=0
    for _attempt in 1 2 3 4 5 6 7 8 9 10; do
        while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
            port=$((port + 1))
        done
        if as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w start \
            -o "-p $port $options" >/dev/null; then
            started=1
            break
        fi
        port=$((port + 1))
    done
    if [ "$started" != 1 ]; then
        echo "postgres.sh: could not start PostgreSQL; see $data/server.log" >&2
        exit 1
    fi
fi
echo "postgresql://postgres@127.0.0.1:$port/postgres"
