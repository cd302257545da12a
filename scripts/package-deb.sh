#!/usr/bin/env bash
# Builds dist/overdue_VERSION_amd64.deb: the binary (Swift's runtime linked
# in, so only Debian's own libraries are needed), the systemd units, the
# templates, the docs and examples, man pages generated from the argument
# parser, sysusers.d and tmpfiles.d entries for the user and the spool, and
# /etc/overdue/overdue.toml as a conffile. Installing does not start the
# service: its brand must be set first (`overdue check` says what is missing).
#   scripts/package-deb.sh            VERSION defaults to 0.2.0+gitN (N = commits)
#   apt install ./dist/overdue_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
version="${VERSION:-0.2.0+git$(git rev-list --count HEAD 2>/dev/null || echo 0)}"
swift build -c release --static-swift-stdlib --product overdue
bin="$(swift build -c release --show-bin-path)/overdue"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/overdue_${version}_amd64"
docs="$root/usr/share/doc/overdue"

install -D -m 0755 "$bin" "$root/usr/bin/overdue"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/overdue"
for unit in overdue.service overdue@.service; do
  install -d "$root/usr/lib/systemd/system"
  sed -e 's|/usr/local/bin/overdue|/usr/bin/overdue|' -e 's|/usr/local/share/doc|/usr/share/doc|' \
      -e 's|Install with scripts/install.sh, then|Installed by the Debian package; after setting the brand in the config:|' \
      "systemd/$unit" > "$root/usr/lib/systemd/system/$unit"
  chmod 0644 "$root/usr/lib/systemd/system/$unit"
done
install -d "$root/usr/share/overdue"
cp -r templates "$root/usr/share/overdue/"
install -d "$docs/examples"
install -m 0644 README.md docs/templates.md docs/PERFORMANCE.md "$docs/"
install -m 0644 examples/overdue.toml examples/reference.toml "$docs/examples/"
cp -r examples/inbox "$docs/examples/"
find "$root/usr/share" -type d -exec chmod 0755 {} + && find "$root/usr/share" -type f -exec chmod 0644 {} +
cat > "$docs/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: overdue
Source: the overdue repository

Files: *
Copyright: the overdue developers
License: proprietary
 All rights reserved by the overdue developers.
EOF
printf 'overdue (%s) unstable; urgency=medium\n\n  * Built by scripts/package-deb.sh.\n\n -- overdue developers <dev@overdue.invalid>  %s\n' \
  "$version" "$(date -R)" | gzip -9n > "$docs/changelog.gz"

# Man pages: overdue(1) and one per subcommand, from swift-argument-parser.
mkdir -p "$work/man"
swift package --allow-writing-to-directory "$work/man" generate-manual --multi-page --output-directory "$work/man" >/dev/null
install -d "$root/usr/share/man/man1"
for page in "$work/man"/*.1; do gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"; done

install -d "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d"
printf 'u overdue - "overdue payment-reminder daemon" /var/lib/overdue /usr/sbin/nologin\n' > "$root/usr/lib/sysusers.d/overdue.conf"
# The spool, and its inbox setgid and group-writable for the finance team.
printf 'd /var/lib/overdue 0750 overdue overdue -\nd /var/lib/overdue/inbox 2770 overdue overdue -\n' \
  > "$root/usr/lib/tmpfiles.d/overdue.conf"
chmod 0644 "$root/usr/lib/sysusers.d/overdue.conf" "$root/usr/lib/tmpfiles.d/overdue.conf"

install -d "$root/etc/overdue"
sed -e "s|@TEMPLATES@|/usr/share/overdue/templates|" -e "s|@DOCS@|/usr/share/doc/overdue/|g" systemd/overdue.toml \
  > "$root/etc/overdue/overdue.toml"
chmod 0640 "$root/etc/overdue/overdue.toml"

# Depends: what the binary links, as dpkg-shlibdeps finds it.
mkdir -p "$work/shlibs/debian"
printf 'Source: overdue\n\nPackage: overdue\nArchitecture: any\n' > "$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$root/usr/bin/overdue" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')

install -d "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<EOF
Package: overdue
Version: $version
Section: mail
Priority: optional
Architecture: amd64
Maintainer: overdue developers <dev@overdue.invalid>
Depends: $depends, systemd
Installed-Size: $(du -sk "$root" | cut -f1)
Homepage: https://overdue.invalid/
Description: payment-reminder daemon for businesses that sell on credit
 overdue reads invoice files dropped into an inbox, keeps a ledger of what
 is owed and sends pre-due, post-due and final-notice reminders by e-mail,
 SMS and signed webhooks, in the debtor's language and business hours,
 keeping every delivery in a spool directory a person can read.
EOF
echo /etc/overdue/overdue.toml > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# The user, the spool and the config's group; the service is not enabled or
# started: its brand must be set first (overdue check says what is missing).
set -e
if [ "$1" = configure ]; then
  systemd-sysusers overdue.conf
  systemd-tmpfiles --create overdue.conf
  chgrp overdue /etc/overdue/overdue.toml
  install -d -m 0700 /etc/overdue/credentials
  if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
  echo "overdue: set your brand in /etc/overdue/overdue.toml (overdue check), then: systemctl enable --now overdue"
fi
exit 0
EOF
cat > "$root/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  systemctl stop overdue.service 'overdue@*.service' || true
fi
exit 0
EOF
cat > "$root/DEBIAN/postrm" <<'EOF'
#!/bin/sh
# purge: the config's secrets and the spool (ledger, delivery log, messages)
# go; the overdue user stays, as Debian's policy asks of system users.
set -e
if [ "$1" = purge ]; then
  rm -rf /etc/overdue/credentials /var/lib/overdue
  rmdir /etc/overdue 2>/dev/null || true
fi
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
exit 0
EOF
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
mkdir -p dist
dpkg-deb --root-owner-group -Zxz --build "$root" "dist/overdue_${version}_amd64.deb" >/dev/null
echo "dist/overdue_${version}_amd64.deb"
