#!/usr/bin/env bash
# Debian's nginx for `make reliability` (its slow-client phases run through it); no service is
# started (the harness runs its own nginx in a temporary prefix).
set -euo pipefail
if [ ! -x /usr/sbin/nginx ]; then
  echo "• installing Debian's nginx for the reliability run"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
