#!/bin/sh
# Install nginx (Debian's `nginx` package) for the throughput benchmark, which serves its mirror
# of sites with it on loopback addresses. Idempotent: does nothing when nginx is already there.
# The package's own service is not used: the benchmark starts nginx with its own config.
# Needs root (or sudo).
set -eu

find_nginx() {
    command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

FOUND=$(find_nginx)
if [ -n "$FOUND" ]; then
    echo "install-nginx: $FOUND already installed ($("$FOUND" -v 2>&1 || echo 'version unknown'))"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-nginx: apt-get not found; install nginx with your package manager" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-nginx: run as root (or install sudo) to install nginx with apt-get" >&2
    exit 1
fi

echo "install-nginx: nginx missing; running: ${SUDO:+$SUDO }apt-get update"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
echo "install-nginx: running: ${SUDO:+$SUDO }apt-get install -y --no-install-recommends nginx"
# policy-rc.d-free containers may try to start the packaged service; that is harmless here.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx

FOUND=$(find_nginx)
if [ -z "$FOUND" ]; then
    echo "install-nginx: apt-get finished but nginx is still missing" >&2
    exit 1
fi
echo "install-nginx: installed $("$FOUND" -v 2>&1)"
