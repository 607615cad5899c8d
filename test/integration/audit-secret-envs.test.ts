// `hoist audit --secret-envs ID=ENV_VAR` (build-push-action's `secret-envs` form: an id, then the
// name of the variable holding the value): its errors say that form and what a missing value means
// for an audit. Before, a malformed entry was told to be "ID=VALUE" — the form of `secrets`, which
// would put the token itself in argv — and an unset variable was "the build would run without it",
// from a verb that builds nothing. The real-world variant: a scheduled job's audit of images pushed
// long ago (scenario 8) with `--secret-envs npm=NPM_TOKEN`, the variable missing from the schedule's
// environment, or the entry written `--secret-envs NPM_TOKEN`. The image is the lab's busybox.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab } from './lab.js';

describe('hoist audit --secret-envs errors', () => {
  it.each([
    ['the variable alone', 'NPM_TOKEN', '--secret-envs: entry 1 is not ID=ENV_VAR'],
    [
      'an unset variable',
      'npm=NPM_TOKEN_UNSET',
      "--secret-envs: secret 'npm': the environment variable NPM_TOKEN_UNSET is not set; the audit could not look for its value",
    ],
  ])('%s: exit 2 with the flag, its form and what it means for the audit', async (_what, entry, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-audit-envs-'));
    const host = lab().registries.plain.host;
    const r = await hoist(['audit', `${host}/lab/busybox:1.36`, '--insecure-registries', host, '--secret-envs', entry], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/ID=VALUE|the build would/);
  });
});
