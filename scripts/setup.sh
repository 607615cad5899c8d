#!/usr/bin/env bash
# Set-up shared by the demo and the tests, on a fresh Debian machine as root: the test lab (system
# packages, dockerd, registries, sshd) and the project's own toolchain (Node 24 comes from npm).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The toolchain first, so the lab's own Node programs (the token issuer) run on Node 24 too.
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node_modules/.bin/node --version | grep '^v24\.' >/dev/null || { echo "setup: node_modules/.bin/node is not Node 24" >&2; exit 1; }
# The oldest Node package.json's engines allows, beside it: the CLI's tests run on it too (npm run test:oldest-node).
OLDEST=$(node_modules/.bin/node -p "require('./package.json').engines.node.match(/\d+\.\d+\.\d+/)[0]")
if [ "$(node_modules/.node-oldest/node_modules/.bin/node --version 2>/dev/null)" != "v$OLDEST" ]; then
  npm install --prefix node_modules/.node-oldest --no-save --no-package-lock --no-audit --no-fund "node@$OLDEST"
fi
bash test/lab/lab.sh up
