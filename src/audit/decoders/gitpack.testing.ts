/**
 * For the git pack decoder's tests: a scratch repository driven by the real `git` (files written
 * by the test, never passed in argv), its pack as `git gc --aggressive` and `git repack -adf`
 * leave it, and what `git verify-pack -v` says of an object (delta or whole, its chain's depth).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { readHeader } from './gitpack-objects.js';

export class Repo {
  readonly dir = mkdtempSync(join(tmpdir(), 'hoist-gitpack-'));
  #date = 1_700_000_000;

  constructor(format: 'sha1' | 'sha256' = 'sha1') {
    this.git('init', '-q', '-b', 'main', `--object-format=${format}`);
  }

  git(...args: string[]): Buffer {
    const date = `${this.#date} +0000`;
    return execFileSync('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.com', '-c', 'gc.auto=0', ...args], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 30,
      env: { PATH: process.env.PATH, HOME: this.dir, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, LC_ALL: 'C' },
    });
  }

  /** A commit writing `files` (null: removed). */
  commit(files: Record<string, string | null>, message = 'change'): void {
    for (const [name, content] of Object.entries(files)) {
      const path = join(this.dir, name);
      if (content === null) rmSync(path, { force: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
      }
    }
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    this.#date += 60;
  }

  /** Everything in one pack, as a repository's maintenance leaves it: deltas as deep and as searched as git makes them. */
  repack(): void {
    this.git('gc', '-q', '--aggressive');
    this.git('repack', '-adfq', '--depth=50', '--window=250');
  }

  /** The repository's one pack and its index, as `COPY . .` puts them in an image under `app/`. */
  packFiles(): Record<string, Buffer> {
    const dir = join(this.dir, '.git/objects/pack');
    const out: Record<string, Buffer> = {};
    for (const name of readdirSync(dir)) if (/\.(pack|idx)$/.test(name)) out[`app/.git/objects/pack/${name}`] = readFileSync(join(dir, name));
    return out;
  }

  pack(): { path: string; bytes: Buffer } {
    const [path, bytes] = Object.entries(this.packFiles()).find(([p]) => p.endsWith('.pack'))!;
    return { path, bytes };
  }

  /** The id of `rev:path`. */
  id(spec: string): string {
    return this.git('rev-parse', spec).toString().trim();
  }

  /** How the pack (of index `idx`, the repository's by default) stores object `id`: its offset, and its delta chain's depth (0: whole). */
  stored(
    id: string,
    idx = join(
      this.dir,
      Object.keys(this.packFiles())
        .find((p) => p.endsWith('.idx'))!
        .replace(/^app\//, ''),
    ),
  ): { offset: number; depth: number } {
    const lines = this.git('verify-pack', '-v', idx).toString().split('\n');
    const fields = lines.find((l) => l.startsWith(`${id} `))!.split(/\s+/);
    return { offset: Number(fields[4]), depth: fields.length >= 7 ? Number(fields[5]) : 0 };
  }

  rm(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The inflated data of the pack's object at `offset` as it is stored: for a delta, its instructions and inserted bytes. */
export function storedData(pack: Buffer, offset: number, idLength = 20): Buffer {
  const h = readHeader(pack, offset, offset, idLength);
  if (typeof h !== 'object') throw new Error(`no object header at ${offset}`);
  return inflateSync(pack.subarray(offset + h.length));
}

/** A pack's object header: type and size (4 bits, then 7 per byte). */
function objectHeader(type: number, size: number): Buffer {
  const out = [(type << 4) | (size & 0x0f)];
  for (let rest = Math.floor(size / 16); rest > 0; rest = Math.floor(rest / 128)) {
    out[out.length - 1]! |= 0x80;
    out.push(rest & 0x7f);
  }
  return Buffer.from(out);
}

/** A delta's size field (7 bits per byte, little-endian). */
export function deltaSize(n: number): Buffer {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return Buffer.from(out);
}

/** OFS_DELTA's distance back to its base, as git writes it (big-endian 7 bits a byte, each continued byte one less). */
function distance(ofs: number): Buffer {
  const out = [ofs & 0x7f];
  for (ofs = Math.floor(ofs / 128); ofs > 0; ofs = Math.floor(ofs / 128)) out.unshift(0x80 | (--ofs & 0x7f));
  return Buffer.from(out);
}

/** A pack written byte by byte (what git would not write: a crafted delta), its objects whole or OFS_DELTA against object `base` (the first by default). */
export function craftedPack(objects: Array<{ blob: Buffer } | { delta: Buffer; base?: number }>): Buffer {
  const parts: Buffer[] = [Buffer.from('PACK\0\0\0\x02'), Buffer.alloc(4)];
  parts[1]!.writeUInt32BE(objects.length);
  const offsets: number[] = [];
  let offset = 12;
  for (const o of objects) {
    const data = 'blob' in o ? o.blob : o.delta;
    const head = 'blob' in o ? objectHeader(3, data.length) : Buffer.concat([objectHeader(6, data.length), distance(offset - offsets[o.base ?? 0]!)]);
    const bytes = Buffer.concat([head, deflateSync(data)]);
    parts.push(bytes);
    offsets.push(offset);
    offset += bytes.length;
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}
