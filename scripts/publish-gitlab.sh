#!/usr/bin/env bash
# Prepares a GitLab release of the component: prints the SRI `integrity:` value of
# gitlab/templates/build.yml (for `include: remote:` from a tagged release), and writes the
# catalog layout (templates/build.yml and README.md at the root) into a directory to push to the
# catalog project, whose release job then publishes the tag.
#   bash scripts/publish-gitlab.sh v0.1.0 [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:?usage: publish-gitlab.sh TAG [out-dir]}
out=${2:-gitlab/.catalog}
node_modules/.bin/node scripts/gitlab-template.mjs --check
echo "integrity: sha256-$(openssl dgst -sha256 -binary gitlab/templates/build.yml | base64 -w0)"
rm -rf "$out" && mkdir -p "$out/templates"
cp gitlab/templates/build.yml "$out/templates/build.yml"
cp gitlab/README.md "$out/README.md"
echo "catalog layout for $tag in $out: push it to the catalog project and tag it $tag"
