/**
 * One artifact of the audit corpus: a bash script that makes it with the real tool (git, dpkg-deb,
 * cpio, rpmbuild, brotli, zip, qpdf, tar, esbuild …) the way a pipeline makes it, the secret in the
 * place a pipeline puts it. The script runs in a scratch directory holding `secret` (the value,
 * mode 0600, never in argv or the environment) and writes the artifact into "$OUT", which becomes
 * a directory of the image's layer. The clean twin is the same script with another value of the
 * same shape, one the audit is not told about.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './layout.js';
import type { Shape } from './secrets.js';

export interface Artifact {
  /** A short name; also the artifact's directory in the layer (srv/<id>). */
  id: string;
  /** What it is and how it was made. */
  name: string;
  /** The nearest real-world variant, as the project's tests state it. */
  realWorld: string;
  shape: Shape;
  /** bash, `set -euo pipefail`; `S` holds the value, read from ./secret. */
  script: string;
  /** The path through the containers the finding must name (matched against the finding's `where`). */
  where: RegExp;
}

/**
 * The first stage of a pipeline in `script` that may stop reading before its writer has written
 * everything (`grep -q`, `grep -m`, `head`), or undefined. Under `pipefail` such a pipeline fails
 * with the writer's SIGPIPE only when the writer is slower than the reader: a flaky script (a jar's
 * `unzip -l | grep -q` failed one CI run in several).
 */
export function earlyQuitter(script: string): string | undefined {
  for (const m of script.matchAll(/(?<!\|)\|(?!\|)\s*([^|;&\n)]*)/g)) {
    const stage = m[1]!.trim();
    if (/^head\b/.test(stage)) return stage;
    if (/^[ef]?grep\b/.test(stage) && /\s(?:-[a-zA-Z]*[qm][a-zA-Z]*|--quiet|--silent|--max-count\b)/.test(` ${stage}`)) return stage;
  }
  return undefined;
}

/** Makes `a` with `secret` into `outDir`; its scratch directory goes when it is made. */
export async function makeArtifact(a: Artifact, secret: string, outDir: string, scratch: string): Promise<void> {
  const quitter = earlyQuitter(a.script);
  if (quitter)
    throw new Error(
      `corpus: '${a.id}' pipes into '${quitter}', which can quit before its writer is done; under pipefail the writer's SIGPIPE (exit 141) fails the script now and then. Read the whole input (grep … > /dev/null, cut) or write to a file first.`,
    );
  await mkdir(outDir, { recursive: true });
  await mkdir(scratch, { recursive: true });
  await writeFile(join(scratch, 'secret'), secret, { mode: 0o600 });
  try {
    execFileSync('bash', ['-c', `set -euo pipefail\nS=$(cat secret)\n${a.script}`], {
      cwd: scratch,
      env: {
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: scratch,
        OUT: outDir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'CI',
        GIT_AUTHOR_EMAIL: 'ci@example.com',
        GIT_COMMITTER_NAME: 'CI',
        GIT_COMMITTER_EMAIL: 'ci@example.com',
        SOURCE_DATE_EPOCH: '1700000000',
        LC_ALL: 'C.UTF-8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; status?: number };
    throw new Error(`corpus: making '${a.id}' failed (exit ${err.status}): ${String(err.stderr ?? '').slice(0, 1500)}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
