#!/usr/bin/env bash
# Installs what overdue needs beyond Swift on Debian 12: libcurl's headers
# (the CCurl module), pkg-config, and for the tests Python's aiosmtpd (a real
# SMTP server on 127.0.0.1). As root it installs; otherwise it prints the
# exact commands and stops.
#   scripts/setup-deps.sh          build dependencies only
#   scripts/setup-deps.sh --test   plus the test servers
set -euo pipefail

need_apt=()
pkg-config --exists libcurl 2>/dev/null || need_apt+=(libcurl4-openssl-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need_apt[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing: ${need_apt[*]}. Run:  sudo apt-get update && sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--test" ] && ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "installing the aiosmtpd test server with pip"
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd 2>&1 | grep -v "Running pip as the 'root' user" || true
  python3 -c 'import aiosmtpd' || { echo "could not install aiosmtpd. Run:  python3 -m pip install aiosmtpd" >&2; exit 1; }
fi
