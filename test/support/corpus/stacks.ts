/**
 * Stacks of encodings and containers for the audit's property test: each step turns a payload
 * into the next, by Node's zlib (gzip, zlib, brotli), the real CLI tools (bzip2, xz, zstd), tar
 * and zip writers, or a text escape that escapes a random subset of characters in a random
 * spelling (JSON \uXXXX, XML entities and character references, percent-encoding). Text escapes
 * apply only to text (the value, or base64/hex/escaped text), as a real writer applies them.
 */
import { execFileSync } from 'node:child_process';
import { brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { unzipSync, zipSync } from 'fflate';
import { tarOf } from '../tar.js';
import { mulberry32 } from '../random.js';

export const ENCODINGS = ['base64', 'base64url', 'hex', 'gzip', 'zlib', 'bzip2', 'xz', 'zstd', 'brotli', 'tar', 'zip', 'json', 'xml', 'percent'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Encodings whose output is text (and so may be escaped again). */
const TEXT_OUT = new Set<Encoding>(['base64', 'base64url', 'hex', 'json', 'xml', 'percent']);
/** Escapes that only apply to text. */
const TEXT_IN = new Set<Encoding>(['json', 'xml', 'percent']);

/** A stack is valid when no text escape is applied to binary content. */
export function validStack(stack: readonly Encoding[]): boolean {
  let text = true;
  for (const e of stack) {
    if (TEXT_IN.has(e) && !text) return false;
    text = TEXT_OUT.has(e);
  }
  return true;
}

/** Whether the outermost output is text (placed between delimiters, as text is in a file). */
export const textOut = (stack: readonly Encoding[]) => (stack.length ? TEXT_OUT.has(stack.at(-1)!) : true);

/** A small deterministic PRNG (mulberry32), so one seed gives one spelling of an escape. */
export const prng = mulberry32;

const hexOf = (n: number, width: number, upper: boolean) => {
  const h = n.toString(16).padStart(width, '0');
  return upper ? h.toUpperCase() : h;
};

function jsonEscape(text: string, r: () => number): string {
  let out = '';
  for (const ch of text) {
    for (const unit of ch.length === 2 ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [ch.charCodeAt(0)]) {
      const c = String.fromCharCode(unit);
      if (c === '"' || c === '\\') out += r() < 0.5 ? `\\${c}` : `\\u${hexOf(unit, 4, r() < 0.5)}`;
      else if (unit < 0x20 || unit > 0x7e || r() < 0.3) out += `\\u${hexOf(unit, 4, r() < 0.5)}`;
      else if (c === '/' && r() < 0.5) out += '\\/';
      else out += c;
    }
  }
  return out;
}

const XML_NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function xmlEscape(text: string, r: () => number): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const named = XML_NAMED[ch];
    if ((named && ch !== "'") || r() < 0.3) {
      const k = r();
      out += named && k < 0.5 ? named : k < 0.75 ? `&#${cp};` : `&#x${hexOf(cp, 0, r() < 0.5)};`;
    } else out += ch;
  }
  return out;
}

function percentEncode(text: string, r: () => number): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (!/[A-Za-z0-9\-._~!'()*]/.test(c) || r() < 0.3) out += `%${hexOf(byte, 2, r() < 0.5)}`;
    else out += c;
  }
  return out;
}

const tool = (cmd: string, args: string[], input: Buffer) => execFileSync(cmd, args, { input, maxBuffer: 1 << 28 });

/**
 * What a compressor compresses. Text (the value, or an encoding of it) inside a file's worth of
 * text, as a pipeline compresses files, not bare values (xz, zstd and brotli store a lone short
 * value raw: it would be found as plain bytes). A compressed stream or an archive alone, as a
 * `.tar.gz` or a `.js.br` is made: a brotli stream has no magic number and a tar is walked from
 * its first header, so each is found as a whole (a file, a member, a decoded stream), never in
 * the middle of other bytes.
 */
const CONTEXT = Buffer.from(Array.from({ length: 30 }, (_, i) => `# setting ${i} for the service = value-${(i * 7) % 13}\n`).join(''));
const wrapped = (prev?: Encoding) => prev === undefined || TEXT_OUT.has(prev);
const inContext = (payload: Buffer, prev?: Encoding) => (wrapped(prev) ? Buffer.concat([CONTEXT, payload, CONTEXT]) : payload);
const outOfContext = (bytes: Buffer, prev?: Encoding) => (wrapped(prev) ? bytes.subarray(CONTEXT.length, bytes.length - CONTEXT.length) : bytes);

/** One step: `payload` encoded by `e` (member names and spellings from `seed`). */
export async function encode(e: Encoding, payload: Buffer, seed: number, prev?: Encoding): Promise<Buffer> {
  const r = prng(seed);
  switch (e) {
    case 'base64':
      return Buffer.from(payload.toString('base64'));
    case 'base64url':
      return Buffer.from(payload.toString('base64url'));
    case 'hex':
      return Buffer.from(r() < 0.5 ? payload.toString('hex') : payload.toString('hex').toUpperCase());
    case 'gzip':
      return gzipSync(inContext(payload, prev));
    case 'zlib':
      return deflateSync(inContext(payload, prev));
    case 'brotli':
      return brotliCompressSync(inContext(payload, prev));
    case 'bzip2':
      return tool('bzip2', ['-c'], inContext(payload, prev));
    case 'xz':
      return tool('xz', ['-c'], inContext(payload, prev));
    case 'zstd':
      return tool('zstd', ['-q', '-c'], inContext(payload, prev));
    case 'tar':
      return tarOf({ 'README.md': 'notes\n', [`data/part-${seed % 1000}.bin`]: payload });
    case 'zip':
      return Buffer.from(
        zipSync(
          { 'META-INF/MANIFEST.MF': new TextEncoder().encode('Manifest-Version: 1.0\n'), [`data/part-${seed % 1000}.bin`]: payload },
          { level: r() < 0.5 ? 0 : 6 },
        ),
      );
    case 'json':
      return Buffer.from(jsonEscape(payload.toString('utf8'), r));
    case 'xml':
      return Buffer.from(xmlEscape(payload.toString('utf8'), r));
    case 'percent':
      return Buffer.from(percentEncode(payload.toString('utf8'), r));
  }
}

/** The value through the stack, innermost first. */
export async function encodeStack(value: string, stack: readonly Encoding[], seed: number): Promise<Buffer> {
  let payload: Buffer = Buffer.from(value, 'utf8');
  for (const [i, e] of stack.entries()) payload = await encode(e, payload, seed + i * 7919, stack[i - 1]);
  if (decodeStack(payload, stack, seed) !== value) throw new Error(`the generator is wrong: ${stack.join(' > ')} (seed ${seed}) does not decode back`);
  return payload;
}

/** XML's five named entities and its character references, undone. */
const xmlUnescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith('#x')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!,
  );

/** The one member of a tar (`name`), read from its headers. */
function tarMember(tar: Buffer, name: string): Buffer {
  for (let at = 0; at + 512 <= tar.length;) {
    const path = tar.toString('latin1', at, at + 100).replace(/\0.*$/s, '');
    const size = parseInt(
      tar
        .toString('latin1', at + 124, at + 136)
        .replace(/\0.*$/s, '')
        .trim() || '0',
      8,
    );
    if (path === name) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`no ${name} in the tar`);
}

/** One step undone, by independent decoders: the generator's own check that a case holds its value. */
export function decode(e: Encoding, bytes: Buffer, seed: number, prev?: Encoding): Buffer {
  const text = () => bytes.toString('utf8');
  switch (e) {
    case 'base64':
      return Buffer.from(text(), 'base64');
    case 'base64url':
      return Buffer.from(text(), 'base64url');
    case 'hex':
      return Buffer.from(text(), 'hex');
    case 'gzip':
      return outOfContext(gunzipSync(bytes), prev);
    case 'zlib':
      return outOfContext(inflateSync(bytes), prev);
    case 'brotli':
      return outOfContext(brotliDecompressSync(bytes), prev);
    case 'bzip2':
    case 'xz':
    case 'zstd':
      return outOfContext(tool(e, ['-dc'], bytes), prev);
    case 'tar':
      return tarMember(bytes, `data/part-${seed % 1000}.bin`);
    case 'zip':
      return Buffer.from(unzipSync(bytes)[`data/part-${seed % 1000}.bin`]!);
    case 'json':
      return Buffer.from(JSON.parse(`"${text()}"`) as string);
    case 'xml':
      return Buffer.from(xmlUnescape(text()));
    case 'percent':
      return Buffer.from(decodeURIComponent(text()));
  }
}

/** The stack undone, outermost first. */
export function decodeStack(bytes: Buffer, stack: readonly Encoding[], seed: number): string {
  let payload = bytes;
  for (let i = stack.length - 1; i >= 0; i--) payload = decode(stack[i]!, payload, seed + i * 7919, stack[i - 1]);
  return payload.toString('utf8');
}
