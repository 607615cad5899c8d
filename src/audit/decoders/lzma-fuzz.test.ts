// Property: the LZMA-family decoders never throw, hang or pass damage silently: any truncation of a
// real .lzma file, LZMA2 stream, 7z archive or LZMA zip member, and any bit flips in them, end in
// bounded time with either the content or a `limit` finding — a truncation always with a limit
// finding (or, for a zip, none of the cut member read as whole) and never a crash of the audit.
// Nearest real-world variants: a download cut short (`curl` without -f), a corrupted backup, a
// layer whose file was truncated by a full disk during the build.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lzma2Run } from './lzma2.js';
import { auditFiles, has, SECRET } from './testing.js';
import { steadyEnv, steadyTool as tool } from './steady.testing.js';

const env = Buffer.from(`# credentials\nDB_PASSWORD=${SECRET}\n`.repeat(40) + 'x'.repeat(3000));
const lzma = execFileSync('xz', ['--format=lzma', '-c'], { input: env, env: steadyEnv() });
const lzma2 = execFileSync('xz', ['--format=raw', '--lzma2=dict=64KiB', '-c'], { input: env, env: steadyEnv() });
const sevenZ = has('7zz') ? tool('7zz', ['a', '-bd', '-bso0', 'out.7z', 'conf'], { 'conf/.env': env }, 'out.7z') : undefined;

/** `bytes` with each [offset, bit] flipped. */
const flipped = (bytes: Buffer, flips: Array<[number, number]>) => {
  const out = Buffer.from(bytes);
  for (const [at, bit] of flips) out.writeUInt8(out.readUInt8(at % out.length) ^ (1 << bit), at % out.length);
  return out;
};
const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 });
const severities = (findings: Array<{ severity: string }>) => new Set(findings.map((f) => f.severity));

describe('LZMA-family decoders on damaged input', { timeout: 120_000 }, () => {
  it('a .lzma file cut anywhere: a limit finding; bit flips: the content or a limit, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 14, max: lzma.length - 1 }), async (cut) => {
        const findings = await auditFiles({ 'srv/dump.lzma': lzma.subarray(0, cut) });
        expect(findings.some((f) => f.severity === 'limit' && f.path === 'srv/dump.lzma')).toBe(true);
      }),
      { numRuns: 15 },
    );
    await fc.assert(
      fc.asyncProperty(flips, async (f) => {
        const findings = await auditFiles({
          'srv/dump.lzma': flipped(
            lzma,
            f.map(([at, bit]) => [14 + (at % (lzma.length - 14)), bit]),
          ),
        });
        expect([...severities(findings)].every((s) => s === 'leak' || s === 'limit')).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('an LZMA2 stream cut or flipped anywhere, fed in chunks: the decoder reports damage, returns, never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: lzma2.length - 1 }), flips, fc.integer({ min: 1, max: 5000 }), async (cut, f, chunk) => {
        const decode = async (input: Uint8Array) => {
          const failures: string[] = [];
          let out = 0;
          const run = lzma2Run(
            16,
            undefined,
            async (b) => ((out += b.length), true),
            (why) => failures.push(why),
          );
          for (let i = 0; i < input.length; i += chunk) await run.push(input.subarray(i, i + chunk));
          await run.end();
          return { failures, out };
        };
        const cutRun = await decode(lzma2.subarray(0, cut));
        expect(cutRun.failures.length).toBeGreaterThan(0);
        expect((await decode(flipped(lzma2, f))).out).toBeLessThanOrEqual(32 << 20);
      }),
      { numRuns: 60 },
    );
  });

  it.skipIf(!sevenZ)('a 7z archive cut or flipped anywhere: a limit finding or the content, never a throw', async () => {
    const archive = sevenZ!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 6, max: archive.length - 1 }), flips, async (cut, f) => {
        const cutFindings = await auditFiles({ 'srv/b.7z': archive.subarray(0, cut) });
        expect(cutFindings.some((x) => x.severity === 'limit')).toBe(true);
        const flipFindings = await auditFiles({ 'srv/b.7z': flipped(archive, f) });
        expect([...severities(flipFindings)].every((s) => s === 'leak' || s === 'limit')).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it.skipIf(!has('python3'))('a zip with an LZMA member, bit-flipped in its data: the content or a limit naming the member', async () => {
    const zip = tool(
      'python3',
      ['-c', "import zipfile\nwith zipfile.ZipFile('out.zip', 'w', zipfile.ZIP_LZMA) as z:\n  z.write('conf.env')"],
      { 'conf.env': env },
      'out.zip',
    );
    const data = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
    await fc.assert(
      fc.asyncProperty(flips, async (f) => {
        const findings = await auditFiles({
          'srv/p.zip': flipped(
            zip,
            f.map(([at, bit]) => [data + (at % (zip.readUInt32LE(18) - 1)), bit]),
          ),
        });
        for (const x of findings) expect(x.severity === 'leak' || (x.severity === 'limit' && x.path.startsWith('srv/p.zip'))).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
