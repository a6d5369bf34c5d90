#!/usr/bin/env bash
# Create .venv, install Ilja with the extras asked for, and vendor the front-end assets.
# Idempotent: a stamp of pyproject.toml skips the install when nothing changed.
# Usage: scripts/bootstrap.sh [extras]   e.g. scripts/bootstrap.sh test,bench
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python_bin="${ILJA_PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
[ -n "$python_bin" ] || { echo "Ilja needs Python 3.11 (set ILJA_PYTHON)" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "• creating .venv with $python_bin"
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
