#!/usr/bin/env bash
# Vendor what only the tests use from the npm registry into tests/web/vendor/ (git-ignored):
# axe-core, the accessibility checker the journey tests inject into every page (issue 16).
# Nothing is loaded from a CDN. The version is pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=4.14.1
vendor=tests/web/vendor
stamp="$vendor/.versions"
want="axe-core@$AXE_VERSION"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$vendor/axe.min.js" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed once to vendor axe-core for the tests" >&2; exit 1; }
cache=.cache/npm-packs
mkdir -p "$cache"
echo "• vendoring $want for the tests"
[ -f "$cache/axe-core-$AXE_VERSION.tgz" ] || (cd "$cache" && npm pack --silent "$want" >/dev/null)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar xzf "$cache/axe-core-$AXE_VERSION.tgz" -C "$work"
rm -rf "$vendor"
mkdir -p "$vendor"
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$vendor/"
echo "$want" > "$stamp"
