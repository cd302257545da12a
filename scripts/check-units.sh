#!/usr/bin/env bash
# Checks the systemd units: `systemd-analyze verify` must print nothing
# (it exits 0 on warnings), and `systemd-analyze security --offline=true`
# must rate each unit's exposure at 1.5 or lower.
#
# verify needs the unit's binary and systemd's own units, so it runs against
# a throw-away root holding copies of them (nothing is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v systemd-analyze >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing systemd (for systemd-analyze) with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
  else
    echo "systemd-analyze not found: apt-get install -y systemd" >&2; exit 1
  fi
fi
bin="${1:-$(swift build --show-bin-path)/overdue}"
[ -x "$bin" ] || swift build --product overdue >/dev/null
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/local/bin" "$root/usr/lib/systemd" "$root/etc/systemd/system" "$root/bin"
cp "$bin" "$root/usr/local/bin/overdue"
cp -r /usr/lib/systemd/system "$root/usr/lib/systemd/"
cp /bin/kill "$root/bin/kill"
cp systemd/overdue.service systemd/overdue@.service "$root/etc/systemd/system/"

status=0
for unit in overdue.service overdue@acme.service; do
  out=$(systemd-analyze verify --root="$root" "$unit" 2>&1 || true)
  if [ -n "$out" ]; then
    echo "FAIL verify $unit:"; echo "$out"; status=1
  else
    echo "ok   verify $unit: no output"
  fi
done
for file in systemd/overdue.service systemd/overdue@.service; do
  line=$(systemd-analyze security --offline=true "$file" 2>&1 | grep "Overall exposure level" || true)
  level=$(echo "$line" | sed -E 's/.*: ([0-9.]+).*/\1/')
  if [ -z "$level" ] || awk -v l="$level" 'BEGIN { exit !(l > 1.5) }'; then
    echo "FAIL security $file: ${line:-no rating}"; status=1
  else
    echo "ok   security $file: exposure $level (limit 1.5)"
  fi
done
exit $status
