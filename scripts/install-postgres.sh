#!/bin/sh
# Install PostgreSQL (Debian's `postgresql` package) for the shared-warehouse (DuckLake) tests:
# they start their own throw-away server on 127.0.0.1 with initdb + pg_ctl, never the system one.
# Idempotent: does nothing when initdb is already there. Needs root (or sudo).
set -eu

found() {
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}

if found; then
    echo "install-postgres: initdb already installed"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-postgres: apt-get not found; install PostgreSQL (server binaries: initdb, pg_ctl) with your package manager" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-postgres: run as root (or install sudo) to install postgresql with apt-get" >&2
    exit 1
fi

echo "install-postgres: initdb missing; running: ${SUDO:+$SUDO }apt-get update"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
echo "install-postgres: running: ${SUDO:+$SUDO }apt-get install -y --no-install-recommends postgresql"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql

if ! found; then
    echo "install-postgres: apt-get finished but initdb is still missing" >&2
    exit 1
fi
echo "install-postgres: installed $(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | head -1)"
