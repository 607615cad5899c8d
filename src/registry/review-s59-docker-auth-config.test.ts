// Property (review s59, secrets in messages): GitLab's DOCKER_AUTH_CONFIG holding something that is neither a Docker
// config nor a file's path — a base64'd config (Kubernetes' .dockerconfigjson pasted as it is), a long token — is named
// without its value, whatever error reading it as a path gives (ENAMETOOLONG past 255 bytes, ENOTDIR under a file).
// Fails before the fix: a value past 255 bytes went to the read's error branch, which prints `DOCKER_AUTH_CONFIG=<value>
// cannot be read (ENAMETOOLONG)` — the registry password in base64 in the job log (2 of 2). Nearest real-world variant:
// a CI/CD variable set to `base64 -w0 ~/.docker/config.json`, as Kubernetes pull secrets are written.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFiles } from '../effects/files.js';
import { fetchDockerCredentials } from './credentials.js';

const config = JSON.stringify({
  auths: { 'registry.acme.internal:5000': { auth: Buffer.from('ci:s3cr3t-h7-review-registry-password-0a9b8c7d').toString('base64') } },
});
const file = join(mkdtempSync(join(tmpdir(), 'hoist-review-')), 'plain-file');
writeFileSync(file, 'x');

describe('DOCKER_AUTH_CONFIG that is neither JSON nor a file', () => {
  it.each([
    ['base64 of a Docker config (ENAMETOOLONG as a path)', Buffer.from(config + ' '.repeat(200)).toString('base64')],
    ['a token under a plain file (ENOTDIR as a path)', `${file}/glpat-h7reviewtoken0123456789`],
  ])('%s: a CredentialError naming DOCKER_AUTH_CONFIG, its value nowhere in it', async (_what, value) => {
    const sources = {
      env: { DOCKER_AUTH_CONFIG: value, HOME: '/nonexistent-home' },
      readFile: nodeFiles.readTextIfExists,
      runHelper: () => Promise.resolve(''),
    };
    const message = await fetchDockerCredentials('registry.acme.internal:5000', sources).then(
      () => 'no error',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    expect({ named: message.includes('DOCKER_AUTH_CONFIG'), leaked: message.includes(value) || message.includes(value.slice(0, 40)) }).toEqual({
      named: true,
      leaked: false,
    });
  });
});
