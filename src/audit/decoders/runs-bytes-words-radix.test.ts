// Property: a radix prefix whose digits are not that radix's (hex after `0b` or `0o`, as a digest's hex
// often begins) is no number — read as nothing, never an error the audit reports as a damaged container;
// a list of real `0b`/`0o` numbers is still read. Nearest real-world variant: an image's manifest
// annotation `org.opencontainers.image.base.digest: sha256:0b4982…` (round 18's big-number reader threw
// "Cannot convert 0b4982… to a BigInt" on it, and every such image was named not fully audited).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { readStretch } from './runs-bytes-words.js';
import { auditFiles, SECRET } from './testing.js';

const HEX = '0123456789abcdef';
const rng = seededPerTest(0x0b0);

describe('radix prefixes whose digits are another radix', () => {
  it('generated: 0b/0o/0B/0O then hex digits, alone or in lists — no error, nothing read from them', () => {
    for (let i = 0; i < 300; i++) {
      const word = () => `0${rng.pick(['b', 'o', 'B', 'O'])}${rng.pick(['2', '8', '9', 'a', 'f'])}${rng.chars(HEX, rng.int(18, 70))}`;
      const text = Array.from({ length: rng.int(1, 4) }, word).join(rng.pick([', ', ' ', '\n', ';']));
      expect(() => readStretch(text), text).not.toThrow();
    }
  });

  it('a real list of 0b words (16-bit, big-endian) beside a digest-like word is still read', () => {
    const b = Buffer.from(SECRET.length % 2 ? `${SECRET} ` : SECRET);
    const words = Array.from({ length: b.length / 2 }, (_, i) => `0b${b.readUInt16BE(2 * i).toString(2)}`).join(', ');
    const read = readStretch(`0b4982289094913693d22ad0a92f624f ${words}`).map((f) => f.bytes.toString('latin1'));
    expect(read.some((r) => r.includes(SECRET))).toBe(true);
  });

  it('an OCI config and annotations with digests beginning 0b and 0o: no finding at all', async () => {
    const digest = (lead: string) => `sha256:${lead}4982289094913693d22ad0a92f624f7cde5c8d9ac6a753941505ca1a6a61`;
    const annotations = JSON.stringify({
      'org.opencontainers.image.base.digest': digest('0b'),
      'org.opencontainers.image.revision': '0o9f8e7d6c5b4a39281706f5e4d3c2b1a0918273',
      layers: [digest('0b'), digest('0o'), digest('0B')],
    });
    expect(await auditFiles({ 'etc/image.json': annotations, 'etc/digests.txt': `${digest('0b')}\n${digest('0o')}\n` })).toEqual([]);
  });
});
