// Property: the members of a layer's archives are each inflated once, by one zlib engine for all of them, reset
// between members — not an engine each. An engine is a stream whose native handle lives until a full collection: one
// per member drove V8's mark-compacts (167 against 29 for the plain row of bench/audit.ts). Counted by Node's own
// resource events (async_hooks `init` of type ZLIB), not a mock: the audit of a jar and a .gz of 40 members makes no
// more engines than that of 10. Nearest real-world variants: a jar made by the JDK's `jar` (a data descriptor after
// each member), an Info-ZIP `zip` (sizes in the local header), a log rotated with `gzip -c >> app.log.gz`.
// And the one engine inflates as `inflateRawSync` did: the same output and input taken, the same failures (seeded).
import { createHook } from 'node:async_hooks';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeeds } from '../../../test/support/random.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { inflateAtOnce } from './zip-inflate.js';

/** zlib engines Node made while `run` ran (its ZLIB resources' `init` events). */
async function enginesDuring(run: () => Promise<unknown>): Promise<number> {
  let made = 0;
  const hook = createHook({ init: (_id, type) => void (type === 'ZLIB' && made++) });
  hook.enable();
  try {
    await run();
  } finally {
    hook.disable();
  }
  return made;
}

/** `n` text files, the secret in the last; each different, so no two members are alike. */
function texts(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++)
    files[`conf/part-${i}.properties`] = `${`key.${i}=value ${i} of the service configuration\n`.repeat(40)}${i === n - 1 ? `token=${SECRET}\n` : ''}`;
  return files;
}

/** A jar, a zip and a .gz of `n` members each, made by the real tools, audited: the engines made and what was found. */
async function auditMembers(n: number): Promise<{ engines: number; paths: string[] }> {
  const files = texts(n);
  const names = Object.keys(files);
  const archives: Record<string, Buffer> = {
    'app/lib/app.zip': tool('zip', ['-q', '-X', 'out.zip', ...names], files, 'out.zip'),
    'app/logs/app.log.gz': tool('sh', ['-c', 'for f in "$@"; do gzip -c "$f" >> out.gz; done', 'sh', ...names], files, 'out.gz'),
  };
  if (has('jar')) archives['app/lib/app.jar'] = tool('jar', ['cf', 'out.jar', ...names], files, 'out.jar');
  let found: Awaited<ReturnType<typeof auditFiles>> = [];
  const engines = await enginesDuring(async () => (found = await auditFiles(archives)));
  return { engines, paths: found.filter((f) => f.severity === 'leak').map((f) => f.path) };
}

describe('the members of archives are inflated by one zlib engine, reset between them', () => {
  it('a jar, a zip and a .gz of 40 members make no more engines than of 10; every member is read', async () => {
    const few = await auditMembers(10);
    const many = await auditMembers(40);
    // Every archive's last member holds the value: each archive read to its end (one engine did not lose a member).
    const expected = (n: number) =>
      [`app/lib/app.zip!/conf/part-${n - 1}.properties`, `app/logs/app.log.gz!`].concat(has('jar') ? [`app/lib/app.jar!/conf/part-${n - 1}.properties`] : []);
    expect(few.paths.sort()).toEqual(expected(10).sort());
    expect(many.paths.sort()).toEqual(expected(40).sort());
    // The old code made one engine per member: 30 × 3 more for 40 members than for 10.
    expect(many.engines).toBeLessThanOrEqual(few.engines);
  });
});

const SEEDS = testSeeds([20261205, 11, 4096]); // HOIST_TEST_SEED, when set, alone

describe.each(SEEDS)('inflateAtOnce inflates as inflateRawSync (seed %i)', (seed) => {
  it('gives the same output and input taken, and fails where it fails: cut, damaged, past its bound', () => {
    const random = mulberry32(seed);
    /** What inflateRawSync says of `input` as an attempt (the code `zip-inflate.ts` used before). */
    const oracle = (input: Buffer, max: number, chunkSize?: number) => {
      try {
        const r = inflateRawSync(input, { info: true, maxOutputLength: max, chunkSize }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
        return { out: r.buffer.toString('hex'), used: r.engine.bytesWritten };
      } catch (e) {
        const code = (e as { code?: string }).code;
        return code === 'Z_BUF_ERROR' ? 'more' : code === 'ERR_BUFFER_TOO_LARGE' ? 'large' : 'damaged';
      }
    };
    const ours = (input: Buffer, max: number, chunkSize?: number) => {
      const r = inflateAtOnce(input, max, chunkSize);
      return typeof r === 'object' ? { out: r.out.toString('hex'), used: r.used } : r;
    };
    const kinds = new Set<string>();
    for (let round = 0; round < 60; round++) {
      // Text (compresses), random bytes (stored blocks) or a mix; sizes from empty to 300 KB.
      const n = Math.floor(random() ** 2 * 300_000);
      const plain = Buffer.alloc(n);
      const textual = random() < 0.5;
      for (let i = 0; i < n; i++) plain[i] = textual ? 0x61 + Math.floor(random() * 8) : Math.floor(random() * 256);
      const stream = deflateRawSync(plain, { level: 1 + Math.floor(random() * 9) });
      const cases: Buffer[] = [
        stream,
        Buffer.concat([stream, Buffer.from('PK\x03\x04 the next record')]), // what follows a member
        stream.subarray(0, Math.floor(random() * stream.length)), // cut short
        Buffer.concat([stream.subarray(0, 2), Buffer.from([0xff, 0xff, 0xff]), stream.subarray(5)]), // damaged (or by chance not)
      ];
      for (const input of cases) {
        const max = random() < 0.2 ? Math.floor(random() * n) : 1024 * 1024;
        const chunkSize = random() < 0.5 ? Math.max(64, n + 1) : undefined;
        const expected = oracle(input, max, chunkSize);
        kinds.add(typeof expected === 'object' ? 'whole' : expected);
        expect(ours(input, max, chunkSize), `round ${round}, ${input.length} bytes, max ${max}`).toEqual(expected);
      }
    }
    // The draws met every outcome: a stream read whole, one cut short, one damaged, one past its bound.
    expect([...kinds].sort()).toEqual(['damaged', 'large', 'more', 'whole']);
  });
});
