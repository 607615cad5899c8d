/**
 * Flags and arguments people type out of another tool's habit — docker build / buildx, podman and
 * buildah, skopeo, crane, docker login — answered with Hoist's way of saying the same thing. The
 * nearest flag by spelling was wrong for most of them: `--tag` got "did you mean --tag-channel?",
 * `--secret` "--secret-cache?", `--iidfile` "--file?"; `-t`, `-f`, `--password` and
 * `--tls-verify=false` got nothing. A habit's own value (a password after `--password`) is never
 * repeated: the message names the flag only.
 */

const TAGS = 'give the repository in --images and the tags in --tags or --version (a full reference in --tags, ghcr.io/acme/app:1.2, gives both)';
const LOGIN =
  'logins go in a file, never argv: --registry-auth-file PATH (REGISTRY=USERNAME:PASSWORD per line) or HOIST_REGISTRY_AUTH; a Docker config or REGISTRY_AUTH_FILE works as it is';
const TLS = 'name the registry instead: --insecure-registries HOST for plain HTTP, --registry-ca REGISTRY=PATH for TLS with a private CA (checks stay on)';
const OUTPUTS = '--json prints the outputs (digest, imageid, tags…) on stdout: hoist build … --json | jq -r .outputs.digest';

/** docker build's and buildx's flags, and buildah bud's, in a build or a push of a built image. */
const BUILD: Readonly<Record<string, string>> = {
  '-t': `docker build's -t: ${TAGS}`,
  '--tag': `docker build's --tag: ${TAGS}`,
  '-f': 'the Dockerfile is --file PATH',
  '--secret': "a secret for RUN --mount=type=secret is --secret-files ID=PATH or --secret-envs ID=VARIABLE (buildx's id=…,src=… and id=…,env=…)",
  '-o': 'an export is --outputs (type=oci,dest=out/layout; type=docker,dest=image.tar)',
  '--output': 'an export is --outputs (type=oci,dest=out/layout; type=docker,dest=image.tar)',
  '--iidfile': OUTPUTS,
  '--metadata-file': OUTPUTS,
  '--digestfile': OUTPUTS,
  '--build-arg-file': 'build arguments are --build-args NAME=VALUE, one per line or repeated',
};

/** skopeo copy's, crane copy's, and regctl's way of naming the two ends, in promote. */
const PROMOTE: Readonly<Record<string, string>> = {
  '--to': 'the repositories to copy to are --destinations (one per line or comma-separated)',
  '--dest': 'the repositories to copy to are --destinations (one per line or comma-separated)',
  '--destination': 'the repositories to copy to are --destinations (one per line or comma-separated)',
  '--from': 'the image to copy is --source REF (with a tag or @sha256:…)',
  '--src': 'the image to copy is --source REF (with a tag or @sha256:…)',
  '--all': 'every platform of an index is copied as it is: leave --all out',
  '--multi-arch': 'every platform of an index is copied as it is: leave --multi-arch out',
};

/** Logins and TLS settings, as skopeo, crane, podman and docker login take them: in every verb. */
const REGISTRY: Readonly<Record<string, string>> = {
  '-u': LOGIN,
  '-p': LOGIN,
  '--username': LOGIN,
  '--password': LOGIN,
  '--password-stdin': LOGIN,
  '--creds': LOGIN,
  '--src-creds': LOGIN,
  '--dest-creds': LOGIN,
  '--authfile': LOGIN,
  '--tls-verify': TLS,
  '--src-tls-verify': TLS,
  '--dest-tls-verify': TLS,
  '--insecure': TLS,
  '--insecure-registry': 'plain HTTP registries are --insecure-registries HOST (a name, several comma-separated)',
  '--cert-dir': 'a private CA is --registry-ca REGISTRY=PATH (the PEM file), one per line',
  '--dest-cert-dir': 'a private CA is --registry-ca REGISTRY=PATH (the PEM file), one per line',
  '--cacert': 'a private CA is --registry-ca REGISTRY=PATH (the PEM file), one per line',
};

/** push takes an image built earlier: a build's own flags are named as hoist build's, not as flags push lacks. */
const BUILT_EARLIER = 'push takes an image built earlier (an OCI layout or a docker archive): build it with hoist build';
const PUSH: Readonly<Record<string, string>> = {
  ...BUILD,
  '-f': `${BUILT_EARLIER} --file PATH`,
  '-o': `${BUILT_EARLIER} --outputs (type=oci,dest=out/layout), then push that`,
  '--output': `${BUILT_EARLIER} --outputs (type=oci,dest=out/layout), then push that`,
  '--build-arg-file': `${BUILT_EARLIER} --build-args NAME=VALUE`,
};

const BY_VERB: Readonly<Record<string, Readonly<Record<string, string>>>> = { build: BUILD, push: PUSH, promote: PROMOTE };

/** What `flag` (`--tag`, `-t`, `--tls-verify`), which `verb` does not declare, is in Hoist's words; undefined for none. */
export function habitOf(verb: string | undefined, flag: string): string | undefined {
  const own = verb === undefined ? undefined : BY_VERB[verb];
  return (own && Object.hasOwn(own, flag) ? own[flag] : undefined) ?? (Object.hasOwn(REGISTRY, flag) ? REGISTRY[flag] : undefined);
}

/** A word after a pipeline verb that no flag takes: `hoist build .`, `hoist promote SRC DEST`. */
export function strayArgument(verb: string, word: string): string {
  const base = `unexpected argument '${word}': every input is a flag (--name value)`;
  if (verb === 'build') return `${base}; docker build's context directory is --context ${word}`;
  if (verb === 'promote') return `${base}; skopeo copy's SRC DEST are --source REF --destinations REPO[,REPO…]`;
  if (verb === 'merge') return `${base}; the images to join are --sources (one per line), the repositories --images`;
  return base;
}
