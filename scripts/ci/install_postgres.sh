#!/usr/bin/env bash
# PostgreSQL's server binaries for integration_tests/test_postgres.py, from Debian's packages, if
# they are not there yet. Only installs: the test starts its own private server on loopback
# (integration_tests/postgres_server.py), so no system cluster needs to run.
set -euo pipefail
if compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || command -v pg_ctl >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install_postgres.sh: no PostgreSQL server and no apt-get; install PostgreSQL (initdb, pg_ctl) by hand" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends postgresql
