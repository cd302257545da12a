#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own servers on 127.0.0.1
# (aiosmtpd for SMTP, Python's http.server for webhooks), so set-up only
# installs them. Then the reliability harness in its short form (the SMTP
# fault matrix, a full disk, 1,000 bad inbox files); with arguments (a test
# filter) only swift test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh --test
swift build --build-tests
scripts/check-units.sh
swift test --skip-build "$@"
if [ $# -eq 0 ]; then
  .venv-test/bin/python3 Benchmarks/reliability.py "$(swift build --show-bin-path)/overdue" --quick
fi
