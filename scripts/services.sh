#!/usr/bin/env bash
# Start (or reuse) the local services the tests use: Redis and PostgreSQL on loopback.
# Creates the PostgreSQL role `edutv` (password `edutv`, CREATEDB) the tests connect as.
#   scripts/services.sh         Redis and PostgreSQL (tests, benchmarks)
#   scripts/services.sh redis   Redis only (the demo: its gunicorn workers share it)
set -euo pipefail
only="${1:-}"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server on 127.0.0.1:6379"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/edutv.log
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

if [ "$only" = "redis" ]; then exit 0; fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || \
    $SUDO pg_ctlcluster "$version" main start
  for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.1; done
fi
if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'edutv'" | grep -q 1; then
  as_postgres psql -q -c "CREATE ROLE edutv LOGIN CREATEDB PASSWORD 'edutv'"
fi
