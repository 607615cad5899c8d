// Property: OpenPGP's compressed data packet, whose raw deflate has no magic number, is claimed only where what it
// inflates to begins with an OpenPGP packet — bytes that merely begin with a packet's header (0xC8, a length, 0x01: an
// old- or new-format header and the ZIP algorithm) and inflate by chance are read as they are, never named a damaged
// stream. Nearest real-world variant: a git delta written as it is (its base not kept) whose 14 instruction bytes begin
// c8 bf 01 — in a clean .git of this repository, named "a damaged deflate stream (unexpected end of file)". And what
// GnuPG writes is still read: `gpg --store -z 6` (literal data inside) found, and cut short, named.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { openpgp } from './openpgp.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0x96c8);

const store = (text: string) =>
  tool('sh', ['-c', 'export GNUPGHOME="$PWD/g" && mkdir -m 700 g && gpg -q --batch --store -z 6 -o out.gpg app.conf && cat out.gpg'], {
    'app.conf': text,
  });

describe('OpenPGP compressed data: chance headers', () => {
  it("a git delta's instruction bytes that begin like a compressed packet: no finding", async () => {
    expect(await auditFiles({ 'app/.git/objects/pack/pack-1.pack!/@983179 (delta)': Buffer.from('c8bf019abf01b0250cb3530c7553', 'hex') })).toEqual([]);
  });

  it('random bodies after a compressed packet header: at most 1 in 400 claimed (310 of 20,000 were before)', () => {
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) {
      const head = i % 2 ? Buffer.from([0xc8, 191, 1]) : Buffer.from([0xa3, 1]);
      if (openpgp.sniff(Buffer.concat([head, rng.bytes(6 + (i % 55))]), 'x.bin')) claimed++;
    }
    expect(claimed).toBeLessThan(50);
  });

  it.skipIf(!has('gpg'))('real world: gpg --store -z 6 read (the value found), and cut short, named', async () => {
    const stored = store(`${'x'.repeat(3000)}\napi_key=${SECRET}\n`);
    expect(stored.includes(SECRET)).toBe(false);
    expect((await auditFiles({ 'etc/app.conf.gpg': stored })).map((f) => `${f.severity} ${f.path}`)).toEqual(['leak etc/app.conf.gpg!']);
    const cut = await auditFiles({ 'etc/app.conf.gpg': stored.subarray(0, Math.floor(stored.length / 2)) });
    expect(cut.map((f) => f.severity)).toContain('limit');
  });
});
