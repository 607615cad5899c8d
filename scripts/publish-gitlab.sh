#!/usr/bin/env bash
# Prepares a GitLab release of the components: prints the SRI `integrity:` value of each template
# (for `include: remote:` from a tagged release), and writes the catalog's component project —
# templates/{build,promote,merge,prune,stale}.yml (the runtime image pinned to each release), a README.md
# with each component's inputs, the runtime image's Dockerfile and bundle, and the .gitlab-ci.yml
# that tests every component and releases on the tag — into a directory to push to the catalog
# project and tag (scripts/catalog.mjs; plain semver: 1.2.3).
#   bash scripts/publish-gitlab.sh 0.1.0 [out-dir] [runtime-repository]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:?usage: publish-gitlab.sh TAG [out-dir]}
out=${2:-gitlab/.catalog}
node_modules/.bin/node scripts/gitlab-template.mjs --check
for t in build promote merge prune stale; do
  echo "$t integrity: sha256-$(openssl dgst -sha256 -binary "gitlab/templates/$t.yml" | base64 -w0)"
done
node_modules/.bin/node scripts/catalog.mjs "$tag" "$out" ${3:+"$3"}
