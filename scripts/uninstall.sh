#!/usr/bin/env bash
# Removes what scripts/install.sh installed. The spool (/var/lib/overdue),
# the config (/etc/overdue) and the overdue user are kept: they hold your
# ledger, your delivery log and your secrets. Remove them by hand if meant.
set -euo pipefail
prefix="${1:-/usr/local}"
if command -v systemctl >/dev/null; then
  systemctl disable --now overdue.service 2>/dev/null || true
  # Every tenant's instance too (overdue@TENANT.service).
  for unit in $(systemctl list-units --all --plain --no-legend 'overdue@*.service' 2>/dev/null | awk '{print $1}'); do
    systemctl disable --now "$unit" 2>/dev/null || true
  done
fi
rm -f /etc/systemd/system/overdue.service /etc/systemd/system/overdue@.service "$prefix/bin/overdue"
rm -rf "$prefix/share/overdue" "$prefix/share/doc/overdue"
command -v systemctl >/dev/null && systemctl daemon-reload 2>/dev/null || true
echo "removed. Kept: /var/lib/overdue, /etc/overdue and the overdue user."
