// A registry that could not be reached in the middle of a push to several (one of two down: the other is pushed, exit
// 3) says what to check, as the login check before the push does for one alone; another failure keeps its own words.
// Nearest real-world variant: a self-hosted mirror down while ghcr.io takes the push.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeReport } from './engine.js';
import type { RegistryReport } from './types.js';

const report = (error: Error): RegistryReport =>
  ({ host: '127.0.0.1:9', registry: '127.0.0.1:9', repositories: ['team/app'], digest: 'sha256:0', references: [], error }) as unknown as RegistryReport;

/** The error Node gives a connection to a port nobody listens on (ECONNREFUSED). */
const refused = () =>
  new Promise<Error>((resolve) => {
    const socket = connect(9, '127.0.0.1');
    socket.on('error', resolve);
  });

describe('describeReport: a failed registry line', () => {
  it('names the fix where nothing listens, and keeps other failures as they are', async () => {
    const e = await refused();
    expect(describeReport(report(new Error(`HEAD /v2/team/app/blobs/sha256:0 failed: ${e.message}`)))).toBe(
      `127.0.0.1:9/team/app: FAILED — HEAD /v2/team/app/blobs/sha256:0 failed: connect ECONNREFUSED 127.0.0.1:9: check that the registry runs there and that the host and port are right (behind a proxy: HTTPS_PROXY, NO_PROXY)`,
    );
    expect(describeReport(report(new Error('401 Unauthorized')))).toBe('127.0.0.1:9/team/app: FAILED — 401 Unauthorized');
  });
});
