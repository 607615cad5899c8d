// Property: a zlib stream with a preset dictionary (FDICT) is always named as not fully audited —
// the dictionary is not in the stream — and what it holds itself is read: a record compressed against
// a dictionary of its field names (Python's zlib.compressobj(zdict=…), as stores and protocols do)
// gives its value, which is its own literals, so the value is found as well. In any chunk sizes.
// Generated (seeded): records with values holding + / = & < > % " \ and non-ASCII, dictionaries of
// their upper-case keys, levels 1-9, windows 9-15, by the real zlib (python3). Text that begins with the header's
// two bytes by chance (`x `, `x?`, `x}`) is not claimed, nor a zlib stream without FDICT, nor random
// bytes behind an FDICT header; through the audit the leaky record is found and named, its clean twin named only.
import { execFileSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { auditFiles, SECRET } from './testing.js';
import { probeZlibDict, zlibDict } from './zlib-dict.js';

const rng = seededPerTest(0xfd1c);
/** Values share no three bytes with the dictionary (upper-case keys), nor do they with `"}` after them: every byte of them is the record's own literal. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\é台€';
const KEYS = '{"SERVICE":"BILLING","REGION":"EU-WEST-1","LEVEL":"INFO","API_TOKEN":"';

/** Records compressed by python3's zlib against `dict` (level, window): the values on stdin, never in argv. */
function compress(records: string[], dict: string, level: number, wbits: number): Buffer[] {
  const script = `import sys, zlib, json
a = json.load(sys.stdin)
for r in a['records']:
    c = zlib.compressobj(a['level'], zlib.DEFLATED, a['wbits'], 9, zlib.Z_DEFAULT_STRATEGY, a['dict'].encode())
    sys.stdout.write((c.compress(r.encode()) + c.flush()).hex() + '\\n')`;
  const out = execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ records, dict, level, wbits }) }).toString();
  return out
    .trim()
    .split('\n')
    .map((h) => Buffer.from(h, 'hex'));
}

describe(`zlib streams with a preset dictionary (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  it("named, and a value in the record's own literals read back in random chunk sizes", async () => {
    for (let k = 0; k < 10; k++) {
      const values = Array.from({ length: 6 }, () => rng.chars(ALPHABET, rng.int(12, 60)));
      const records = values.map((v) => `${KEYS}${v}"}`);
      const streams = compress(records, KEYS.repeat(rng.int(1, 4)), rng.int(1, 9), rng.int(9, 15));
      for (const [i, s] of streams.entries()) {
        expect(s.includes(Buffer.from(values[i]!)), 'a value must not be plain in its stream').toBe(false);
        const chunk = rng.pick([1, 3, 6, 7, 64, s.length]);
        const { out, limits } = await decodeWith(zlibDict, s, { chunk });
        expect(zlibDict.sniff(s.subarray(0, 512), 'x'), `record ${i}`).toBe(true);
        // A run decoded from text is no record (a JDK class's base64 runs start with the header by chance): not claimed.
        expect(zlibDict.sniff(s.subarray(0, 512), 'lib/x.jmod!/classes/X.class!(base64 at 273)'), `record ${i} as a run`).toBe(false);
        expect(out.includes(Buffer.from(values[i]!)), `chunks of ${chunk}`).toBe(true);
        expect(limits).toEqual([expect.stringMatching(/^a zlib stream with a preset dictionary \(FDICT, the dictionary's Adler-32 [0-9a-f]{8}\)/)]);
      }
    }
  });

  it('text with the header by chance, zlib without FDICT and random bytes behind the header are not claimed', () => {
    const words = ['name', 'value', '=', '1', 'true', 'return', 'the', '{', '}', '\n', '  ', 'x', 'y', ';', '"a"'];
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: 120 }, () => rng.pick(words)).join(rng.pick([' ', '']));
      if (probeZlibDict(Buffer.from(`x${rng.pick([' ', '?', '}'])}${text}`))) claimed++;
      const head = rng.bytes(512);
      head[0] = 0x78;
      head[1] = rng.pick([0x20, 0x3f, 0x7d, 0xbb, 0xf9]);
      if (probeZlibDict(head)) claimed++;
    }
    expect(claimed).toBe(0);
    for (let level = 0; level <= 9; level++) expect(zlibDict.sniff(deflateSync(rng.bytes(2000), { level }), 'x')).toBe(false);
  });

  it('through the audit: the leaky record found and named, its clean twin named only', async () => {
    const [leaky, clean] = compress([`${KEYS}${SECRET}"}`, `${KEYS}an-other-value-of-the-same-length+/="}`], KEYS.repeat(4), 9, 15);
    const found = await auditFiles({ 'srv/record.z': leaky!, 'srv/clean.z': clean! });
    expect(found.map((f) => `${f.severity} ${f.path}`).sort()).toEqual(['leak srv/record.z!', 'limit srv/clean.z!', 'limit srv/record.z!']);
  });
});
