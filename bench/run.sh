#!/usr/bin/env bash
# Runs the push benchmarks against the lab registries, side by side with skopeo and docker push.
# Sets up what it needs (the lab, GNU time, node_modules), bundles bench/push.ts and runs it on the
# project's Node 24. BENCH_SIZE_MIB (default 512) sets the image size.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
mkdir -p bench/.build
node_modules/.bin/esbuild bench/push.ts --bundle --platform=node --format=esm --target=node24 --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile=bench/.build/push.mjs
exec node_modules/.bin/node bench/.build/push.mjs
