#!/usr/bin/env bash
# Prepares a GitLab release of the components: prints the SRI `integrity:` value of each template
# (for `include: remote:` from a tagged release), and writes the catalog's component project —
# templates/{build,promote,prune}.yml and a README.md with each component's inputs — into a
# directory to push to the catalog project and tag (scripts/catalog.mjs; plain semver: 1.2.3).
#   bash scripts/publish-gitlab.sh 0.1.0 [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:?usage: publish-gitlab.sh TAG [out-dir]}
out=${2:-gitlab/.catalog}
node_modules/.bin/node scripts/gitlab-template.mjs --check
for t in build promote prune; do
  echo "$t integrity: sha256-$(openssl dgst -sha256 -binary "gitlab/templates/$t.yml" | base64 -w0)"
done
node_modules/.bin/node scripts/catalog.mjs "$tag" "$out"
