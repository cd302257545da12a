#!/usr/bin/env bash
# Installs overdue as a systemd service (run as root):
#   binary      /usr/local/bin/overdue (templates are compiled in; copies in
#               /usr/local/share/overdue/templates to start your own from)
#   units       /etc/systemd/system/overdue.service, overdue@.service
#   config      /etc/overdue/overdue.toml (kept if present), /etc/overdue/credentials/
#   spool       /var/lib/overdue (created by systemd: StateDirectory=)
#   user/group  overdue (system account; add the finance team to the group)
# Then:  systemctl enable --now overdue
# Options: --prefix DIR (default /usr/local), --destdir DIR (stage into DIR, no systemctl)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/usr/local
destdir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --destdir) destdir="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
scripts/setup-deps.sh
swift build -c release --product overdue
bin="$(swift build -c release --show-bin-path)/overdue"

install -d "$destdir$prefix/bin" "$destdir$prefix/share/overdue" "$destdir$prefix/share/doc/overdue" \
  "$destdir/etc/systemd/system" "$destdir/etc/overdue"
install -m 0755 "$bin" "$destdir$prefix/bin/overdue"
cp -r templates "$destdir$prefix/share/overdue/"
install -m 0644 README.md docs/templates.md "$destdir$prefix/share/doc/overdue/"
install -d "$destdir$prefix/share/doc/overdue/examples"
install -m 0644 examples/overdue.toml examples/reference.toml "$destdir$prefix/share/doc/overdue/examples/"
for unit in overdue.service overdue@.service; do
  sed "s|/usr/local/bin/overdue|$prefix/bin/overdue|; s|/usr/local/share/doc|$prefix/share/doc|" "systemd/$unit" \
    > "$destdir/etc/systemd/system/$unit"
  chmod 0644 "$destdir/etc/systemd/system/$unit"
done
if [ ! -e "$destdir/etc/overdue/overdue.toml" ]; then
  # Every section, the brand a placeholder that check and run refuse until
  # it is yours; mail goes to the Maildir until [channels.email] is set.
  sed -e "s|@TEMPLATES@|$prefix/share/overdue/templates|" -e "s|@DOCS@|$prefix/share/doc/overdue/|g" systemd/overdue.toml > "$destdir/etc/overdue/overdue.toml"
  chmod 0640 "$destdir/etc/overdue/overdue.toml"
fi
install -d -m 0700 "$destdir/etc/overdue/credentials"

if [ -z "$destdir" ]; then
  getent group overdue >/dev/null || groupadd --system overdue
  getent passwd overdue >/dev/null || useradd --system --gid overdue --home-dir /var/lib/overdue --shell /usr/sbin/nologin overdue
  chgrp overdue /etc/overdue/overdue.toml
  command -v systemctl >/dev/null && systemctl daemon-reload 2>/dev/null || true
  echo "installed. Next: set your brand in /etc/overdue/overdue.toml (overdue check says what is missing), then  systemctl enable --now overdue"
fi
