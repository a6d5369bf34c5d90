#!/usr/bin/env bash
# Create .venv, install Ilja with the extras asked for, and vendor the front-end assets.
# Idempotent: a stamp of pyproject.toml skips the install when nothing changed.
# Usage: scripts/bootstrap.sh [extras]   e.g. scripts/bootstrap.sh test,bench
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
supported='import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))'
python_bin="${ILJA_PYTHON:-}"
if [ -z "$python_bin" ]; then
  # The newest supported interpreter on PATH or installed by pyenv (whose shims may refuse to run
  # a version that is installed but not selected, so each candidate is tried, not just found).
  candidates="python3.13 python3.12 python3.11 python3"
  if command -v pyenv >/dev/null; then
    candidates="$candidates $(ls -d "$(pyenv root)"/versions/3.1[1-3]*/bin/python3 2>/dev/null | sort -rV | tr '\n' ' ')"
  fi
  best=""
  for candidate in $candidates; do
    "$candidate" -c "$supported" 2>/dev/null || continue
    version="$("$candidate" -c 'import sys; print("%d.%02d" % sys.version_info[:2])')"
    if [ -z "$best" ] || [[ "$version" > "$best" ]]; then best="$version"; python_bin="$candidate"; fi
  done
fi
[ -n "$python_bin" ] || { echo "Ilja needs Python 3.11, 3.12 or 3.13 (set ILJA_PYTHON)" >&2; exit 1; }

if [ -x .venv/bin/python ] && ! .venv/bin/python -c "$supported" 2>/dev/null; then
  echo "• .venv has an unsupported Python: making it anew"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "• creating .venv with $("$python_bin" --version) ($python_bin)"
  "$python_bin" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
stamp=".venv/.ilja-installed-${extras:-base}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  spec="."
  [ -n "$extras" ] && spec=".[${extras}]"
  echo "• installing Ilja ($spec) into .venv"
  .venv/bin/python -m pip install -q -e "$spec"
  echo "$want" > "$stamp"
fi
bash scripts/vendor_assets.sh
