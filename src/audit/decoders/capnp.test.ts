// Property: a value in a Cap'n Proto message written in the packed encoding (`capnp encode --packed`, capnproto 0.9's
// tool) is found whatever the struct around it (Text fields before and after it, numbers, a list of structs), fed in
// random chunk sizes (seed named): the message unpacked whole at `file!`; the clean twin gives no finding; the same
// message unpacked (`capnp encode`, no packing) is not claimed (it is read as plain); random heads, text and this
// machine's files are not claimed; a chance claim (a head that passes, a body that does not unpack into messages)
// says nothing. Fails with capnp unregistered: the packed message passes in silence (round 12's capnp-packed gap,
// still missed through the bundle of 66e13b4). Nearest real-world variant: a service's config or cache file
// serialized with Cap'n Proto, packed, kept in an image.
import { describe, expect, it } from 'vitest';
import { seeded, seededPerTest, testSeed } from '../../../test/support/random.js';
import { capnpPacked, isCapnpPacked } from './capnp.js';
import { decodeWith, fileHeads } from './decode.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0xca9);
const OTHER = 'tok-clean-twin-2b8d6f0a4c1e+/=value';
const SCHEMA = `@0xbf5147cbbecf40c1;
struct Peer { host @0 :Text; weight @1 :UInt32; }
struct Config { name @0 :Text; apiToken @1 :Text; port @2 :UInt16; replicas @3 :UInt32; peers @4 :List(Peer); note @5 :Text; }
`;

/** config.bin: a Config message holding `v`, by `capnp encode` (packed unless `plain`). */
const message = (v: string, plain = false) =>
  tool(
    'sh',
    [
      '-c',
      `printf '(name = "app", apiToken = "%s", port = 8080, replicas = 3, peers = [(host = "a.example", weight = 1), (host = "b.example", weight = 2)], note = "rotated monthly")\\n' "$(cat secret)" > config.txt
capnp encode ${plain ? '' : '--packed '}config.capnp Config < config.txt`,
    ],
    { 'config.capnp': SCHEMA, secret: v },
  );

describe.runIf(has('capnp'))(`packed Cap'n Proto messages made by capnp (seed ${rng.seed})`, { timeout: 60_000 }, () => {
  it('the message unpacked, the value found; the clean twin passes', async () => {
    const file = message(SECRET);
    expect(isCapnpPacked(file.subarray(0, 512))).toBe(true);
    expect(file.includes(SECRET)).toBe(false);
    const { out, limits } = await decodeWith(capnpPacked, file, { chunk: rng.int(1, 64) });
    expect(limits).toEqual([]);
    // The plain read (its first byte blanked), then the unpacked message: exactly `capnp encode`'s unpacked bytes.
    expect(out.subarray(file.length).equals(message(SECRET, true))).toBe(true);
    expect(await auditFiles({ 'srv/config.bin': file })).toContainEqual({ severity: 'leak', what: 'token', path: 'srv/config.bin!' });
    expect(await auditFiles({ 'srv/config.bin': message(OTHER) })).toEqual([]);
  });

  it('two messages one after the other (a stream of packed messages): both unpacked', async () => {
    const file = Buffer.concat([message(SECRET), message(OTHER)]);
    const { out } = await decodeWith(capnpPacked, file);
    expect(out.subarray(file.length).equals(Buffer.concat([message(SECRET, true), message(OTHER, true)]))).toBe(true);
  });

  it('the unpacked message is not claimed (its text is whole in its bytes)', () => {
    expect(isCapnpPacked(message(SECRET, true).subarray(0, 512))).toBe(false);
  });
});

describe("packed Cap'n Proto sniff", () => {
  const r = seeded(testSeed(0xcaa));
  it(`random heads claimed rarely, and a chance claim says nothing (seed ${r.seed})`, async () => {
    let claimed = 0;
    for (let i = 0; i < 20_000; i++) {
      const h = r.bytes(256);
      if (!isCapnpPacked(h)) continue;
      claimed++;
      expect((await decodeWith(capnpPacked, h)).limits).toEqual([]);
    }
    expect(claimed).toBeLessThan(5);
  });

  it("text and this machine's binaries and libraries are not claimed", () => {
    const heads = [...fileHeads('/usr/bin', 2000), ...fileHeads('/usr/lib/x86_64-linux-gnu', 2000), ...fileHeads('/etc', 500)];
    expect(heads.filter((h) => isCapnpPacked(h.subarray(0, 512))).length).toBe(0);
    expect(isCapnpPacked(Buffer.from(' 0 padded text\n'.repeat(10)))).toBe(false);
  });
});

describe("packed Cap'n Proto past the unpacking bound", () => {
  // Property: a packed file that unpacks past the bound (64 MiB) is named, never passed in silence: its Text fields are
  // cut by tag bytes, not in its plain read. The variant: nine messages of one segment of 2^20 - 1 words each (as
  // `capnp encode --packed` lays a message out: a segment table, a root struct pointer at offset 0, the rest), mostly
  // zeros (a tag 0 and a count per 256 words: 74 KB packed), the last holding the value. Before (H7's review): nothing
  // said, the value missed.
  const W = (1 << 20) - 1;
  /** One message of W words, `text` at word 100, packed. */
  const packed = (text: string): Buffer => {
    const plain = Buffer.alloc(W * 8 + 8);
    plain.writeUInt32LE(W, 4);
    plain.writeUInt16LE(1, 12);
    Buffer.from(text).copy(plain, 8 * 100);
    const out: number[] = [];
    for (let i = 0; i < plain.length;) {
      const w = plain.subarray(i, (i += 8));
      let tag = 0;
      for (let b = 0; b < 8; b++) if (w[b]) tag |= 1 << b;
      out.push(tag, ...w.filter((x) => x !== 0));
      if (tag === 0) {
        let n = 0;
        for (; n < 255 && i < plain.length && plain.subarray(i, i + 8).every((x) => x === 0); n++) i += 8;
        out.push(n);
      } else if (tag === 0xff) out.push(0);
    }
    return Buffer.from(out);
  };
  it('nine 8 MiB messages, the value in the last: named', async () => {
    const last = packed(`api_token=${SECRET}`);
    expect(isCapnpPacked(last.subarray(0, 64))).toBe(true);
    expect((await decodeWith(capnpPacked, last)).out.includes(SECRET)).toBe(true);
    const file = Buffer.concat([...Array.from({ length: 8 }, () => packed('nothing here')), last]);
    expect((await decodeWith(capnpPacked, file)).limits).toEqual([expect.stringMatching(/^a packed Cap'n Proto file that unpacks past/)]);
  });
});
