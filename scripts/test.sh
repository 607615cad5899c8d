#!/usr/bin/env bash
# Everything the tests need, then the tests: type check, dist/ freshness, unit and integration.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
npm test
