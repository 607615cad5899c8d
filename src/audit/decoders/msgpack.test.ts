// Property: a MessagePack file (made by python3-msgpack) holding, as a `bin`, a value compressed with a magicless stream
// — brotli, raw deflate, raw LZMA2 — has that value decoded (value-streams.ts `valuesOnward`), in one map and in a
// stream of records; its clean twin (random bytes in the same place) gives nothing but its plain bytes; damaged copies
// and crafted nesting end without a throw or a hang, a cut file named; random and real heads are not claimed.
// Fails before msgpack.ts: no reader claimed MessagePack, and these values were read as plain bytes only (the session-
// start bundle passes round 21's msgpack artifacts in silence). Nearest real-world variant: a Python worker's cache
// file packed with msgpack, its payload brotli-compressed; a fluentd buffer chunk.
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { msgpack, parseMsgpack, sniffMsgpack } from './msgpack.js';
import { claimed, holds, pyHas, pyMade, STREAMS, TEXT } from './values-onward.testing.js';

const made = (expr: string) =>
  pyMade(`import msgpack\nopen('m', 'wb').write(msgpack.packb({'name': 'settings', 'data': ${expr}, 'ids': list(range(20))}, use_bin_type=True))`, 'm');

describe.runIf(pyHas('msgpack', 'brotli'))('MessagePack values handed on to the magicless-stream trial', () => {
  it.each(STREAMS)('a map whose bin is %s: the value decoded; the clean twin gives its plain bytes only', async (expr) => {
    const file = made(expr);
    expect(sniffMsgpack(file.subarray(0, 512))).toBe(true);
    expect(file.includes(TEXT)).toBe(false);
    const { out, limits } = await decodeWith(msgpack, file);
    expect({ found: out.includes(TEXT), limits }).toEqual({ found: true, limits: [] });
    const clean = made('os.urandom(3000)');
    const twin = await decodeWith(msgpack, clean);
    expect({ length: twin.out.length, limits: twin.limits }).toEqual({ length: clean.length, limits: [] });
  });

  it('a stream of records (msgpack.Packer, one after another), one bin raw LZMA2: decoded', async () => {
    const file = pyMade(
      `import msgpack\np = msgpack.Packer(use_bin_type=True)\nf = open('m', 'wb')\nfor i in range(5): f.write(p.pack({'seq': i, 'msg': 'e%d' % i}))\nf.write(p.pack({'seq': 5, 'payload': lzma_raw(text)}))\nf.close()`,
      'm',
    );
    expect(parseMsgpack(file).end).toBe(file.length);
    expect((await decodeWith(msgpack, file)).out.includes(TEXT)).toBe(true);
  });

  it('damaged copies, a million nested arrays, a map of a billion entries: each ends, none throws; a cut file is named', async () => {
    const file = made(STREAMS[0]!);
    await holds(msgpack, file, [Buffer.alloc(1 << 20, 0x91), Buffer.from([0x81, 0xa1, 0x6b, 0xdf, 0x3b, 0x9a, 0xca, 0x00, 0xa1, 0x6b])]);
    const cut = await decodeWith(msgpack, file.subarray(0, file.length - 100));
    expect(cut.limits).toEqual([expect.stringMatching(/^MessagePack that stops parsing at byte \d+ of \d+ \(cut or damaged\)/)]);
  });

  it('random heads and this machine’s file heads are not claimed', () => {
    const c = claimed(msgpack, 20_000);
    expect({ random: c.random, real: c.real }).toEqual({ random: 0, real: 0 });
    expect(c.realHeads).toBeGreaterThan(1000);
  });
});
