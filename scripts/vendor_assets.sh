#!/usr/bin/env bash
# Vendor the front-end assets from the npm registry into src/ilja/web/static/vendor/:
# KRDS (krds-uiux), Pretendard GOV (pretendard-gov: woff2 for pages, OTF for charts and PDFs),
# HTMX and Swagger UI (swagger-ui-dist, for /docs). Nothing is loaded from a CDN at run time.
# Versions are pinned here.
set -euo pipefail
cd "$(dirname "$0")/.."
KRDS_VERSION=1.1.0
PRETENDARD_VERSION=1.3.9
HTMX_VERSION=2.0.8
SWAGGER_UI_VERSION=5.36.0
vendor=src/ilja/web/static/vendor
stamp="$vendor/.versions"
want="krds-uiux@$KRDS_VERSION pretendard-gov@$PRETENDARD_VERSION htmx.org@$HTMX_VERSION swagger-ui-dist@$SWAGGER_UI_VERSION"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm is needed once to vendor the front-end assets" >&2; exit 1; }
cache=.cache/npm-packs
mkdir -p "$cache"
echo "• vendoring $want"
(cd "$cache" && for pkg in $want; do
   name="${pkg%@*}"; version="${pkg##*@}"
   [ -f "$name-$version.tgz" ] || npm pack --silent "$pkg" >/dev/null
 done)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for pkg in $want; do
  name="${pkg%@*}"; version="${pkg##*@}"
  mkdir -p "$work/$name"
  tar xzf "$cache/$name-$version.tgz" -C "$work/$name"
done
rm -rf "$vendor"
mkdir -p "$vendor/krds" "$vendor/fonts" "$vendor/htmx" "$vendor/swagger-ui"
cp -r "$work/krds-uiux/package/resources/css" "$work/krds-uiux/package/resources/js" \
      "$work/krds-uiux/package/resources/img" "$work/krds-uiux/package/resources/fonts" "$vendor/krds/"
for weight in Regular Medium SemiBold Bold; do
  cp "$work/pretendard-gov/package/dist/web/static/woff2/PretendardGOV-$weight.woff2" "$vendor/fonts/"
  cp "$work/pretendard-gov/package/dist/public/static/PretendardGOV-$weight.otf" "$vendor/fonts/"
done
cp "$work/pretendard-gov/package/LICENSE"* "$vendor/fonts/" 2>/dev/null || true
cp "$work/htmx.org/package/dist/htmx.min.js" "$vendor/htmx/"
swagger="$work/swagger-ui-dist/package"
cp "$swagger/swagger-ui-bundle.js" "$swagger/swagger-ui.css" "$swagger/LICENSE" "$swagger/NOTICE" \
   "$swagger/swagger-ui-bundle.js.LICENSE.txt" "$vendor/swagger-ui/"
echo "$want" > "$stamp"
