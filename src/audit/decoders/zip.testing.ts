/**
 * For the zip tests: the zip decoder run on an archive through a DecodeEnv of its own, fed in
 * chunks of `chunk` bytes — each member's decoded bytes by name, what it named as not audited —
 * and the real tools' reading of the same archive (Python's zipfile, through the central
 * directory) to compare with.
 */
import { execFileSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { vi } from 'vitest';
import type { DecodeEnv } from './types.js';
import { zip } from './zip.js';

export interface Walked {
  /** Each member's content, by name (a member with no content has none; `keep: false`: empty, only digests). */
  members: Map<string, Buffer>;
  /** Each member's SHA-256, by name. */
  digests: Map<string, string>;
  /** What was named: `what` at `path` (the archive's own path is `x`). */
  limits: Array<{ what: string; path: string }>;
  /** Whether the decoding said it finished (read its end record, or found it was no zip). */
  finished: boolean;
}

/** `chunks`: the archive cut there instead (their bytes, in order), as a layer's inflated chunks cut a file. */
export async function walkZip(
  bytes: Uint8Array,
  {
    chunk = 65536,
    trial = false,
    ratio = 200,
    keep = true,
    chunks,
  }: { chunk?: number; trial?: boolean; ratio?: number; keep?: boolean; chunks?: Uint8Array[] } = {},
): Promise<Walked> {
  const members = new Map<string, Buffer[]>();
  const hashes = new Map<string, Hash>();
  const limits: Walked['limits'] = [];
  let stopped = false;
  const env: DecodeEnv = {
    path: 'x',
    trial,
    ratio,
    open(name = '') {
      const parts: Buffer[] = [];
      const hash = createHash('sha256');
      members.set(name, parts);
      hashes.set(name, hash);
      return {
        write(b: Uint8Array) {
          hash.update(b);
          if (keep) parts.push(Buffer.from(b));
        },
        end: () => undefined,
      };
    },
    openAt: () => ({ write: () => undefined, end: () => undefined }),
    allow: () => !stopped,
    limit(what, path = 'x') {
      limits.push({ what, path });
      if (path === 'x') stopped = true;
    },
    get stopped() {
      return stopped;
    },
  };
  const d = zip.open(env);
  const pieces = chunks ?? Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  for (const piece of pieces) {
    if (d.finished) break;
    await d.push(piece);
  }
  await d.end();
  return {
    members: new Map([...members].map(([k, v]) => [k, Buffer.concat(v)])),
    digests: new Map([...hashes].map(([k, h]) => [k, h.digest('hex')])),
    limits,
    finished: !!d.finished,
  };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Each non-empty member's SHA-256 as Python's zipfile reads it (through the central directory, CRC checked). */
export function pythonDigests(archive: Uint8Array): Map<string, string> {
  const script = [
    'import hashlib, io, json, sys, zipfile',
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))',
    'print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist() if i.file_size}))',
  ].join('\n');
  const out = execFileSync('python3', ['-c', script], { input: archive, maxBuffer: 1 << 28 });
  return new Map(Object.entries(JSON.parse(out.toString()) as Record<string, string>));
}

/** The walk's members' digests, the same way (non-empty ones). */
export const digestsOf = (w: Walked) => new Map([...w.digests].filter(([, d]) => d !== EMPTY));
const EMPTY = sha(new Uint8Array(0));

/** Whether the code that called Buffer's function (the frame after the spy's own) is in one of `files`. */
function madeIn(files: readonly string[]): boolean {
  const frames = new Error().stack?.split('\n') ?? [];
  const spy = frames.findLastIndex((f) => f.includes('@vitest/spy'));
  return spy >= 0 && files.some((file) => !!frames[spy + 1]?.includes(file));
}

/**
 * Bytes of every buffer of 32 KiB or more that code in one of `files` made through Buffer's functions `names` while
 * `run` runs. A view of bytes already there (`Buffer.from(arrayBuffer, offset, length)`) is no allocation.
 */
export async function largeAllocations(
  files: readonly string[],
  names: ReadonlyArray<'allocUnsafe' | 'allocUnsafeSlow' | 'alloc' | 'from' | 'concat'>,
  run: () => Promise<unknown>,
): Promise<number> {
  let bytes = 0;
  const spies = names.map((name) => {
    const original = Buffer[name] as (...a: unknown[]) => Buffer;
    return vi.spyOn(Buffer, name).mockImplementation(((...a: unknown[]) => {
      const b = original.apply(Buffer, a);
      if (!(name === 'from' && a[0] instanceof ArrayBuffer) && b.length >= 32 * 1024 && madeIn(files)) bytes += b.length;
      return b;
    }) as never);
  });
  try {
    await run();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return bytes;
}
