#!/usr/bin/env bash
# The main job, end to end on this machine: build examples/demo with a secret through BuildKit,
# then push its fanned-out release tags to two lab registries (plain HTTP, and TLS with the lab
# CA + a password), exactly as a GitHub runner runs the action: INPUT_* variables and
# GITHUB_OUTPUT/GITHUB_STATE files, main step then post step. skopeo then shows what landed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# Every node this script starts, directly or through a tool's `#!/usr/bin/env node`, is the
# project's Node 24 (node_modules/.bin/node), whatever Node the machine has on its PATH.
export PATH="$ROOT/node_modules/.bin:$PATH"
bash scripts/setup.sh >/dev/null
LAB=$(node_modules/.bin/node -p 'JSON.stringify(require(process.argv[1]))' "${HOIST_LAB_DIR:-/var/tmp/hoist-lab}/lab.json")
fact() { node_modules/.bin/node -e "const l=$LAB; console.log($1)"; }
PLAIN=$(fact l.registries.plain.host) TLS=$(fact l.registries.tls.host)
TLS_USER=$(fact l.registries.tls.username) TLS_PWFILE=$(fact l.registries.tls.passwordFile) CA=$(fact l.registries.tls.ca)
CERT_DIR=$(fact l.registries.tls.certDir) DOCKER_SOCK=$(fact l.docker.host)
VERSION=${DEMO_VERSION:-2.1.106}
BACKPORT=${DEMO_BACKPORT:-2.0.9}

runner=$(mktemp -d /tmp/hoist-demo-runner.XXXXXX); chmod 700 "$runner"
trap 'rm -rf "$runner"' EXIT
mkdir "$runner/temp"; : >"$runner/output"; : >"$runner/state"; : >"$runner/summary"; : >"$runner/env"

step() { # main or post, and the version: the runner's environment for this action; secrets only in the environment
  local VERSION=$2
  (
    export PATH=/usr/bin:/bin:/usr/sbin:/sbin DOCKER_HOST="$DOCKER_SOCK" CI=true GITHUB_ACTIONS=true
    export GITHUB_WORKSPACE="$ROOT" RUNNER_TEMP="$runner/temp" GITHUB_REF="refs/tags/v$VERSION" GITHUB_SHA=$(git rev-parse HEAD 2>/dev/null || echo 0000000)
    export GITHUB_OUTPUT="$runner/output" GITHUB_STATE="$runner/state" GITHUB_STEP_SUMMARY="$runner/summary" GITHUB_ENV="$runner/env"
    # Runner input names hold '-' (INPUT_TAG-LATEST), which bash cannot export: scripts/local-runner.mjs
    # renames DEMO_INPUT_TAG_LATEST inside node, so no value passes through argv.
    export DEMO_INPUT_IMAGES="$PLAIN/demo/app
$TLS/demo/app"
    export DEMO_INPUT_CONTEXT=examples/demo DEMO_INPUT_TAG_LATEST=auto DEMO_INPUT_PUSH=true DEMO_INPUT_RETRIES=3
    # The demo releases the same versions from every commit of this repository into a lab that
    # keeps its registries: release tags of an earlier commit's run may move (a real release would
    # keep protect, the default, and be refused).
    export DEMO_INPUT_RELEASE_TAGS=overwrite
    export DEMO_INPUT_SECRETS="demo_token=demo-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
    export DEMO_INPUT_REGISTRY_AUTH="$TLS=$TLS_USER:$(cat "$TLS_PWFILE")"
    export DEMO_INPUT_REGISTRY_CA="$TLS=$CA" DEMO_INPUT_INSECURE_REGISTRIES="$PLAIN"
    exec "$ROOT/node_modules/.bin/node" "$ROOT/scripts/local-runner.mjs" "$1"
  ) | { grep -v '^::add-mask::' || true; }
}

echo "== hoist: build examples/demo (version $VERSION) and push to $PLAIN and $TLS"
step main "$VERSION"
step post "$VERSION"
release=$(sed -n '/^digest<</{n;p}' "$runner/output")
echo
echo "== a backport: $BACKPORT, built after $VERSION — its own line's tags move, ${VERSION%%.*} and latest stay on $VERSION"
: >"$runner/output"; : >"$runner/state"
step main "$BACKPORT"
step post "$BACKPORT"
backport=$(sed -n '/^digest<</{n;p}' "$runner/output")
echo
echo "== outputs"
echo "digest of $VERSION:  $release"
echo "digest of $BACKPORT:    $backport"
echo
echo "== what the registries hold (skopeo)"
auth="$runner/auth.json"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$TLS" "$(printf '%s:%s' "$TLS_USER" "$(cat "$TLS_PWFILE")" | base64 -w0)" >"$auth"; chmod 600 "$auth"
v=$VERSION b=$BACKPORT
for tag in "$v" "${v%.*}" "${v%%.*}" latest "$b" "${b%.*}"; do
  printf '%-40s %s\n' "$PLAIN/demo/app:$tag" "$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$PLAIN/demo/app:$tag")"
  printf '%-40s %s\n' "$TLS/demo/app:$tag" "$(skopeo inspect --cert-dir "$CERT_DIR" --authfile "$auth" --format '{{.Digest}}' "docker://$TLS/demo/app:$tag")"
done
echo
echo "== the image runs"
DOCKER_HOST="$DOCKER_SOCK" /usr/bin/docker run --rm "$PLAIN/demo/app:$v"
echo
echo "== the six scenarios of ../shared/SCENARIOS.md, one app each under examples/ (built, audited, pushed, checked)"
node_modules/.bin/vitest run --project integration test/integration/examples.test.ts --reporter verbose 2>&1 | grep -E '✓|×|Tests'
