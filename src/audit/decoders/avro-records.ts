/**
 * An Avro block's records read by the file's writer schema (the header's `avro.schema`): each `bytes`, `string` and
 * `fixed` value found with its offset in the block — the values handed on to the whole-value trial (value-streams.ts
 * `valuesOnward`): a field a producer compressed with brotli, raw deflate or raw LZMA2. Primitives, records, enums,
 * arrays and maps (in blocks, a negative count followed by a size), unions, fixed, named types referred to by name (and
 * namespace), logical types as their underlying type. A schema that does not parse, or records that do not follow it,
 * end the read where they stop (`RecordsRead.stopped`).
 */
import { MIN_VALUE, type HeldValue } from './value-streams.js';

type Schema = string | Schema[] | { type: string | Schema; [k: string]: unknown };

/** What a block's read gave: its values, and whether it stopped before its records' end. */
export interface RecordsRead {
  values: HeldValue[];
  stopped: boolean;
}

const BAD = new Error('records do not follow the schema');
const MAX_DEPTH = 64;

/** The schema of an Avro header's `avro.schema`, with its named types; undefined when it is not JSON. */
export function avroSchema(json: string): { root: Schema; named: Map<string, Schema> } | undefined {
  let root: Schema;
  try {
    root = JSON.parse(json) as Schema;
  } catch {
    return undefined;
  }
  const named = new Map<string, Schema>();
  const visit = (s: Schema, ns: string, depth: number): void => {
    if (depth > MAX_DEPTH || typeof s === 'string' || s === null) return;
    if (Array.isArray(s)) return s.forEach((x) => visit(x, ns, depth + 1));
    if (typeof s.name === 'string') {
      const full = s.name.includes('.') ? s.name : ns ? `${ns}.${s.name}` : s.name;
      named.set(full, s);
      named.set(s.name.split('.').pop()!, s);
      ns = typeof s.namespace === 'string' ? s.namespace : full.split('.').slice(0, -1).join('.');
    }
    if (typeof s.type === 'object') visit(s.type, ns, depth + 1);
    for (const k of ['items', 'values'] as const) if (s[k]) visit(s[k] as Schema, ns, depth + 1);
    if (Array.isArray(s.fields)) for (const f of s.fields as { type: Schema }[]) if (f && f.type !== undefined) visit(f.type, ns, depth + 1);
  };
  visit(root, '', 0);
  return { root, named };
}

/** Reads `count` records of `schema` from `b`, values at `base` + their offset. */
export function avroRecords(b: Uint8Array, count: number, schema: NonNullable<ReturnType<typeof avroSchema>>, base?: number): RecordsRead {
  const values: HeldValue[] = [];
  let at = 0;
  const long = (): number => {
    let v = 0;
    for (let shift = 0; shift <= 63; shift += 7) {
      const byte = b[at++];
      if (byte === undefined) throw BAD;
      v += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return v % 2 ? -(v + 1) / 2 : v / 2;
    }
    throw BAD;
  };
  const raw = (n: number, keep: boolean) => {
    if (n < 0 || at + n > b.length) throw BAD;
    if (keep && n >= MIN_VALUE) values.push({ bytes: b.subarray(at, at + n), ...(base === undefined ? {} : { at: base + at }) });
    at += n;
  };
  const blocks = (item: () => void) => {
    for (let n = long(); n !== 0; n = long()) {
      if (n < 0) long(); // the block's size in bytes
      for (let i = Math.abs(n); i > 0; i--) item();
    }
  };
  const read = (s: Schema, depth: number): void => {
    if (depth > MAX_DEPTH) throw BAD;
    if (Array.isArray(s)) {
      const branch = s[long()];
      if (branch === undefined) throw BAD;
      return read(branch, depth + 1);
    }
    const o = typeof s === 'string' ? undefined : s;
    const type = o ? o.type : s;
    if (typeof type !== 'string') return read(type, depth + 1);
    switch (type) {
      case 'null':
        return;
      case 'boolean':
        return raw(1, false);
      case 'int':
      case 'long':
      case 'enum':
        return void long();
      case 'float':
        return raw(4, false);
      case 'double':
        return raw(8, false);
      case 'bytes':
      case 'string':
        return raw(long(), true);
      case 'fixed':
        return raw(Number(o?.size), true);
      case 'array':
        return blocks(() => read(o?.items as Schema, depth + 1));
      case 'map':
        return blocks(() => {
          raw(long(), true);
          read(o?.values as Schema, depth + 1);
        });
      case 'record':
      case 'error':
        for (const f of (o?.fields ?? []) as { type: Schema }[]) read(f.type, depth + 1);
        return;
      default: {
        const ref = schema.named.get(type) ?? schema.named.get(type.split('.').pop()!);
        if (!ref || ref === s) throw BAD;
        return read(ref, depth + 1);
      }
    }
  };
  try {
    for (let i = 0; i < count; i++) read(schema.root, 0);
    return { values, stopped: at !== b.length };
  } catch (e) {
    if (e !== BAD && !(e instanceof RangeError)) throw e;
    return { values, stopped: true };
  }
}
