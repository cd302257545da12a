#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own servers on 127.0.0.1
# (aiosmtpd for SMTP, Python's http.server for webhooks), so set-up only
# installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh --test
swift build --build-tests
scripts/check-units.sh
swift test --skip-build "$@"
