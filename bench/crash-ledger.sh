#!/usr/bin/env bash
# The ledger's crash test at length: kill -9 a serving node at random moments during a payment
# load, CYCLES times (default 200; the test suite runs 20), and after every restart check that
# every acknowledged payment is there and that `knooppunt ledger verify` passes (so no payment
# that went unanswered is half-applied). It is the suite's own test, CoinEndToEndTests
# .acknowledgedPaymentsSurviveKill9, run with more cycles.
#
#   bench/crash-ledger.sh [CYCLES]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"

cycles="${1:-200}"
scripts/setup.sh
swift build --build-tests
KNOOPPUNT_CRASH_CYCLES="$cycles" swift test --skip-build --filter 'CoinEndToEndTests/acknowledgedPaymentsSurviveKill9'
