#!/usr/bin/env bash
# Builds overdue and runs its main job once on the bundled example
# (examples/overdue.toml + examples/inbox/) with the embedded defaults: a
# fresh spool in .demo/spool, mail into a Maildir, no server needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
swift build --product overdue
bin="$(swift build --show-bin-path)/overdue"

rm -rf .demo
mkdir -p .demo/spool/inbox
cp examples/overdue.toml .demo/
cp examples/inbox/* .demo/spool/inbox/
# The example invoices fall due around early December 2026; act as if it were then.
"$bin" --config .demo/overdue.toml run --once --now "${OVERDUE_DEMO_NOW:-2026-12-02T10:00:00Z}"
echo
"$bin" --config .demo/overdue.toml status
echo
echo "delivery log (.demo/spool/log/):"
cat .demo/spool/log/*.jsonl
