#!/usr/bin/env bash
# Screenshots of every page of every journey (tests/web/journeys) at 390 and 1280 px, written to
# var/screenshots/journeys/ as <journey>-<step>-<page>-<width>.png: the journey tests run with
# ILJA_JOURNEY_SCREENSHOTS set, so they are the same steps as in make test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test,bench  # the same install as make test
bash scripts/vendor_test_assets.sh
out="var/screenshots/journeys"
rm -rf "$out"
mkdir -p "$out"
ILJA_JOURNEY_SCREENSHOTS="$PWD/$out" .venv/bin/python -m pytest tests/web/journeys -q -p no:cacheprovider -p no:xdist "$@"
echo "• $(find "$out" -name '*.png' | wc -l) screenshots in $out"
