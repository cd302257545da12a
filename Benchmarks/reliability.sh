#!/usr/bin/env bash
# The reliability harness, one command (issue 10): kill -9 during dispatch,
# the SMTP fault matrix with smtp-sink, a full disk, and 10,000 bad inbox
# files; prints a summary table. See Benchmarks/reliability.py.
#   Benchmarks/reliability.sh           full sizes (about 15 minutes)
#   Benchmarks/reliability.sh --quick   what CI runs (about 1 minute)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh --test >/dev/null
swift build --build-tests >/dev/null
exec .venv-test/bin/python3 Benchmarks/reliability.py "$(swift build --show-bin-path)/overdue" "$@"
