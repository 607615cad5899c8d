/**
 * Microsoft cabinets (`.cab`: Windows drivers and updates, fonts and redistributables in wine and
 * mingw images, `gcab`, `makecab`, `lcab`; the payload of many self-extracting installers): a header,
 * its folders (each a compressed stream of its files' bytes one after the other), its files (a name,
 * a folder, an offset and a size in that folder's stream), then each folder's data blocks. Blocks are
 * stored (type 0) or MSZIP (type 1: "CK", then raw deflate whose window carries over from the
 * block before, inflated by Node's zlib with that window as its dictionary); a block gives at most
 * 32 KiB, so no more than one block is held. Quantum and LZX folders are named as not read, with
 * the files in them. The header is read as it streams, before the data (as every tool writes it);
 * folders are read in the order of their offsets, and one that starts before where the reading is
 * (an odd layout) is named rather than sought.
 */
import { inflateRawSync } from 'node:zlib';
import { DEFLATE_MAX_RATIO, inside, Members, startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

/** The most of a cabinet's header, folders and file list gathered before its data. */
const MAX_HEADER = 1 << 20;
const BLOCK_OUT = 32768;
const WINDOW = 32768;
const NAMES = ['stored', 'MSZIP', 'Quantum', 'LZX'];

/** "MSCF", its reserved field zero, version 1.3. */
export const isCab = (h: Uint8Array, at = 0) =>
  startsWith(h, [0x4d, 0x53, 0x43, 0x46, 0, 0, 0, 0], at) && h.length > at + 25 && h[at + 24] === 3 && h[at + 25] === 1;

interface CabFile {
  name: string;
  folder: number;
  start: number;
  end: number;
}
interface Folder {
  index: number;
  offset: number;
  blocks: number;
  type: number;
  files: CabFile[];
}
interface Layout {
  folders: Folder[];
  /** Bytes reserved in each data block's header. */
  dataReserve: number;
  /** Where the header and file list end. */
  end: number;
  /** Files continued from or into another cabinet of a set. */
  split: string[];
}

/** The header, folders and files from the cabinet's first bytes; undefined while more are needed. Throws on nonsense. */
export function cabLayout(b: Uint8Array): Layout | undefined {
  if (b.length < 36) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const u16 = (at: number) => (at + 2 <= b.length ? v.getUint16(at, true) : NaN);
  const flags = u16(30);
  let at = 36;
  let folderReserve = 0;
  let dataReserve = 0;
  if (flags & 4) {
    if (b.length < 40) return undefined;
    folderReserve = b[38]!;
    dataReserve = b[39]!;
    at = 40 + u16(36);
  }
  // The names of the previous and next cabinets of a set, and their disks.
  for (let n = (flags & 1 ? 2 : 0) + (flags & 2 ? 2 : 0); n > 0; n--) {
    const zero = b.indexOf(0, at);
    if (zero < 0) return undefined;
    at = zero + 1;
  }
  const folders: Folder[] = [];
  for (let i = 0; i < u16(26); i++, at += 8 + folderReserve) {
    if (at + 8 > b.length) return undefined;
    folders.push({ index: i, offset: v.getUint32(at, true), blocks: u16(at + 4), type: u16(at + 6) & 0x0f, files: [] });
  }
  at = v.getUint32(16, true);
  const split: string[] = [];
  for (let i = 0; i < u16(28); i++) {
    if (at + 16 > b.length) return undefined;
    const zero = b.indexOf(0, at + 16);
    if (zero < 0) return undefined;
    const name = Buffer.from(b.subarray(at + 16, zero))
      .toString('latin1')
      .replaceAll('\\', '/');
    const size = v.getUint32(at, true);
    const start = v.getUint32(at + 4, true);
    const folder = u16(at + 8);
    if (folder >= 0xfffd) split.push(name);
    else if (folder < folders.length) folders[folder]!.files.push({ name, folder, start, end: start + size });
    else throw new Error(`a file in folder ${folder} of ${folders.length}`);
    at = zero + 1;
  }
  for (const f of folders) f.files.sort((a, c) => a.start - c.start);
  return { folders: folders.sort((a, c) => a.offset - c.offset), dataReserve, end: at, split };
}

export const cab: Decoder = {
  name: 'cab',
  maxRatio: DEFLATE_MAX_RATIO,
  sniff: (h) => isCab(h),
  open: (env) => new CabDecoding(env),
};

class CabDecoding implements Decoding {
  readonly #members: Members;
  #buf: Uint8Array = new Uint8Array(0);
  /** The offset in the cabinet of `#buf`'s first byte. */
  #at = 0;
  #layout: Layout | undefined;
  #folder = -1;
  #blocksLeft = 0;
  /** The current folder's output so far, and its last WINDOW bytes (MSZIP's dictionary). */
  #pos = 0;
  #window: Uint8Array = new Uint8Array(0);
  /** The file whose bytes come now, and the one whose member is open. */
  #file = 0;
  #opened = -1;
  #gave = 0;
  #done = false;
  /** The last folder whose end was checked (`#checkEnded`); whether bytes no file names were met (named once). */
  #ended = -1;
  #orphan = false;

  constructor(readonly env: DecodeEnv) {
    this.#members = new Members(env);
  }

  get finished(): boolean {
    return this.#done;
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#done || this.env.stopped) return;
    const joined = new Uint8Array(this.#buf.length + bytes.length);
    joined.set(this.#buf);
    joined.set(bytes, this.#buf.length);
    this.#buf = joined;
    try {
      this.#read();
    } catch (e) {
      this.#stop(`a damaged cabinet (${(e as Error).message}): the rest is not audited`);
    }
    await this.#members.settled;
  }

  async end(): Promise<void> {
    if (!this.#done && !this.env.stopped) {
      const where = this.#layout ? `inside the data of folder ${this.#folder}` : 'inside its header';
      this.#stop(`a cabinet cut short (it ends ${where}): the rest is not audited`);
    }
    this.#members.close();
    await this.#members.settled;
  }

  #stop(why: string): void {
    this.#done = true;
    // A cabinet met inside other bytes by its magic is named as damaged only once it gave something.
    if (!this.env.stopped && !(this.env.trial && this.#gave === 0)) this.env.limit(why);
  }

  #consume(n: number): void {
    this.#buf = this.#buf.subarray(n);
    this.#at += n;
  }

  #read(): void {
    if (!this.#layout) {
      const layout = cabLayout(this.#buf);
      if (!layout) {
        if (this.#buf.length > MAX_HEADER) throw new Error(`a header and file list over ${MAX_HEADER} bytes`);
        return;
      }
      this.#layout = layout;
      if (layout.split.length) this.env.limit(`files continued in another cabinet of its set are not audited (${layout.split.join(', ')})`);
      for (const f of layout.folders)
        if (f.type > 1 && f.files.length)
          for (const file of f.files)
            this.env.limit(
              `a cabinet folder compressed with ${NAMES[f.type] ?? `type ${f.type}`}, which the audit does not read`,
              inside(this.env.path, file.name),
            );
    }
    const layout = this.#layout;
    while (!this.#done && !this.env.stopped) {
      if (this.#blocksLeft === 0 && !this.#nextFolder(layout)) return;
      const folder = layout.folders[this.#folder]!;
      const head = 8 + layout.dataReserve;
      if (this.#buf.length < head) return;
      const v = new DataView(this.#buf.buffer, this.#buf.byteOffset, head);
      const size = v.getUint16(4, true);
      const expected = v.getUint16(6, true);
      if (expected > BLOCK_OUT) throw new Error(`a block of ${expected} bytes, more than a cabinet's ${BLOCK_OUT}`);
      if (this.#buf.length < head + size) return;
      const data = this.#buf.subarray(head, head + size);
      const out = folder.type === 0 ? data.slice() : this.#inflate(data, expected);
      if (out.length !== expected) throw new Error(`a block of ${out.length} bytes where its header says ${expected}`);
      this.#consume(head + size);
      this.#blocksLeft--;
      this.#write(folder, out);
    }
  }

  /** Moves to the next folder that is read, skipping to its data; false while its data has not come yet, or at the end. */
  #nextFolder(layout: Layout): boolean {
    this.#checkEnded(layout);
    for (;;) {
      const next = layout.folders[this.#folder + 1];
      if (!next) {
        this.#done = true;
        return false;
      }
      if (next.type > 1 || !next.blocks) {
        // No data blocks for files the table puts in it (a count damaged): they are not in what is read.
        if (next.type <= 1 && next.files.some((f) => f.end > f.start)) this.#short(next.index);
        this.#folder++;
        this.#ended = this.#folder;
        continue;
      }
      if (next.offset < this.#at) throw new Error(`folder ${next.index}'s data before its file list or another folder's data`);
      const skip = next.offset - this.#at;
      if (skip > this.#buf.length) {
        this.#consume(this.#buf.length);
        return false;
      }
      this.#consume(skip);
      this.#members.close();
      this.#folder++;
      this.#blocksLeft = next.blocks;
      this.#pos = 0;
      this.#file = 0;
      this.#opened = -1;
      this.#window = new Uint8Array(0);
      return true;
    }
  }

  /** The folder read last, once its blocks have all come: its files that run past its data (a block count or a file's offset damaged) named. */
  #checkEnded(layout: Layout): void {
    if (this.#folder < 0 || this.#ended === this.#folder) return;
    this.#ended = this.#folder;
    if (layout.folders[this.#folder]!.files.some((f) => f.end > this.#pos)) this.#short(this.#folder);
  }

  #short(folder: number): void {
    if (!this.env.stopped) this.env.limit(`a cabinet folder (${folder}) whose data ends before its files do: they are not all audited`);
  }

  /** An MSZIP block: "CK", then raw deflate that may copy from the folder's last 32 KiB. */
  #inflate(data: Uint8Array, expected: number): Uint8Array {
    if (data[0] !== 0x43 || data[1] !== 0x4b) throw new Error('an MSZIP block without its CK');
    const window = this.#window.length ? { dictionary: this.#window } : {};
    const out = inflateRawSync(data.subarray(2), { ...window, maxOutputLength: Math.max(expected, 1) });
    const joined = new Uint8Array(Math.min(WINDOW, this.#window.length + out.length));
    const keep = joined.length - Math.min(out.length, joined.length);
    joined.set(this.#window.subarray(this.#window.length - keep));
    joined.set(out.subarray(out.length - (joined.length - keep)), keep);
    this.#window = joined;
    return out;
  }

  /** A block's output to the files whose bytes it holds. */
  #write(folder: Folder, out: Uint8Array): void {
    const files = folder.files;
    let o = 0;
    while (o < out.length) {
      const abs = this.#pos + o;
      while (this.#file < files.length && files[this.#file]!.end <= abs) this.#file++;
      const f = files[this.#file];
      if (!f || abs < f.start) {
        // Bytes no file names (a gap, or past the last file): the file table damaged, those bytes not written.
        if (!this.#orphan && !this.env.stopped)
          this.env.limit(`a cabinet folder (${folder.index}) whose data holds bytes no file names (its file table damaged?): not fully audited`);
        this.#orphan = true;
        if (!f) break;
        o += Math.min(f.start - abs, out.length - o);
        continue;
      }
      if (this.#opened !== this.#file) this.#members.start(f.name);
      this.#opened = this.#file;
      const n = Math.min(f.end - abs, out.length - o);
      this.#members.data(out.subarray(o, o + n));
      o += n;
    }
    this.#pos += out.length;
    this.#gave += out.length;
  }
}
