// Property: another tool's flag is answered with the Hoist flag that does the same thing IN THAT VERB — never one the
// verb does not take (the user types it and gets "no such flag" a second time). A habit's answer names only flags the
// verb declares. Nearest real-world variant: `hoist push out/layout -f Dockerfile` (docker push's neighbour, docker
// build's -f, typed out of habit) answered "the Dockerfile is --file PATH", and `hoist push … --file Dockerfile` is
// then "--file: no such flag"; `hoist push … --build-arg-file a.env` answered "--build-args", which push lacks.
import { describe, expect, it } from 'vitest';
import { habitOf } from './habits.js';
import { VERB_TABLE } from './verbs/index.js';
import { flagsOf } from './verbs/verb.js';

const HABITS = [
  '-t',
  '--tag',
  '-f',
  '--secret',
  '-o',
  '--output',
  '--iidfile',
  '--metadata-file',
  '--digestfile',
  '--build-arg-file',
  '--to',
  '--dest',
  '--destination',
  '--from',
  '--src',
  '--all',
  '--multi-arch',
  '-u',
  '-p',
  '--username',
  '--password',
  '--password-stdin',
  '--creds',
  '--src-creds',
  '--dest-creds',
  '--authfile',
  '--tls-verify',
  '--src-tls-verify',
  '--dest-tls-verify',
  '--insecure',
  '--insecure-registry',
  '--cert-dir',
  '--dest-cert-dir',
  '--cacert',
];

describe('a habit is answered with flags the verb takes', () => {
  it.each(VERB_TABLE.filter((v) => v.name !== 'completion').map((v) => [v.name, v] as const))('%s', (_name, verb) => {
    const own = new Set(flagsOf(verb));
    const foreign: string[] = [];
    for (const flag of HABITS) {
      const answer = habitOf(verb.name, flag) ?? '';
      // The flags the answer tells the user to write (`--file PATH`), not the habit it names (`docker build's --tag`,
      // `leave --all out`), another verb's (`hoist build --file`) nor a Dockerfile's own syntax (`RUN --mount=type=secret`).
      const named = [...answer.matchAll(/(?<!'s |leave |RUN |hoist build )(--[a-z0-9-]+)(?!=)/g)].map((m) => m[1]!);
      for (const n of named) if (!own.has(n)) foreign.push(`${flag} → ${n}`);
    }
    expect(foreign).toEqual([]);
  });
});
