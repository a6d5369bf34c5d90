#!/usr/bin/env bash
# Vendor the front-end assets from the npm registry into src/ilja/web/static/vendor/:
# KRDS (krds-uiux), Pretendard GOV (pretendard-gov: woff2 for pages, OTF for charts and PDFs),
# HTMX and Swagger UI (swagger-ui-dist, for /docs). Nothing is loaded from a CDN at run time.
# Versions are pinned here.
#
# Two files are derived, never edited by hand (issue 16, page weight):
# * vendor/krds/css/component/krds.css: KRDS's tokens followed by its output.css without the
#   @import of the tokens (one request instead of a chain of two; same rules, same order);
# * vendor/fonts/pretendard-gov-dynamic-subset.css: Pretendard GOV's dynamic-subset CSS cut to
#   the weights the pages use (WEB_WEIGHTS) and to its woff2 sources, next to those woff2 files
#   (woff2-dynamic-subset/). A browser fetches only the unicode-range slices a page's text needs.
# * vendor/krds/css/component/krds.css is then cut to the selectors our templates and scripts
#   use (PurgeCSS, pinned below): 634 KB of KRDS is 52 KB gzipped, what the pages use 17 KB. The
#   whole file stays beside it as krds.full.css. The cut runs again whenever a template or script
#   changes (its stamp is a hash of them), so a class a new template uses is never cut away.
set -euo pipefail
cd "$(dirname "$0")/.."
KRDS_VERSION=1.1.0
PRETENDARD_VERSION=1.3.9
HTMX_VERSION=2.0.8
SWAGGER_UI_VERSION=5.36.0
PURGECSS_VERSION=8.0.0
# KRDS and our CSS use only 400 and 700 (other weights would be synthesised from these).
WEB_WEIGHTS="Regular:400 Bold:700"
vendor=src/ilja/web/static/vendor
stamp="$vendor/.versions"
want="krds-uiux@$KRDS_VERSION pretendard-gov@$PRETENDARD_VERSION htmx.org@$HTMX_VERSION swagger-ui-dist@$SWAGGER_UI_VERSION"
layout="$want web-fonts=${WEB_WEIGHTS// /,} krds.css:6"  # what the folder holds

# What decides which KRDS selectors the pages use: every template and our scripts.
purge_inputs() {
  find src/ilja -name '*.html' -not -path '*/static/vendor/*' | LC_ALL=C sort
  echo src/ilja/web/static/js/*.js
}
purge_stamp="$vendor/.purged"
purge_want() { { echo "purgecss@$PURGECSS_VERSION"; purge_inputs | xargs cat; } | sha256sum | cut -d' ' -f1; }

purge_krds() {
  [ -f "$purge_stamp" ] && [ "$(cat "$purge_stamp")" = "$(purge_want)" ] && return 0
  command -v npm >/dev/null || { echo "npm is needed to cut KRDS's CSS to what the templates use" >&2; exit 1; }
  local tool=.cache/purgecss-$PURGECSS_VERSION
  if [ ! -x "$tool/node_modules/.bin/purgecss" ]; then
    mkdir -p "$tool"
    npm install --silent --no-audit --no-fund --prefix "$tool" "purgecss@$PURGECSS_VERSION" >/dev/null
  fi
  local css="$vendor/krds/css/component" out
  out="$(mktemp -d)"
  # shellcheck disable=SC2046
  "$tool/node_modules/.bin/purgecss" --css "$css/krds.full.css" --content $(purge_inputs) --output "$out/"
  mv "$out/krds.full.css" "$css/krds.css"
  rm -rf "$out"
  purge_want > "$purge_stamp"
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$layout" ]; then
  purge_krds
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
mkdir -p "$vendor/krds" "$vendor/fonts/woff2-dynamic-subset" "$vendor/htmx" "$vendor/swagger-ui"
krds="$work/krds-uiux/package/resources"
cp -r "$krds/css" "$krds/js" "$krds/img" "$vendor/krds/"
find "$vendor/krds" -name '*.map' -delete
{ echo '@charset "UTF-8";'  # only valid as the very first bytes
  grep -v -i '^@charset' "$krds/css/token/krds_tokens.css"
  grep -v -i -e '^@charset' -e '^@import "../../css/token/krds_tokens.css";' -e '^/\*# sourceMappingURL=' \
    "$krds/css/component/output.css"
} > "$vendor/krds/css/component/krds.full.css"
pretendard="$work/pretendard-gov/package/dist"
for weight in Regular Bold; do  # the OTFs the charts and PDFs use
  cp "$pretendard/public/static/PretendardGOV-$weight.otf" "$vendor/fonts/"
done
python3 - "$pretendard/web/static" "$vendor/fonts" $WEB_WEIGHTS <<'PYTHON'
"""Keep the @font-face rules of the wanted weights, each with its woff2 source only, and copy
the woff2 files they name."""
import re
import shutil
import sys
from pathlib import Path

source, target, weights = Path(sys.argv[1]), Path(sys.argv[2]), dict(w.split(":") for w in sys.argv[3:])
css = (source / "pretendard-gov-dynamic-subset.css").read_text(encoding="utf-8")
licence = css[:css.index("*/") + 2]
kept = {}
for rule in re.findall(r"@font-face\s*{[^}]*}", css):
    weight = re.search(r"font-weight:\s*(\d+)", rule).group(1)
    woff2 = re.search(r"url\((\./woff2-dynamic-subset/PretendardGOV-(\w+)\.subset\.(\d+)\.woff2)\)", rule)
    if woff2.group(2) not in weights or weights[woff2.group(2)] != weight:
        continue
    shutil.copy(source / woff2.group(1), target / woff2.group(1))
    kept[int(woff2.group(3)), weight] = re.sub(r"src:[^;]*;", f"src: url({woff2.group(1)}) format('woff2');", rule)
if len(kept) < 2 * len(weights):
    sys.exit(f"pretendard-gov-dynamic-subset.css: only {len(kept)} rules for {weights}")
# Each slice's weights side by side: their long unicode-ranges are equal, and gzip (whose window
# is 32 KB) then sends the second as a back-reference, which halves the compressed file.
(target / "pretendard-gov-dynamic-subset.css").write_text(licence + "\n" + "\n".join(kept[key] for key in sorted(kept)) + "\n",
                                                        encoding="utf-8")
PYTHON
cp "$pretendard/LICENSE.txt" "$vendor/fonts/"
cp "$work/htmx.org/package/dist/htmx.min.js" "$vendor/htmx/"
swagger="$work/swagger-ui-dist/package"
cp "$swagger/swagger-ui-bundle.js" "$swagger/swagger-ui.css" "$swagger/LICENSE" "$swagger/NOTICE" \
   "$swagger/swagger-ui-bundle.js.LICENSE.txt" "$vendor/swagger-ui/"
echo "$layout" > "$stamp"
purge_krds
