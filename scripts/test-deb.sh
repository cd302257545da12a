#!/usr/bin/env bash
# Builds the Debian package and uses it as an administrator would (as root,
# on a machine where it may install and remove packages): lintian reports no
# error; `apt install` gives the binary, the user, the setgid inbox and the
# units, which `systemd-analyze verify` accepts; `overdue --help` and `man
# overdue` work; `check` refuses the placeholder brand; `apt remove` keeps
# the config and the spool; `apt purge` removes them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "run as root: it installs and purges the package" >&2; exit 1; }
command -v lintian >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lintian man-db >/dev/null
deb=$(scripts/package-deb.sh | tail -1)
fail() { echo "FAILED: $*" >&2; exit 1; }
if lintian "$deb" 2>/dev/null | grep '^E:'; then fail "lintian reports errors"; fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
/usr/bin/overdue --help | grep -q 'OVERVIEW' || fail "overdue --help"
man -P cat overdue 2>/dev/null | grep -q 'overdue' || fail "man overdue"
man -P cat overdue.run 2>/dev/null | grep -q 'dry-run' || fail "man overdue.run"
getent passwd overdue >/dev/null || fail "no overdue user"
[ "$(stat -c %a /var/lib/overdue/inbox)" = 2770 ] || fail "inbox mode $(stat -c %a /var/lib/overdue/inbox)"
systemd-analyze verify /usr/lib/systemd/system/overdue.service || fail "systemd-analyze verify"
if /usr/bin/overdue check 2>/tmp/overdue-check.txt; then fail "check accepted the placeholder brand"; fi
grep -q 'brand.name' /tmp/overdue-check.txt || fail "check did not name brand.name"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq overdue >/dev/null
[ ! -e /usr/bin/overdue ] && [ -e /etc/overdue/overdue.toml ] && [ -d /var/lib/overdue ] || fail "remove"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq overdue >/dev/null
[ ! -e /etc/overdue ] && [ ! -e /var/lib/overdue ] || fail "purge left files"
echo "package test: 1 passed, 0 failed"
