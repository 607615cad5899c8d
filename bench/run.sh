#!/usr/bin/env bash
# Runs the benchmarks: push (against the lab registries, side by side with skopeo and docker push;
# BENCH_SIZE_MIB, default 512) and audit (against gzip -dc of the same layers; BENCH_AUDIT_MIB,
# default 1024). `bash bench/run.sh [push|audit]` runs one; without an argument, both. Sets up what
# it needs (the lab, GNU time, node_modules), bundles each with esbuild, runs it on Node 24.
# `bash bench/run.sh bundle` measures dist/ itself: bytes loaded at start and cold start vs bare node.
# `bash bench/run.sh cold-start`: the Action's cold start split: without the second start, with Node's compile cache, the post step.
# `bash bench/run.sh base`: an image on a 200 MiB base pushed to a registry holding the base, next to docker push.
# `bash bench/run.sh hierarchy-jobs`: a 12-image family as CI jobs (4 at a time) vs one step, and a job's overhead.
# `bash bench/run.sh scale`: cost vs count — a hierarchy of 5, 10, 20 images built in one step, and one image
# pushed to 1, 10, 25, 50 registries (4 tags each); the marginal cost per image/registry, and whether it is linear.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
mkdir -p bench/.build
for bench in ${1:-push audit}; do
  [ -f "bench/$bench.ts" ] || { echo "no benchmark '$bench' (push, audit, base, bundle, cold-start, cli, hierarchy-jobs or scale)" >&2; exit 2; }
  node_modules/.bin/esbuild "bench/$bench.ts" --bundle --platform=node --format=esm --target=node24 --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
    --outfile="bench/.build/$bench.mjs"
  node_modules/.bin/node "bench/.build/$bench.mjs"
done
