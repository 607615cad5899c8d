/**
 * A PDF encrypted with an empty user password (the PDF standard's security handler, `/Filter /Standard`): what a
 * generator writes for a document "protected" by permissions alone — an owner password that stops printing or
 * editing, none to open it (`qpdf --encrypt "" OWNER 256`, Ghostscript's `-sOwnerPassword`, reporting libraries'
 * print-only PDFs). Every reader opens it without asking, with the key the empty password gives; its strings and
 * streams are encrypted under that key (RC4 or AES-CBC by object, AES-256 with the file key), so none of them — an
 * attachment, a form field's value, the document's information — is plain in the file, and no stream's magic is found.
 * Read here as a reader reads it: the key from the empty password (ISO 32000-2 algorithm 2 for revisions 2–4, 2.A and
 * 2.B for 6, SHA-256 for Adobe's revision 5) checked against the file's `/U`, then each object's streams written as
 * members `doc.pdf!/N G obj` (a FlateDecode stream then read as the zlib it is) and its strings, decrypted, joined at
 * `doc.pdf!(strings)`. A PDF that needs a user password to open is named as not fully audited. The file is held up to
 * 64 MiB (its trailer, which names the encryption, is at its end); its bytes are read on as plain content as before.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { gathered, within } from './gathered.js';
import { startsWith, type Decoder, type DecodeEnv } from './types.js';

type Value = number | string | boolean | null | Bytes | Name | Ref | Value[] | Dict;
class Bytes {
  constructor(readonly b: Buffer) {}
}
class Name {
  constructor(readonly n: string) {}
}
class Ref {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}
type Dict = Map<string, Value>;

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

/** A reader of PDF objects over the file's bytes (ISO 32000 §7.3), from `at`. */
class Parser {
  at: number;
  constructor(
    readonly s: Buffer,
    at: number,
  ) {
    this.at = at;
  }

  skip(): void {
    const s = this.s;
    for (;;) {
      while (this.at < s.length && WS.has(s[this.at]!)) this.at++;
      if (s[this.at] !== 0x25) return; // a comment to its line's end
      while (this.at < s.length && s[this.at] !== 0x0a && s[this.at] !== 0x0d) this.at++;
    }
  }

  word(): string {
    const s = this.s;
    const from = this.at;
    while (this.at < s.length && !WS.has(s[this.at]!) && !DELIM.has(s[this.at]!)) this.at++;
    return s.toString('latin1', from, this.at);
  }

  /** One value; undefined where the bytes are none (or nest deeper than a document's objects do). */
  value(depth = 0): Value | undefined {
    if (depth > 32) return undefined;
    this.skip();
    const s = this.s;
    const c = s[this.at];
    if (c === undefined) return undefined;
    if (c === 0x3c && s[this.at + 1] === 0x3c) {
      this.at += 2;
      const d: Dict = new Map();
      for (;;) {
        this.skip();
        if (s[this.at] === 0x3e && s[this.at + 1] === 0x3e) return ((this.at += 2), d);
        if (s[this.at] !== 0x2f) return undefined;
        this.at++;
        const key = this.word();
        const v = this.value(depth + 1);
        if (v === undefined) return undefined;
        d.set(key, v);
      }
    }
    if (c === 0x5b) {
      this.at++;
      const a: Value[] = [];
      for (;;) {
        this.skip();
        if (s[this.at] === 0x5d) return (this.at++, a);
        const v = this.value(depth + 1);
        if (v === undefined) return undefined;
        a.push(v);
      }
    }
    if (c === 0x28) return this.literal();
    if (c === 0x3c) return this.hex();
    if (c === 0x2f) {
      this.at++;
      return new Name(this.word());
    }
    const w = this.word();
    if (!w) return undefined;
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) return undefined;
    const n = Number(w);
    // `N G R`: a reference
    const back = this.at;
    if (/^\d+$/.test(w)) {
      this.skip();
      const g = this.word();
      this.skip();
      if (/^\d+$/.test(g) && this.s[this.at] === 0x52 && !/[A-Za-z0-9]/.test(String.fromCharCode(this.s[this.at + 1] ?? 0x20))) {
        this.at++;
        return new Ref(n, Number(g));
      }
      this.at = back;
    }
    return n;
  }

  literal(): Bytes | undefined {
    const s = this.s;
    const out: number[] = [];
    let depth = 0;
    for (this.at++; this.at < s.length; this.at++) {
      const c = s[this.at]!;
      if (c === 0x5c) {
        const e = s[++this.at];
        if (e === undefined) return undefined;
        const esc: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
        if (esc[e] !== undefined) out.push(esc[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && s[this.at + 1]! >= 0x30 && s[this.at + 1]! <= 0x37; k++) v = v * 8 + s[++this.at]! - 0x30;
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (s[this.at + 1] === 0x0a) this.at++;
        } else if (e !== 0x0a) out.push(e);
        continue;
      }
      if (c === 0x28) depth++;
      if (c === 0x29 && depth-- === 0) return (this.at++, new Bytes(Buffer.from(out)));
      out.push(c);
    }
    return undefined;
  }

  hex(): Bytes | undefined {
    const s = this.s;
    const end = s.indexOf(0x3e, this.at);
    if (end < 0) return undefined;
    const digits = s.toString('latin1', this.at + 1, end).replace(/[\0\t\n\f\r ]/g, '');
    this.at = end + 1;
    if (!/^[0-9A-Fa-f]*$/.test(digits)) return undefined;
    return new Bytes(Buffer.from(digits.length % 2 ? `${digits}0` : digits, 'hex'));
  }
}

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const S = new Uint8Array(256);
  for (let i = 0; i < 256; i++) S[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + S[i]! + key[i % key.length]!) & 0xff;
    [S[i], S[j]] = [S[j]!, S[i]!];
  }
  const out = Buffer.allocUnsafe(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + S[i]!) & 0xff;
    [S[i], S[j]] = [S[j]!, S[i]!];
    out[k] = data[k]! ^ S[(S[i]! + S[j]!) & 0xff]!;
  }
  return out;
}

const md5 = (...parts: Uint8Array[]) => {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** AES-CBC with the IV in front and PKCS#7 padding, as PDF writes strings and streams; undefined where it does not decrypt. */
function aesCbc(key: Buffer, data: Uint8Array): Buffer | undefined {
  if (data.length < 32 || data.length % 16) return data.length === 16 ? Buffer.alloc(0) : undefined;
  const d = createDecipheriv(key.length === 32 ? 'aes-256-cbc' : 'aes-128-cbc', key, data.subarray(0, 16));
  d.setAutoPadding(false);
  const out = Buffer.concat([d.update(data.subarray(16)), d.final()]);
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 16) return undefined;
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) return undefined;
  return out.subarray(0, out.length - pad);
}

/** ISO 32000-2 algorithm 2.B: the hash of revision 6 (SHA-256/384/512 rounds over AES-128 of the input repeated). */
function hash6(password: Buffer, salt: Uint8Array, udata: Uint8Array): Buffer {
  let k = createHash('sha256').update(password).update(salt).update(udata).digest();
  for (let round = 0; ; round++) {
    const k1 = Buffer.concat(Array<Buffer>(64).fill(Buffer.concat([password, k, udata])));
    const c = createCipheriv('aes-128-cbc', k.subarray(0, 16), k.subarray(16, 32));
    c.setAutoPadding(false);
    const e = Buffer.concat([c.update(k1), c.final()]);
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += e[i]!;
    k = createHash(['sha256', 'sha384', 'sha512'][sum % 3]!)
      .update(e)
      .digest();
    if (round >= 63 && e[e.length - 1]! <= round + 1 - 32) break;
  }
  return k.subarray(0, 32);
}

const bytesOf = (v: Value | undefined) => (v instanceof Bytes ? v.b : undefined);
const numberOf = (v: Value | undefined) => (typeof v === 'number' ? v : undefined);
const nameOf = (v: Value | undefined) => (v instanceof Name ? v.n : undefined);

interface Crypt {
  /** The file key (revisions 5 and 6), or the key objects' keys are made from. */
  key: Buffer;
  /** Revisions 2–4: each object's key from the file key; 5–6: the file key. */
  perObject: boolean;
  strings: 'rc4' | 'aes' | 'none';
  streams: 'rc4' | 'aes' | 'none';
}

/** The key the empty user password gives, or a reason it is not read. */
function emptyPasswordKey(enc: Dict, id: Buffer): Crypt | string {
  if (nameOf(enc.get('Filter')) !== 'Standard') return `a PDF encrypted by the security handler ${nameOf(enc.get('Filter')) ?? '?'}`;
  const v = numberOf(enc.get('V')) ?? 0;
  const r = numberOf(enc.get('R')) ?? 0;
  const o = bytesOf(enc.get('O'));
  const u = bytesOf(enc.get('U'));
  if (!o || !u) return 'a PDF whose encryption dictionary has no /O or /U';
  const method = (name: Value | undefined): 'rc4' | 'aes' | 'none' | undefined => {
    if (v < 4) return 'rc4';
    const n = nameOf(name) ?? 'Identity';
    if (n === 'Identity') return 'none';
    const cf = enc.get('CF');
    const filter = cf instanceof Map ? cf.get(n) : undefined;
    const cfm = filter instanceof Map ? nameOf(filter.get('CFM')) : undefined;
    return cfm === 'V2' ? 'rc4' : cfm === 'AESV2' || cfm === 'AESV3' ? 'aes' : cfm === 'None' ? 'none' : undefined;
  };
  const strings = method(enc.get('StrF'));
  const streams = method(enc.get('StmF'));
  if (!strings || !streams) return 'a PDF encrypted with a crypt filter the audit does not know';
  const empty = Buffer.alloc(0);
  if (r === 5 || r === 6) {
    if (u.length < 48) return 'a PDF whose /U is too short';
    const hash = r === 6 ? hash6 : (p: Buffer, salt: Uint8Array) => createHash('sha256').update(p).update(salt).digest();
    if (!hash(empty, u.subarray(32, 40), empty).equals(u.subarray(0, 32))) return 'a PDF that needs a user password to open';
    const ue = bytesOf(enc.get('UE'));
    if (!ue || ue.length < 32) return 'a PDF whose /UE is missing';
    const d = createDecipheriv('aes-256-cbc', hash(empty, u.subarray(40, 48), empty), Buffer.alloc(16));
    d.setAutoPadding(false);
    return { key: Buffer.concat([d.update(ue.subarray(0, 32)), d.final()]), perObject: false, strings, streams };
  }
  if (r < 2 || r > 4) return `a PDF encrypted with revision ${r} of the standard handler`;
  const n = r === 2 ? 5 : Math.min(16, Math.max(5, (numberOf(enc.get('Length')) ?? 40) >> 3));
  const p = Buffer.alloc(4);
  p.writeInt32LE((numberOf(enc.get('P')) ?? 0) | 0); // Ghostscript writes /P unsigned
  const meta = r >= 4 && enc.get('EncryptMetadata') === false ? Buffer.from([0xff, 0xff, 0xff, 0xff]) : empty;
  let key = md5(PAD, o.subarray(0, 32), p, id, meta);
  if (r >= 3) for (let i = 0; i < 50; i++) key = md5(key.subarray(0, n));
  key = key.subarray(0, n);
  // The user password checked as readers check it: /U is the padding encrypted (revision 2), or its hash with the file's id (3–4).
  let check: Buffer;
  if (r === 2) check = rc4(key, PAD);
  else {
    check = rc4(key, md5(PAD, id));
    for (let i = 1; i <= 19; i++)
      check = rc4(
        key.map((b) => b ^ i),
        check,
      );
  }
  const same = r === 2 ? check.equals(u.subarray(0, 32)) : check.subarray(0, 16).equals(u.subarray(0, 16));
  if (!same) return 'a PDF that needs a user password to open';
  return { key, perObject: true, strings, streams };
}

function decrypt(c: Crypt, how: 'rc4' | 'aes' | 'none', num: number, gen: number, data: Uint8Array): Buffer | undefined {
  if (how === 'none') return Buffer.from(data);
  let key = c.key;
  if (c.perObject) {
    const salt = how === 'aes' ? Buffer.from('sAlT') : Buffer.alloc(0);
    const ng = Buffer.from([num & 0xff, (num >> 8) & 0xff, (num >> 16) & 0xff, gen & 0xff, (gen >> 8) & 0xff]);
    key = md5(c.key, ng, salt).subarray(0, Math.min(c.key.length + 5, 16));
  }
  return how === 'rc4' ? rc4(key, data) : aesCbc(key, data);
}

/** The file's encryption dictionary and first id, from the last trailer (or cross-reference stream) that names one. */
function encryption(file: Buffer): { enc: Dict; ref?: Ref; id: Buffer } | undefined {
  for (let at = file.lastIndexOf('/Encrypt'); at >= 0; at = at > 0 ? file.lastIndexOf('/Encrypt', at - 1) : -1) {
    const p = new Parser(file, at + 8);
    const v = p.value();
    let enc: Value | undefined = v;
    if (v instanceof Ref) enc = objectAt(file, v)?.value;
    if (!(enc instanceof Map) || !enc.has('O')) continue;
    // The trailer's /ID near /Encrypt: the dictionary both sit in.
    const from = Math.max(0, at - 4096);
    const near = file.subarray(from, Math.min(file.length, at + 4096));
    const idAt = near.indexOf('/ID');
    let id: Buffer = Buffer.alloc(0);
    if (idAt >= 0) {
      const ids = new Parser(file, from + idAt + 3).value();
      if (Array.isArray(ids)) id = bytesOf(ids[0]) ?? id;
    }
    return { enc, ref: v instanceof Ref ? v : undefined, id };
  }
  return undefined;
}

/** The object `num gen obj` (the last one so numbered: an update's), its value and where its body starts. */
function objectAt(file: Buffer, ref: Ref): { value: Value; end: number } | undefined {
  const head = `${ref.num} ${ref.gen} obj`;
  for (let at = file.lastIndexOf(head); at >= 0; at = at > 0 ? file.lastIndexOf(head, at - 1) : -1) {
    if (at > 0 && !WS.has(file[at - 1]!)) continue;
    const p = new Parser(file, at + head.length);
    const value = p.value();
    if (value !== undefined) return { value, end: p.at };
  }
  return undefined;
}

/** Every string inside a value, in order. */
function* stringsOf(v: Value): Generator<Buffer> {
  if (v instanceof Bytes) yield v.b;
  else if (Array.isArray(v)) for (const x of v) yield* stringsOf(x);
  else if (v instanceof Map) for (const x of v.values()) yield* stringsOf(x);
}

const OBJ = /(\d+)[\0\t\n\f\r ]+(\d+)[\0\t\n\f\r ]+obj\b/g;

async function readEncrypted(env: DecodeEnv, file: Buffer): Promise<void> {
  if (file.indexOf('/Encrypt') < 0) return;
  const found = encryption(file);
  if (!found) return;
  const crypt = emptyPasswordKey(found.enc, found.id);
  if (typeof crypt === 'string') return env.limit(crypt);
  const text = file.toString('latin1');
  const strings = env.openAt(within(env.path, '(strings)'));
  const NL = Buffer.from('\n');
  for (const m of text.matchAll(OBJ)) {
    if (env.stopped) break;
    const at = m.index;
    if (at > 0 && !WS.has(file[at - 1]!)) continue;
    const [num, gen] = [Number(m[1]), Number(m[2])];
    if (found.ref && found.ref.num === num && found.ref.gen === gen) continue; // the encryption dictionary is not encrypted
    const p = new Parser(file, at + m[0].length);
    const value = p.value();
    if (value === undefined) continue;
    if (value instanceof Map && nameOf(value.get('Type')) === 'XRef') continue; // nor is a cross-reference stream
    for (const s of stringsOf(value)) {
      const plain = decrypt(crypt, crypt.strings, num, gen, s);
      if (!plain?.length || !env.allow(plain.length + 1)) continue;
      await strings.write(Buffer.concat([plain, NL]));
    }
    if (!(value instanceof Map)) continue;
    p.skip();
    if (file.toString('latin1', p.at, p.at + 6) !== 'stream') continue;
    let start = p.at + 6;
    if (file[start] === 0x0d) start++;
    if (file[start] === 0x0a) start++;
    const length = numberOf(value.get('Length'));
    let end = length !== undefined && file.toString('latin1', start + length, start + length + 12).includes('endstream') ? start + length : -1;
    if (end < 0) {
      end = file.indexOf('endstream', start);
      if (end < 0) continue;
      if (file[end - 1] === 0x0a) end--;
      if (file[end - 1] === 0x0d) end--;
    }
    const plain = decrypt(crypt, crypt.streams, num, gen, file.subarray(start, end));
    if (!plain?.length || !env.allow(plain.length)) continue;
    const sink = env.open(`${num} ${gen} obj`);
    await sink.write(plain);
    await sink.end();
  }
  await strings.end();
}

export const pdfEncrypted: Decoder = {
  name: 'PDF',
  sniff: (h) => startsWith(h, [0x25, 0x50, 0x44, 0x46, 0x2d]),
  open: (env) =>
    gathered(env, {
      skip: 5,
      over(e, max, held) {
        if (held.some((b) => b.includes('/Encrypt'))) e.limit(`an encrypted PDF over ${max} bytes, which the audit does not gather`);
      },
      read: (file) => readEncrypted(env, file),
    }),
};
