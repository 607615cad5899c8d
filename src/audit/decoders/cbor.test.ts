// Property: a CBOR file (made by python3-cbor2) holding, as a byte string, a value compressed with a magicless stream —
// brotli, raw deflate, raw LZMA2 — has that value decoded (value-streams.ts `valuesOnward`), with and without the
// self-describe tag; its clean twin (random bytes in the same place) gives nothing but its plain bytes; damaged copies
// and crafted nesting end without a throw or a hang, a cut file named; random and real heads are not claimed.
// Fails before cbor.ts: no reader claimed CBOR, and these values were read as plain bytes only (the session-start
// bundle passes round 21's CBOR artifacts in silence). Nearest real-world variant: a device's or service's config blob
// in CBOR, its payload compressed by the app.
import { describe, expect, it } from 'vitest';
import { cbor, sniffCbor } from './cbor.js';
import { decodeWith } from './decode.testing.js';
import { claimed, holds, pyHas, pyMade, STREAMS, TEXT } from './values-onward.testing.js';

const made = (expr: string, tagged = false) =>
  pyMade(
    `import cbor2\nd = {'name': 'settings', 'data': ${expr}, 'tags': ['a', 'b'], 'n': 1.5}\nopen('c', 'wb').write(cbor2.dumps(cbor2.CBORTag(55799, d) if ${tagged ? 'True' : 'False'} else d))`,
    'c',
  );

describe.runIf(pyHas('cbor2', 'brotli'))('CBOR values handed on to the magicless-stream trial', () => {
  it.each(STREAMS.flatMap((expr) => [false, true].map((tagged) => ({ expr, tagged }))))(
    'a map whose byte string is $expr (self-described: $tagged): decoded; the clean twin gives its plain bytes only',
    async ({ expr, tagged }) => {
      const file = made(expr, tagged);
      expect(sniffCbor(file.subarray(0, 512))).toBe(true);
      expect(file.includes(TEXT)).toBe(false);
      const { out, limits } = await decodeWith(cbor, file);
      expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
      const clean = made('os.urandom(3000)', tagged);
      const twin = await decodeWith(cbor, clean);
      expect({ length: twin.out.length, limits: twin.limits }).toEqual({ length: clean.length, limits: [] });
    },
  );

  it('damaged copies, a million nested arrays, an array of 2^60 items: each ends, none throws; a cut file is named', async () => {
    const file = made(STREAMS[0]!);
    await holds(cbor, file, [Buffer.alloc(1 << 20, 0x81), Buffer.from([0xa1, 0x61, 0x6b, 0x9b, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x6b])]);
    const cut = await decodeWith(cbor, file.subarray(0, file.length - 100));
    expect(cut.limits).toEqual([expect.stringMatching(/^CBOR that stops parsing at byte \d+ of \d+ \(cut or damaged\)/)]);
  });

  it('random heads and this machine’s file heads are not claimed', () => {
    const c = claimed(cbor, 20_000);
    expect({ random: c.random, real: c.real }).toEqual({ random: 0, real: 0 });
    expect(c.realHeads).toBeGreaterThan(1000);
  });
});
