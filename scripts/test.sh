#!/usr/bin/env bash
# Everything the tests need, then the tests: type check, dist/ freshness, unit and integration.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# The project's Node 24 first: npm's scripts and every tool's `#!/usr/bin/env node` run on it.
export PATH="$PWD/node_modules/.bin:$PATH"
npm test
