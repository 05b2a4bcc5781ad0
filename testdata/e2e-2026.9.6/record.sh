#!/usr/bin/env bash
# Record this scenario set with the real OpenClaw 2026.9.6 gateway (harness/, an adapted copy of the oracle's runtime-e2e
# recorder), or check that a fresh recording matches expected/.
#
#   testdata/e2e-2026.9.6/record.sh [--check] [SCENARIO...]
#
# It is testdata/e2e/record.sh (media set-up, the outbound-media path normalisation, --check) with this
# directory's scenarios, expected/ and recorder.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_SET_DIR="$HERE" OPENCLAW_E2E_DIR="$HERE/harness" exec "$HERE/../e2e/record.sh" "$@"
