/**
 * A 7z folder decoded through its coders: the chain from its packed stream to its output (each
 * coder one in and one out stream), each stage streaming into the next —
 * Copy, LZMA (`lzma.ts`), LZMA2 (`lzma2.ts`), PPMd (`ppmd-h.ts`), Deflate and BZip2 (the registry's own decoders, driven
 * with an environment whose sink is the next stage), BCJ x86, ARM, ARM64, PowerPC and SPARC (`bcj.ts`), Delta (`delta.ts`). Every stage ends at its
 * coder's unpacked size; only the folder's output is counted against the bounds (by its sink). Or BCJ2's graph
 * (`bcj2.ts`): its four inputs — pack streams, or one coder from one — gathered as far as its output may be read, then BCJ2.
 */
import { decodeBcj2Block, type Bcj2Source } from './bcj2.js';
import { BcjArm, BcjArm64, BcjArmThumb, BcjIa64, BcjPpc, BcjRiscv, BcjSparc, BcjX86, type BranchFilter } from './bcj.js';
import { Deflate64Error, inflate64 } from './deflate64.js';
import { xzDeltaFilter } from './delta.js';
import { bzip2 } from './bzip2.js';
import { parseProps } from './lzma-core.js';
import { ppmdRun } from './ppmd-h.js';
import { lzmaRun, type Emit } from './lzma.js';
import { lzma2Run } from './lzma2.js';
import { rawDeflate } from './native.js';
import { mainOut, type Coder, type Folder } from './sevenzip-header.js';
import type { DecodeEnv, Decoding } from './types.js';

const NAMES: Record<string, string> = {
  '00': 'Copy',
  '030101': 'LZMA',
  '21': 'LZMA2',
  '040108': 'Deflate',
  '040109': 'Deflate64',
  '040202': 'BZip2',
  '030401': 'PPMd',
  '03030103': 'BCJ x86',
  '0303011b': 'BCJ2',
  '03030205': 'PowerPC BCJ',
  '03030401': 'IA64 BCJ',
  '03030501': 'ARM BCJ',
  '03030701': 'ARM Thumb BCJ',
  '03030805': 'SPARC BCJ',
  '0a': 'ARM64 BCJ',
  '0b': 'RISC-V BCJ',
  '03': 'Delta',
  '06f10701': 'AES-256',
};
const READ = new Set([
  '00',
  '030401',
  '030101',
  '21',
  '040108',
  '040109',
  '040202',
  '03030103',
  '03030501',
  '03030701',
  '03030401',
  '0a',
  '0b',
  '03',
  '03030205',
  '03030805',
]);
/** The branch filters with a start offset, by coder id: ARM, ARM Thumb, ARM64, RISC-V, IA-64, PowerPC, SPARC. */
const ALIGNED: Record<string, new (start: number) => BranchFilter> = {
  '03030501': BcjArm,
  '03030701': BcjArmThumb,
  '0a': BcjArm64,
  '0b': BcjRiscv,
  '03030401': BcjIa64,
  '03030205': BcjPpc,
  '03030805': BcjSparc,
};
/** A Deflate64 coder's packed input gathered at most (then named), and its output at most: deflate64.ts's zip bounds. */
const DEFLATE64_IN = 16 << 20;
const DEFLATE64_OUT = 64 << 20;
const SLICE = 1 << 20;

/** Deflate64 (no streaming inflater of it here): the coder's input gathered, inflated at its end, handed on in slices. */
function deflate64Run(size: number, emit: Emit, fail: (why: string) => void): Decoding {
  let parts: Uint8Array[] = [];
  let held = 0;
  return {
    push(b) {
      if (held > DEFLATE64_IN) return;
      parts.push(b.slice());
      held += b.length;
      if (held > DEFLATE64_IN) {
        parts = [];
        fail(`a Deflate64 coder over ${DEFLATE64_IN} bytes packed, which the audit does not gather`);
      }
    },
    async end() {
      if (held > DEFLATE64_IN) return;
      const src = Buffer.concat(parts);
      parts = [];
      let out: Uint8Array;
      try {
        out = inflate64(src, Math.min(DEFLATE64_OUT, size || DEFLATE64_OUT));
      } catch (e) {
        return fail(`deflate64: ${e instanceof Deflate64Error ? e.message : String(e)}`);
      }
      for (let i = 0; i < out.length; i += SLICE) if (!(await emit(out.subarray(i, i + SLICE)))) return;
    },
  };
}

/** The folder's coders from its packed stream to its output, when that is a simple chain; else undefined. */
function chain(f: Folder): number[] | undefined {
  if (f.packed.length !== 1 || f.coders.some((c) => c.ins !== 1 || c.outs !== 1)) return undefined;
  const order: number[] = [];
  let coder: number | undefined = f.packed[0];
  while (coder !== undefined && order.length <= f.coders.length) {
    order.push(coder);
    const out = coder;
    coder = f.binds.find(([, o]) => o === out)?.[0];
  }
  return order.length === f.coders.length ? order : undefined;
}

/** What one BCJ2 input is read from: a pack stream as it is, or one coder (one in, one out) from a pack stream. */
type Bcj2Input = { pack: number; coder?: number };

const base = (f: Folder, k: number, side: 'ins' | 'outs') => f.coders.slice(0, k).reduce((s, c) => s + c[side], 0);

/** A folder of BCJ2's graph (BCJ2 its output's coder, each of its four inputs a pack stream or a coder read from one): its inputs. */
function bcj2Graph(f: Folder): Bcj2Input[] | undefined {
  const b = f.coders.findIndex((c) => c.id === '0303011b');
  if (b < 0 || f.coders[b]!.ins !== 4 || f.coders[b]!.outs !== 1 || base(f, b, 'outs') !== mainOut(f)) return undefined;
  const inputs: Bcj2Input[] = [];
  for (let j = 0; j < 4; j++) {
    const i = base(f, b, 'ins') + j;
    if (f.packed.includes(i)) {
      inputs.push({ pack: f.packed.indexOf(i) });
      continue;
    }
    const out = f.binds.find(([into]) => into === i)?.[1];
    const k = f.coders.findIndex((c, n) => c.outs === 1 && c.ins === 1 && base(f, n, 'outs') === out);
    const pack = f.packed.indexOf(base(f, k, 'ins'));
    if (k < 0 || k === b || !READ.has(f.coders[k]!.id) || pack < 0) return undefined;
    inputs.push({ pack, coder: k });
  }
  return f.coders.length === 1 + inputs.filter((x) => x.coder !== undefined).length ? inputs : undefined;
}

export const supported = (f: Folder) => (chain(f) !== undefined && f.coders.every((c) => READ.has(c.id))) || bcj2Graph(f) !== undefined;

/** What makes a folder unreadable, for the message: `compressed with PPMd (coder 030401)`, `encrypted (AES-256…)`. */
export function describeCoders(f: Folder): string {
  const bad = f.coders.filter((c) => !READ.has(c.id));
  const named = (c: Coder) => `${NAMES[c.id] ?? 'an unknown method'} (coder ${c.id})`;
  if (bad.some((c) => c.id === '06f10701')) return 'encrypted (AES-256, coder 06f10701)';
  if (!bad.length) return 'in a coder graph of several streams';
  return `compressed with ${bad.map(named).join(' + ')}`;
}

/** One coder as a stage writing to `emit`. */
function stage(c: Coder, size: number, emit: Emit, env: DecodeEnv, fail: (why: string) => void): Decoding {
  if (c.id === '030101') {
    const props = c.props.length === 5 ? parseProps(c.props[0]!, new DataView(c.props.buffer, c.props.byteOffset + 1, 4).getUint32(0, true)) : undefined;
    if (props) return lzmaRun(props, size, emit, fail);
    fail('LZMA properties that cannot be read');
  } else if (c.id === '21') return lzma2Run(c.props[0] ?? 0xff, size, emit, fail);
  else if (c.id === '03030103' || ALIGNED[c.id] || c.id === '03') {
    const start = c.props.length === 4 ? new DataView(c.props.buffer, c.props.byteOffset, 4).getUint32(0, true) : 0;
    const Aligned = ALIGNED[c.id];
    const bcj = c.id === '03' ? xzDeltaFilter(c.props) : Aligned ? new Aligned(start) : new BcjX86();
    if (bcj) return { push: async (b) => void (await emit(bcj.push(b))), end: async () => void (await emit(bcj.end())) };
    fail('Delta properties that cannot be read');
  } else if (c.id === '040108' || c.id === '040202') {
    const inner: DecodeEnv = {
      path: env.path,
      open: () => ({ write: async (b) => void (await emit(b)), end: () => undefined }),
      openAt: () => ({ write: async (b) => void (await emit(b)), end: () => undefined }),
      allow: () => !env.stopped,
      limit: (what) => fail(what),
      ratio: env.ratio,
      get stopped() {
        return env.stopped;
      },
    };
    return c.id === '040108' ? rawDeflate(inner) : bzip2.open(inner);
  } else if (c.id === '040109') return deflate64Run(size, emit, fail);
  else if (c.id === '030401') return ppmdRun(c.props, size, emit, fail);
  else if (c.id === '00') return { push: async (b) => void (await emit(b)), end: () => undefined };
  return { push: () => undefined, end: () => undefined };
}

/** Decodes folder `f`, its packed stream read by `packs[0]`, its output to `emit`; damage told to `fail`. */
export async function decodeFolder(
  f: Folder,
  packs: Array<() => Iterable<Uint8Array>>,
  emit: Emit,
  env: DecodeEnv,
  fail: (why: string) => void,
): Promise<void> {
  const order = chain(f);
  const graph = order ? undefined : bcj2Graph(f);
  if (graph) return decodeBcj2(f, graph, packs, emit, env, fail);
  if (!order || !packs[0]) return fail('a coder graph that cannot be read');
  let failed = false;
  const failOnce = (why: string) => {
    if (!failed) fail(why);
    failed = true;
  };
  const stages: Decoding[] = [];
  let next: Emit = emit;
  for (const k of [...order].reverse()) {
    const s = stage(f.coders[k]!, f.sizes[k] ?? 0, next, env, failOnce);
    stages.unshift(s);
    next = async (b) => {
      await s.push(b.slice());
      return !env.stopped && !failed;
    };
  }
  for (const piece of packs[0]()) {
    if (env.stopped || failed) break;
    await stages[0]!.push(piece);
  }
  for (const s of stages) await s.end();
}

/** One BCJ2 input: its pack stream as it is, or that stream through its coder. */
function bcj2Source(f: Folder, x: Bcj2Input, packs: Array<() => Iterable<Uint8Array>>, env: DecodeEnv): Bcj2Source {
  const pack = packs[x.pack];
  const bytes = (p: () => Iterable<Uint8Array>) => [...p()].reduce((n, b) => n + b.length, 0);
  if (x.coder === undefined)
    return {
      size: pack ? bytes(pack) : 0,
      read: async (keep) => {
        if (!pack) return false;
        for (const piece of pack()) if (!(await keep(piece))) break;
        return true;
      },
    };
  const c = f.coders[x.coder]!;
  const size = f.sizes[base(f, x.coder, 'outs')] ?? 0;
  return {
    size,
    read: async (keep) => {
      if (!pack) return false;
      let failed = false;
      const one: Folder = { coders: [c], binds: [], packed: [0], sizes: [size] };
      await decodeFolder(one, [pack], keep, env, () => void (failed = true));
      return !failed;
    },
  };
}

/** A BCJ2 folder: its four inputs gathered (as far as its output may be read: `decodeBcj2Block`), then BCJ2's output written to `emit` in slices. */
async function decodeBcj2(
  f: Folder,
  graph: Bcj2Input[],
  packs: Array<() => Iterable<Uint8Array>>,
  emit: Emit,
  env: DecodeEnv,
  fail: (why: string) => void,
): Promise<void> {
  const packed = packs.reduce((n, p) => n + [...p()].reduce((m, b) => m + b.length, 0), 0);
  const sources = graph.map((x) => bcj2Source(f, x, packs, env));
  await decodeBcj2Block(sources, f.sizes[mainOut(f)] ?? 0, packed, env, emit, fail, SLICE);
}
