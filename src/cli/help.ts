/**
 * The help pages' shared parts: every verb with its summary, each verb's examples, the exit-code
 * table, and "did you mean" for a mistyped verb or flag (the nearest by edit distance).
 */
import { COMMANDS } from './args.js';

export const VERBS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(COMMANDS).map(([name, c]) => [name, c.summary])),
  tags: 'list, delete (only the tags named) or prune the tags of a repository',
  audit: 'the pre-push audit on an image already in a registry, or an OCI layout',
  inspect: 'what an image in a registry is: digest, platforms, config, labels, base, size, referrers',
  verify: 'whether an image carries a cosign signature by one of the given public keys, or keyless by a certificate identity (exit 0, else 1)',
  completion: 'print a shell completion script (bash, zsh or fish) from the same flag table',
};

export const EXIT_CODES = [
  'Exit codes (every command):',
  '  0    done',
  '  1    the check found something: a secret in the image, a stale image, a base image or release tag the policy refuses',
  '  2    usage or input error, before anything ran: a flag, a value, a missing file, no builder',
  '  3    could not check or could not finish: network, login, a registry that refused, a failed build step',
  '  130  cancelled by SIGINT (Ctrl-C); 143 by SIGTERM',
].join('\n');

export const EXAMPLES: Record<string, string[]> = {
  build: [
    'hoist build --images registry.acme/team/app --secret-files token=token.txt',
    'HOIST_REGISTRY_AUTH="registry.acme=ci:$PASSWORD" hoist build --images registry.acme/team/app --json | jq -r .outputs.digest',
    'hoist build --images registry.acme/team/app --push=false --load   # build and test locally first',
  ],
  promote: ['hoist promote --source registry.acme/team/app@sha256:… --destinations prod.acme/app --tags 1.4.2 --tags stable'],
  push: [
    'hoist build --images registry.acme/team/app --push=false --load --outputs type=oci,dest=out/layout   # build once',
    'docker run --rm registry.acme/team/app:1.4.2 ./run-tests                                              # test it',
    'hoist push out/layout --images registry.acme/team/app --version 1.4.2                               # push what was tested',
  ],
  merge: ['hoist merge --images registry.acme/team/app --sources-dir digests/ --version 1.4.2'],
  stale: [
    'hoist stale --images registry.acme/team/app:1.4.2 --images registry.acme/team/worker   # exit 1: rebuild what it prints',
    'hoist stale --hierarchy images.yml --json | jq -r ".outputs.stale[]"',
  ],
  tags: [
    'hoist tags list registry.acme/team/app | head -5',
    'hoist tags delete registry.acme/team/app:pr-41 registry.acme/team/app:pr-42',
    'hoist tags prune registry.acme/team/app --keep 20 --match "sha-*" --dry-run',
  ],
  audit: ['HOIST_AUDIT_VALUES="$DEPLOY_TOKEN" hoist audit registry.acme/team/app:1.4.2', 'hoist audit ./layout --audit-values-file values.txt --json'],
  verify: [
    'hoist verify registry.acme/team/app:1.4.2 --key cosign.pub && deploy   # exit 1: unsigned, or not by this key',
    'hoist verify registry.acme/team/app@sha256:… --key cosign.pub --json | jq .verified',
    "hoist verify registry.acme/team/app:1.4.2 --certificate-identity-regexp '^https://github.com/acme/' --certificate-oidc-issuer https://token.actions.githubusercontent.com --trusted-root trusted_root.json",
  ],
  completion: [
    'source <(hoist completion bash)   # in ~/.bashrc',
    'source <(hoist completion zsh)    # in ~/.zshrc',
    'hoist completion fish | source    # in ~/.config/fish/config.fish',
  ],
  inspect: [
    'hoist inspect registry.acme/team/app:1.4.2',
    'hoist inspect registry.acme/team/app:1.4.2 --json | jq -r .digest',
    'hoist inspect registry.acme/team/app:1.4.2 --raw manifest | sha256sum   # the digest, from the bytes as served',
    'hoist inspect registry.acme/team/app:1.4.2 --platform linux/arm64 --raw config | jq .config.Env',
  ],
};

export const examples = (verb: string) => ['', 'Examples:', ...(EXAMPLES[verb] ?? []).map((e) => `  ${e}`)].join('\n');

/** Levenshtein distance, for suggestions among a few dozen names. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate nearest `word` (within a third of its length, at least 2 edits, or a prefix), if any. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const best = candidates.map((c) => ({ c, d: c.startsWith(word) && word.length >= 3 ? 0.5 : distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

export function topHelp(version: string): string {
  return [
    `hoist ${version}: build, audit and push container images; look after what is in the registries`,
    '',
    'Usage: hoist <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(VERBS).map(([name, summary]) => `  ${name.padEnd(12)}${summary}`),
    '',
    'hoist help <command> (or hoist <command> --help) shows its flags and examples.',
    'Everywhere: --json (results as JSON on stdout), -q/--quiet (warnings and errors only), NO_COLOR=1 (no colours).',
    'Results go to stdout, everything else to stderr.',
    '',
    EXIT_CODES,
  ].join('\n');
}
