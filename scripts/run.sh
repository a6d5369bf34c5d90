#!/usr/bin/env bash
# The main job: Ilja's web app and API on the embedded SQLite default, loaded with the 2025 plan
# and a synthetic population, at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/ilja demo "$@"
