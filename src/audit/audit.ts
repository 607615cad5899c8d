/**
 * The pre-push audit: every value the run knows is secret, looked for — as it is and as it is
 * commonly re-encoded — in every layer of the built image (deleted and overwritten files included,
 * tar headers included), in its config (Env, Labels, Cmd, history, …) and in manifest and index
 * annotations, attestation manifests too; and every private key block, matched to the keys handed
 * to the build. One pass over each decompressed layer, streaming; findings name the place and the
 * input, never the value.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { keepHeapSmall } from '../core/heap.js';
import { BLOB_READ, feedBlob } from './blob-feed.js';
import { localBlob, type Adopted } from '../oci/adopt.js';
import { blobPath, type Descriptor } from '../oci/layout.js';
import type { ImageGraph, ManifestNode } from '../oci/graph.js';
import { endsPrivateKey, PRIVATE_KEY_BEGIN, PRIVATE_KEY_BLOCK } from '../secrets/private-key.js';
import { keyIdentity } from './keys.js';
import { Automaton, type Pattern } from './matcher.js';
import { EscapeScan, escapeFamilies, Families, type EscapedMatch } from './escapes.js';
import { isRegularFile, TarWalker, type TarEntry } from './tar.js';
import { encodings, MIN_SECRET_LENGTH } from './forms.js';
import { isBase64Alphabet, WrappedScan } from './wrapped.js';
import { NOTATION_LABELS } from './decoders/runs.js';
import { UTF7_LABEL } from './decoders/utf7.js';
import { isLayerTar, layerDecompressor } from './decoders/layer.js';
import { NextTarHeader, zstdLayer } from './decoders/zstd-frames.js';
import { DEFAULT_LIMITS, LayerRoutes, type Limits } from './nested.js';

/** Config and annotation strings shorter than this are not routed as content: they hold no encoded stream of a value. */
const ROUTED_TEXT = 32;

export { encodings, MIN_SECRET_LENGTH } from './forms.js';

export interface AuditSecret {
  /** Where it came from, for messages: `secret 'token' (secrets)`, `ssh-key`, `registry-auth for ghcr.io`. */
  name: string;
  value: string;
  /** The exact bytes, for a value that is not UTF-8 text (a binary secret file); `value` is then its latin1 reading. */
  bytes?: Buffer;
}

export interface Finding {
  /** `leak`: a secret of this run, or the key handed to it; `key`: some other private key (reported, does not fail). */
  /** `limit`: a part not fully audited (a bound passed, a format not read); it fails only under `audit-limits: strict`. */
  severity: 'leak' | 'key' | 'limit';
  /** What was found, without the value: `secret 'token' (secrets), base64`. */
  what: string;
  /** The first 12 hex digits of the value's SHA-256, to tell values apart without showing them. */
  fingerprint?: string;
  /** Where: the layer and the step that made it, the file; or the config field. */
  where: string;
}

export interface AuditResult {
  findings: Finding[];
  /** Secrets not looked for, with why. */
  skipped: string[];
  /** Secrets looked for by a part of them only, with why (`MAX_PATTERN`). */
  cut: string[];
  layers: number;
  /** Decompressed bytes scanned. */
  bytes: number;
}

/**
 * The labels of readers' copies of text: a text notation's (`NOTATION_LABELS`), and UTF-7 text's — its segments decoded,
 * the rest as it stands, so a value a decoder finds in the text beside a segment (an ascii85 blob under an IMAP folder
 * name, a chance `&Ac4-` in ascii85) is found in the copy too.
 */
const COPY_LABELS: ReadonlySet<string> = new Set([...NOTATION_LABELS, UTF7_LABEL]);
/** The label of the copy whose `(` is just before `at` in `where` (`wrapped text` of `(wrapped text at 9)`). */
const labelAt = (where: string, at: number) => where.slice(at, where.indexOf(' at ', at));
/** A finding's path with its offsets left out (`(ascii85 at #)`, `@#`). */
const unplaced = (where: string) => where.replace(/ at \d+\)/g, ' at #)').replace(/@\d+/g, '@#');
/** The path with one of its readers' copies (`!(<label> at #)` followed by more) taken out, each way. */
function withoutOneCopy(where: string): string[] {
  const out: string[] = [];
  for (const m of where.matchAll(/!\(([^()]*) at #\)(?=!)/g))
    if (COPY_LABELS.has(m[1]!)) out.push(where.slice(0, m.index) + where.slice(m.index + m[0].length));
  return out;
}

/**
 * A secret inside an archive is found twice: in the archive's bytes, and in the member that holds
 * it. Only the member's place is kept (`app.tar.gz!/etc/.npmrc`, not `app.tar.gz`); so for a value found
 * encoded in a text and plain in the run decoded from it (`release.yaml!(base64 at 120)`). But a copy a
 * text notation or the UTF-7 reader made (`!(wrapped text at 9272)`: `COPY_LABELS`) that holds the value just as the text
 * around it already did — the same finding, escapes and all — is no more precise: the text's place is kept.
 * A decoder's output (`!(strings)`, `!(unfolded)`, `!(base64 at 120)`) is not such a copy: it is kept.
 */
export function mostPrecise(findings: readonly Finding[]): Finding[] {
  const same = (f: Finding, g: Finding) => g.what === f.what || (!!g.fingerprint && g.fingerprint === f.fingerprint);
  /** `inner` is a reader's copy of `outer`'s text holding what `outer` holds as it stands. */
  const copyOf = (inner: Finding, outer: Finding) => {
    const base = `${outer.where.endsWith('!') ? outer.where.slice(0, -1) : outer.where}!(`;
    return inner.what === outer.what && inner.where.startsWith(base) && COPY_LABELS.has(labelAt(inner.where, base.length));
  };
  // A copy's finding that is another's with the copy taken out of its path — offsets in a copy counted from its window — (`f!(joined literals at 0)!(ascii85 at 6)` beside `f!(ascii85 at 6)`).
  const places = new Map<string, Set<string>>();
  for (const f of findings) places.set(f.what, (places.get(f.what) ?? new Set()).add(unplaced(f.where)));
  const copied = (f: Finding) => withoutOneCopy(unplaced(f.where)).some((w) => places.get(f.what)!.has(w));
  // A copy's finding goes first; only a finding kept may then stand for one it is more precise than: a place dropped for
  // one that is itself a copy's left the value with no finding at all (a value plain in a psql table and in its bytea
  // hex, which the table's copy joined: `f` for `f!(table cells at 0)` in hex, itself dropped for its own copy's).
  const kept = findings.filter((f) => !findings.some((o) => o !== f && copyOf(f, o)) && !copied(f));
  return kept.filter(
    (f) =>
      !kept.some(
        (g) =>
          g !== f && same(f, g) && g.where.length > f.where.length && g.where.startsWith(f.where) && '!/@'.includes(g.where[f.where.length]!) && !copyOf(g, f),
      ),
  );
}

/** One content of a layer being scanned: its chunks in order, then its end. */
interface LayerPart {
  write: (chunk: Buffer) => Promise<void>;
  end: () => Promise<void>;
}

type Tag = { kind: 'secret'; name: string; fingerprint: string; encoding: string } | { kind: 'key'; begin: string };

const fingerprintOf = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);

/**
 * The longest pattern the automata take: a longer form of a value (a kubeconfig with its certificates, a secret file of
 * megabytes; its hex twice that) is looked for by its first MAX_PATTERN bytes — a copy of the value holds them, and 16 KiB
 * matched by chance is no chance. Whole, a 2 MiB value's forms made a trie of ~1.5 GB while compiling, and its hex passed
 * the deep states' 22 bits; a 53 KB value's forms cost 113 MiB RSS at 64 KiB, 89 at 16 KiB (an 8-character value's: 85).
 * 16 KiB holds every form of a 4096-bit RSA key's PEM (3.2 KB; its UTF-32 form 13 KB) whole: no warning for a key.
 */
export const MAX_PATTERN = 16 * 1024;

/** What a run's secrets compile to: the automata, the escape families read through, the longest patterns. */
export interface Compiled {
  automaton: Automaton<Tag>;
  families: Families;
  /** The longest pattern of `automaton`, in bytes. */
  span: number;
  wrapped: Automaton<Tag>;
  wrappedSpan: number;
  skipped: string[];
  cut: string[];
}

/** The automaton for a run's secrets and the private key markers; short values are left out and said. */
export function compile(secrets: readonly AuditSecret[]): Compiled {
  const patterns: Array<Pattern<Tag>> = PRIVATE_KEY_BEGIN.map((begin) => ({ bytes: Buffer.from(begin), tag: { kind: 'key', begin } }));
  // The base64 and hex forms once more, for the stream read with its line breaks left out: base64
  // wrapped at any width (base64's 76, openssl's 64, PEM bodies) and hex as `xxd -p` writes it, LF or CRLF.
  const wrapped: Array<Pattern<Tag>> = [];
  const skipped: string[] = [];
  const cut: string[] = [];
  const seen = new Set<string>();
  for (const s of secrets) {
    if (s.value.length < MIN_SECRET_LENGTH) {
      skipped.push(`${s.name} is shorter than ${MIN_SECRET_LENGTH} characters: not looked for (it would match by chance)`);
      continue;
    }
    const fingerprint = fingerprintOf(s.value);
    // Each form as far as it is looked for: its start is made from the value's (`encodings`' reach).
    const forms = encodings(s.value, s.bytes, MAX_PATTERN);
    if (forms.some(([form]) => form.length > MAX_PATTERN))
      cut.push(`${s.name} is longer than ${MAX_PATTERN >> 10} KiB in some form: looked for by the first ${MAX_PATTERN >> 10} KiB of each such form`);
    for (const [form, encoding] of forms) {
      const whole = typeof form === 'string' ? Buffer.from(form) : form;
      // A copy of the first MAX_PATTERN bytes: the automata keep their patterns, and a view would keep the whole form.
      const bytes = whole.length > MAX_PATTERN ? Buffer.from(whole.subarray(0, MAX_PATTERN)) : whole;
      const key = `${s.name}\0${bytes.toString('hex')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      patterns.push({ bytes, tag: { kind: 'secret', name: s.name, fingerprint, encoding } });
      // Hex wraps too (`xxd -p` writes 60 digits a line); its digits are base64 characters, so the same windows find it.
      // So does a plain value of base64's alphabet (a token, `ghp_…`) cut by `fold -w 64` from column 0.
      if (encoding.startsWith('base64') || encoding === 'hex' || (encoding === 'plain' && isBase64Alphabet(bytes)))
        wrapped.push({ bytes, tag: { kind: 'secret', name: s.name, fingerprint, encoding } });
    }
  }
  // The automaton stops where an escape may begin: the scan reads on from there as each escape family decodes.
  const families = new Families(escapeFamilies(patterns.some((p) => p.tag.kind === 'secret' && p.bytes.includes(0x20))));
  return {
    automaton: new Automaton(patterns, families.stops),
    families,
    span: Math.max(0, ...patterns.map((p) => p.bytes.length)),
    wrapped: new Automaton(wrapped),
    wrappedSpan: Math.max(0, ...wrapped.map((p) => p.bytes.length)),
    skipped,
    cut,
  };
}

const KEY_CAPTURE_LIMIT = 16 * 1024;

export interface AuditOptions {
  /** Bounds on opening archives and compressed files inside layers (default DEFAULT_LIMITS). */
  limits?: Limits;
  /** `audit-limits: strict`: a part not fully audited is a failure, not a warning. */
  strictLimits?: boolean;
  secrets: readonly AuditSecret[];
  /** Identities (`keyIdentity`) of the private keys handed to the build, by name. */
  handedKeys: ReadonlyMap<string, string>;
  /** Removes known secrets from text that goes into a finding (a Dockerfile step may hold one). */
  redact: (text: string) => string;
  /** Layers the manifest names by a base's registry blob: the layout's stand-in holds the same content. */
  adopted?: Adopted;
  /** Told as each layer chunk is read (decompressed bytes and layers so far), for a progress line. */
  progress?: (so: { bytes: number; layers: number }) => void;
}

/** Audits the image graph of an OCI layout: layers, configs, manifests, indexes. */
export async function auditLayout(layoutDir: string, graph: ImageGraph, o: AuditOptions): Promise<AuditResult> {
  keepHeapSmall(); // layers about to stream: V8's young generation stays at the size it has (core/heap.ts)
  const audit = new LayoutAudit(layoutDir, o);
  for (const node of [graph.root, ...graph.children, ...(graph.referrers ?? [])])
    await audit.scanNode(node, node === graph.root && graph.children.length > 0 ? 'index' : 'manifest');
  return { ...audit.result, findings: mostPrecise(audit.result.findings) };
}

/** One audit's state: the compiled secrets, what was found (each place once), what was scanned. */
export class LayoutAudit {
  readonly result: AuditResult;
  readonly #compiled: Compiled;
  readonly #reported = new Set<string>();
  readonly #scannedBlobs = new Set<string>();

  constructor(
    readonly layoutDir: string,
    readonly o: AuditOptions,
  ) {
    this.#compiled = compile(o.secrets);
    this.result = { findings: [], skipped: this.#compiled.skipped, cut: this.#compiled.cut, layers: 0, bytes: 0 };
  }

  report(f: Finding): void {
    const key = `${f.what}\0${f.where}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.result.findings.push(f);
  }

  /** `escapes`: the escapes the value was read through (`JSON \u-escaped`), if any. */
  secretFinding(tag: Extract<Tag, { kind: 'secret' }>, where: string, escapes?: string): void {
    const how = [tag.encoding === 'plain' ? '' : tag.encoding, escapes ?? ''].filter(Boolean).join(', ');
    this.report({ severity: 'leak', what: `${tag.name}${how ? `, ${how}` : ''}`, fingerprint: tag.fingerprint, where });
  }

  /** A scan of one stream by the compiled automaton, reading through escapes; `where` names the file whose escape readings passed their budget. */
  #scan(onMatch: (m: EscapedMatch<Tag>) => void, where: () => string): EscapeScan<Tag> {
    const { automaton, families, span } = this.#compiled;
    return new EscapeScan(automaton, families, span, onMatch, (what) => this.limit(what, where()));
  }

  /** A part not fully audited: a failure under `audit-limits: strict`. */
  limit(what: string, where: string): void {
    this.report({ severity: this.o.strictLimits ? 'leak' : 'limit', what: `not fully audited: ${what}`, where });
  }

  /** Scans a short text (a config field, an annotation) on its own. */
  scanText(text: string, where: string): void {
    const keys: string[] = [];
    const onMatch = (m: EscapedMatch<Tag>) => (m.tag.kind === 'secret' ? this.secretFinding(m.tag, where, m.escapes) : m.escapes || keys.push(m.tag.begin));
    this.#scan(onMatch, () => where).write(Buffer.from(text));
    if (keys.length) this.analyzeKey(text.slice(text.indexOf(keys[0]!)), where);
  }

  analyzeKey(text: string, where: string): void {
    const block = PRIVATE_KEY_BLOCK.exec(text)?.[0];
    if (!block) return;
    const identity = keyIdentity(block);
    const handed = identity ? [...this.o.handedKeys].find(([, id]) => id === identity)?.[0] : undefined;
    if (handed) this.report({ severity: 'leak', what: `the private key handed to this build (${handed}, SHA256:${identity})`, where });
    else
      this.report({
        severity: 'key',
        what: `a private key${identity ? ` (SHA256:${identity})` : ' (its public key cannot be told: encrypted or damaged)'}`,
        where,
      });
  }

  /** Config and annotation strings that may hold a stream (`ENV SEED=<base64 of a tar.zst>`): routed as files' contents are. */
  readonly #texts: Array<{ text: string; where: string }> = [];

  walkJson(value: unknown, path: string, where: (path: string) => string): void {
    if (typeof value === 'string') {
      this.scanText(value, where(path));
      if (value.length >= ROUTED_TEXT) this.#texts.push({ text: value, where: where(path) });
    } else if (Array.isArray(value)) value.forEach((v, i) => this.walkJson(v, `${path}[${i}]`, where));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        this.scanText(k, where(`${path}{key ${JSON.stringify(k)}}`));
        this.walkJson(v, /^[A-Za-z_]\w*$/.test(k) ? `${path ? `${path}.` : ''}${k}` : `${path}[${JSON.stringify(k)}]`, where);
      }
    }
  }

  /** A manifest or index: its annotations, its config, each layer once. */
  async scanNode(node: ManifestNode, what: string): Promise<void> {
    const parsed = JSON.parse(node.bytes.toString('utf8')) as { annotations?: Record<string, string>; config?: Descriptor; layers?: Descriptor[] };
    this.walkJson(parsed.annotations ?? {}, 'annotations', (p) => `${what} ${node.digest} ${p}`);
    await this.#routeTexts();
    if (!parsed.config) return;
    const configDigest = parsed.config.digest;
    const configBytes = await readFile(blobPath(this.layoutDir, configDigest));
    let config: { history?: Array<{ created_by?: string; empty_layer?: boolean }> } = {};
    try {
      config = JSON.parse(configBytes.toString('utf8')) as typeof config;
      if (!this.#scannedBlobs.has(configDigest)) this.walkJson(config, '', (p) => `image config ${configDigest} ${p}`);
    } catch {
      // Not JSON (an artifact's config): scanned as bytes.
      if (!this.#scannedBlobs.has(configDigest)) this.scanText(configBytes.toString('latin1'), `config blob ${configDigest}`);
    }
    this.#scannedBlobs.add(configDigest);
    await this.#routeTexts();
    const steps = (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by);
    for (const [i, layer] of (parsed.layers ?? []).entries()) {
      if (this.#scannedBlobs.has(layer.digest)) continue;
      this.#scannedBlobs.add(layer.digest);
      const step = steps[i] ? ` (${this.o.redact(steps[i]!.replace(/^\/bin\/sh -c (#\(nop\) )?/, '').trim()).slice(0, 100)})` : '';
      await this.scanBlob(localBlob(this.o.adopted, layer), `layer ${layer.digest}${step}`);
    }
  }

  /** A layer, decompressed and cut into tar entries, in one pass of the automaton; key blocks captured. */
  async scanBlob(blob: Descriptor, label: string): Promise<void> {
    const decompress = layerDecompressor(blob.mediaType);
    if (decompress === 'unsupported') {
      return this.report({ severity: 'leak', what: `a layer that cannot be read (${blob.mediaType}: this Node has no zstd)`, where: label });
    }
    const path = blobPath(this.layoutDir, blob.digest);
    if (decompress === 'zstd') return this.#scanZstdLayer(createReadStream(path, { highWaterMark: BLOB_READ }), blob, label);
    if (!decompress) return this.scanStream(createReadStream(path, { highWaterMark: BLOB_READ }), blob, label);
    const inflate = decompress();
    const fed = feedBlob(path, inflate);
    try {
      await this.scanStream(inflate, blob, label);
    } finally {
      inflate.destroy(); // ended, or the scan failed: the feed stops either way
      await fed;
    }
  }

  /**
   * A `+zstd` layer frame by frame (`zstdLayer`): a frame not read — a dictionary Hoist does not have, a window above
   * 128 MiB, the rest of one past the layer's 32 MiB frame bound — is a limit of the layer, named with its offset, never
   * the end of the whole audit; the tar before it is audited. The frames after it are another content, `label@offset!`:
   * its bytes up to the next tar header are scanned as no entry's (the rest of the file the gap cut), and from there
   * the tar is walked again (`NextTarHeader`). A walk that cannot go on (damage) is said as a tar that cannot be walked is.
   */
  async #scanZstdLayer(file: Readable, blob: Pick<Descriptor, 'mediaType' | 'size'>, label: string): Promise<void> {
    let part: LayerPart | undefined = this.#layerPart(blob, label);
    let next: NextTarHeader | undefined;
    let before: LayerPart | undefined;
    let at = label;
    const endPart = async () => {
      if (before && next) await before.write(next.end());
      await before?.end();
      await part?.end();
      before = part = undefined;
    };
    for await (const o of zstdLayer(file)) {
      if (Buffer.isBuffer(o)) {
        if (!next) await part!.write(o);
        else {
          const { before: lost, from } = next.split(o);
          if (lost.length) await before!.write(lost);
          if (from) {
            part ??= this.#layerPart(blob, at);
            await part.write(from);
          }
        }
      } else if ('gap' in o) {
        this.limit(`${o.gap}, at byte ${o.offset} of the layer's blob: not audited`, at);
        await endPart();
      } else if ('resume' in o) {
        at = `${label}@${o.resume}!`;
        next = new NextTarHeader();
        before = this.#layerPart(blob, at, 'bytes before the first tar header after the gap');
      } else {
        this.report({ severity: 'leak', what: `a layer that cannot be audited (a damaged zstd stream: ${o.damage}; the rest of the layer)`, where: at });
      }
    }
    await endPart();
    this.result.layers++;
  }

  /** A layer's bytes, decompressed, as they come (from its blob, or as a builder streams it: `streamed.ts`). */
  async scanStream(stream: AsyncIterable<Buffer>, blob: Pick<Descriptor, 'mediaType' | 'size'>, label: string): Promise<void> {
    const part = this.#layerPart(blob, label);
    for await (const chunk of stream) await part.write(chunk);
    await part.end();
    this.result.layers++;
  }

  /**
   * One content of a layer, chunk by chunk: its tar walked (a layer's media type says it is one), or its bytes as one
   * entry, `whole` (not a tar; or, for a `+zstd` layer's frames after a gap, the bytes before the next tar header).
   */
  #layerPart(blob: Pick<Descriptor, 'mediaType' | 'size'>, label: string, whole?: string): LayerPart {
    const feed = this.#feeder(label);
    // A tar that cannot be walked is not audited, whatever its bytes held: said, and it fails under audit: fail.
    const broken = (reason: string) => this.report({ severity: 'leak', what: `a layer that cannot be audited (${reason})`, where: label });
    // Each file's contents also go to a router that opens what they hold (archives, compressed streams, encoded runs).
    const routes = this.#routes(label);
    const walker =
      whole === undefined && isLayerTar(blob.mediaType)
        ? new TarWalker((bytes, e, part) => {
            feed.write(bytes, e);
            routes.segment(bytes, e, part);
          }, broken)
        : undefined;
    const entry: TarEntry = { path: whole ?? `content (${blob.mediaType})`, type: '0', size: whole === undefined ? blob.size : 0 };
    return {
      write: async (chunk) => {
        this.result.bytes += chunk.length;
        this.o.progress?.(this.result);
        if (walker) walker.write(chunk);
        else feed.write(chunk, entry);
        await routes.settled; // what the chunk held is decoded before the next is read: memory stays one chunk deep
      },
      end: async () => {
        await routes.finish();
        feed.end();
      },
    };
  }

  /** The strings the walks kept, each routed as the content of a file named `value` under its place. */
  async #routeTexts(): Promise<void> {
    for (const { text, where } of this.#texts.splice(0)) {
      const routes = this.#routes(where);
      const router = routes.file('value');
      await router.push(Buffer.from(text));
      await router.end();
    }
  }

  /** How a layer's files are opened: each thing inside scanned under its path, and routed again. */
  #routes(label: string): LayerRoutes {
    return new LayerRoutes({
      limits: this.o.limits ?? DEFAULT_LIMITS,
      open: (path, depth, route) => {
        const feed = this.#feeder(label);
        const entry: TarEntry = { path, type: '0', size: 0 };
        const router = route(path, depth);
        return {
          write: (bytes) => {
            this.result.bytes += bytes.length;
            feed.write(bytes, entry);
            return router.push(bytes);
          },
          end: async () => {
            await router.end();
            feed.end();
          },
        };
      },
      limit: (what, path) => this.limit(what, `${label}, ${path}`),
    });
  }

  /** Feeds a layer's segments to the automaton, each tagged with its tar entry; captures key blocks for `analyzeKey`. */
  #feeder(label: string): { write: (bytes: Uint8Array, e: TarEntry | undefined) => void; end: () => void } {
    let entry: TarEntry | undefined;
    let segmentEnd = 0;
    let capture: { entry: TarEntry | undefined; parts: Buffer[]; size: number; from: number } | undefined;
    const finishCapture = () => {
      if (capture) this.analyzeKey(Buffer.concat(capture.parts).toString('latin1'), `${label}, ${capture.entry ? capture.entry.path : 'blob'}`);
      capture = undefined;
    };
    const where = () =>
      `${label}, ${entry ? (isRegularFile(entry.type) ? entry.path : `${entry.path} (tar header or ${entry.type === '2' ? 'link' : 'entry'})`) : 'tar padding'}`;
    const scanner = this.#scan((m) => {
      // A key marker is looked for as it is: a block is read from the bytes that follow it.
      if (m.tag.kind === 'key' && m.escapes) return;
      if (m.tag.kind === 'secret') this.secretFinding(m.tag, where(), m.escapes);
      else if (!capture) capture = { entry, parts: [Buffer.from(m.tag.begin)], size: m.tag.begin.length, from: m.end };
    }, where);
    const wrappedHit = (m: { tag: Tag }) => {
      if (m.tag.kind === 'secret') this.secretFinding(m.tag, `${label}, ${entry ? entry.path : 'tar padding'}`);
    };
    const unwrapped = new WrappedScan(this.#compiled.wrapped, this.#compiled.wrappedSpan, wrappedHit);
    const write = (bytes: Uint8Array, e: TarEntry | undefined) => {
      if (capture && capture.entry !== e) finishCapture();
      if (e !== entry) {
        unwrapped.end(); // nothing carries over from one entry to the next
        scanner.file(); // each file's escape readings have a budget of their own
      }
      entry = e;
      const start = segmentEnd;
      segmentEnd += bytes.length;
      scanner.write(bytes);
      unwrapped.write(bytes);
      if (capture && capture.entry === e && capture.size < KEY_CAPTURE_LIMIT) {
        const part = Buffer.from(
          bytes.subarray(Math.max(0, capture.from - start), Math.min(bytes.length, Math.max(0, capture.from - start) + KEY_CAPTURE_LIMIT - capture.size)),
        );
        capture.parts.push(part);
        capture.size += part.length;
        capture.from = segmentEnd;
        if (endsPrivateKey(Buffer.concat(capture.parts).toString('latin1'))) finishCapture();
      }
    };
    return {
      write,
      end: () => {
        unwrapped.end();
        finishCapture();
      },
    };
  }
}
