#!/usr/bin/env bash
# Moves the Action's major tag (v1) to a release's commit — forward only, the project's own rule
# for floating tags applied to itself: only when the release is the highest plain vX.Y.Z of its
# major among the repository's tags. A backport (v1.0.1 after v1.1.0) leaves v1 where it is; a
# pre-release is refused. The push is leased on where the major tag was, so a race with another
# release job fails instead of moving it back. Run by .github/workflows/release.yml.
#   bash scripts/major-tag.sh vX.Y.Z [remote]
set -euo pipefail
tag=${1:?usage: major-tag.sh vX.Y.Z [remote]}
remote=${2:-origin}
if ! [[ $tag =~ ^v([0-9]+)\.[0-9]+\.[0-9]+$ ]]; then
  echo "major-tag: '$tag' is not a release tag vX.Y.Z: a pre-release never moves the major tag" >&2
  exit 2
fi
git rev-parse -q --verify "refs/tags/$tag" >/dev/null || { echo "major-tag: there is no tag $tag here (fetch the tags: actions/checkout fetch-depth: 0)" >&2; exit 2; }
major=v${BASH_REMATCH[1]}
highest=$(git tag -l "$major.*" | grep -E "^$major\.[0-9]+\.[0-9]+$" | sort -V | tail -n 1)
if [ "$highest" != "$tag" ]; then
  echo "major-tag: $major stays where it is: $highest is higher than $tag"
  exit 0
fi
commit=$(git rev-parse "$tag^{commit}")
current=$(git rev-parse -q --verify "refs/tags/$major^{commit}" || true)
if [ "$current" = "$commit" ]; then
  echo "major-tag: $major is already at $tag"
  exit 0
fi
lease=$(git rev-parse -q --verify "refs/tags/$major" || true)
git tag -f "$major" "$commit" >/dev/null
git push --force-with-lease="refs/tags/$major:$lease" "$remote" "refs/tags/$major"
echo "major-tag: $major moved to $tag ($commit)"
