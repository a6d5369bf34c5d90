#!/usr/bin/env bash
# The whole test suite, against SQLite and (when reachable, always in CI) PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test,bench
bash scripts/vendor_test_assets.sh  # axe-core for the journey tests
if ! command -v chromium >/dev/null; then
  echo "• installing Debian's chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
    || echo "could not install chromium: browser tests will fail" >&2
fi
# Debian's nginx, for the reverse-proxy tests (slow clients held through it)
bash deploy/nginx/ensure-nginx.sh || echo "could not install nginx: its tests will be skipped" >&2
if [ "${CI:-}" = "true" ]; then
  bash scripts/ensure_postgres.sh
  export ILJA_TEST_REQUIRE_POSTGRES=1
else
  bash scripts/ensure_postgres.sh || echo "PostgreSQL not available: its tests will be skipped" >&2
fi
# loadscope: a module runs on one worker, in order, with its module fixtures set up once
exec .venv/bin/python -m pytest -n "${ILJA_TEST_WORKERS:-2}" --dist loadscope "$@"
