/**
 * The seventh round's places: values cut by the audit's read of a layer. A layer is read (and a
 * gzip layer inflated) 256 KiB at a time (audit.ts's read stream, layer.ts's CHUNK); a log of 2 MiB
 * is the only file of its layer (its data 1024 bytes into the tar: the `./` entry's header and its
 * own), and each of its places holds a value in one written form — as it is, UTF-8 beyond ASCII,
 * JSON's \u escapes, percent-encoding, base64, UTF-16LE — cut by a chunk boundary at a byte the
 * place chooses (inside a multi-byte character, an escape, a base64 quantum, a code unit). The
 * same log in an uncompressed layer and in a gzip one. Found whole ⇔ found in any chunking.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageContext, Place } from './variant-round.js';
import type { LayerSpec } from './layout.js';

const CHUNK = 256 * 1024;
/** The log's first byte in its layer's tar: after the headers of `./` and of `chunks.log`. */
const DATA_AT = 1024;

interface Form {
  form: string;
  kind: Place['kind'];
  /** The written form of value `v`. */
  write: (v: string) => Buffer;
  /** Where in the written form the boundary falls. */
  cut: (w: Buffer, v: string) => number;
}

const utf8 = (v: string) => Buffer.from(v, 'utf8');
/** The byte offset in UTF-8 of the first character of `v` matching `re`, plus `plus`. */
const inside = (re: RegExp, plus: number) => (_w: Buffer, v: string) => utf8(v.slice(0, v.search(re))).length + plus;
const jsonAscii = (v: string) => JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const FORMS: Form[] = [
  { form: 'UTF-8, cut after its first byte', kind: 'token', write: utf8, cut: () => 1 },
  { form: 'UTF-8, cut in its middle', kind: 'token', write: utf8, cut: (w) => w.length >> 1 },
  { form: 'UTF-8, cut before its last byte', kind: 'token', write: utf8, cut: (w) => w.length - 1 },
  { form: "UTF-8, cut inside a €'s three bytes", kind: 'unicode', write: utf8, cut: inside(/€/, 2) },
  { form: "UTF-8, cut inside an emoji's four bytes", kind: 'unicode', write: utf8, cut: inside(/\p{Extended_Pictographic}/u, 1) },
  { form: 'JSON with \\u escapes, cut inside \\u20ac', kind: 'unicode', write: (v) => Buffer.from(jsonAscii(v)), cut: (w) => w.indexOf('\\u20ac') + 3 },
  { form: 'percent-encoded, cut inside an escape', kind: 'url', write: (v) => Buffer.from(encodeURIComponent(v)), cut: (w) => w.indexOf('%') + 2 },
  {
    form: 'base64 of an env line, cut inside a quantum',
    kind: 'token',
    write: (v) => Buffer.from(Buffer.from(`API_TOKEN=${v}\n`).toString('base64')),
    cut: (w) => (w.length >> 1) + 1,
  },
  { form: 'UTF-16LE, cut inside a code unit', kind: 'unicode', write: (v) => Buffer.from(v, 'utf16le'), cut: (w) => (w.length >> 1) | 1 },
];

const LAYERS = [
  { layer: 'chunks-plain', gzip: false },
  { layer: 'chunks-gzip', gzip: true },
];

/** The places: every form in each layer, the value's kind the form's. */
export const chunkPlaces: Place[] = LAYERS.flatMap(({ layer, gzip }) =>
  FORMS.map((f, j) => ({
    id: `${layer}-${j}`,
    kind: f.kind,
    realWorld: `${f.form}, across a 256 KiB boundary of ${gzip ? 'a gzip layer inflated' : 'an uncompressed layer read'}`,
  })),
);

/** A line of an access log, the filler around the values. */
const FILLER = Buffer.from('2026-12-04T13:00:00.000Z INFO GET /healthz 200 0.4ms ua="kube-probe/1.31"\n');

/** The log of one layer: FORMS[j]'s value `values[j]` across the boundary at (j + 1) × 256 KiB of the layer. */
function chunksLog(values: string[]): Buffer {
  const log = Buffer.alloc((FORMS.length + 1) * CHUNK);
  for (let i = 0; i < log.length; i += FILLER.length) FILLER.copy(log, i);
  for (const [j, f] of FORMS.entries()) {
    const w = f.write(values[j]!);
    const start = (j + 1) * CHUNK - DATA_AT - f.cut(w, values[j]!);
    Buffer.from('\nsecret=').copy(log, start - 8);
    w.copy(log, start);
    log[start + w.length] = 0x0a;
  }
  return log;
}

/** The round's build hook: the two layers, each its log holding the places' values (`first`: the index of the first place). */
export function chunkLayers(first: number) {
  return async (c: ImageContext): Promise<{ layers: LayerSpec[] }> => {
    const layers: LayerSpec[] = [];
    for (const [l, { layer, gzip }] of LAYERS.entries()) {
      const dir = join(c.work, `${c.name}-${layer}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'chunks.log'), chunksLog(FORMS.map((_, j) => c.value(first + l * FORMS.length + j))));
      layers.push({ dir, gzip });
    }
    return { layers };
  };
}
