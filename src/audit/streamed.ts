/**
 * The audit of an image whose layers stream past once — the docker path: `docker save`'s archive is
 * read once, into the hash, the layout and this audit at the same time, instead of written and
 * then read back for the audit after the whole archive is converted. Each uncompressed layer is
 * scanned as it arrives, under a stand-in label (which layer it is in the image is known only once
 * the archive's config is read); `finish` then audits the rest of the image as `auditLayout` does —
 * configs, annotations, any layer that did not stream (a compressed one, one whose content was
 * rewritten: reproducible times) — names each streamed layer's findings by its place, and reads no
 * streamed layer again.
 */
import { readFile } from 'node:fs/promises';
import type { LayerAudit, LayerHint } from '../core/builder.js';
import { keepHeapSmall } from '../core/heap.js';
import type { Effects } from '../effects/effects.js';
import type { Adopted } from '../oci/adopt.js';
import type { ImageGraph } from '../oci/graph.js';
import { blobPath, type Descriptor } from '../oci/layout.js';
import type { NamedSecret } from '../secrets/catalog.js';
import { looksLikePrivateKey } from '../secrets/private-key.js';
import { LayoutAudit, mostPrecise, type AuditOptions, type AuditResult } from './audit.js';
import { openAuditedCache, type AuditedCache } from './audited-cache.js';
import { keyIdentity } from './keys.js';

/** The stand-in label of the n-th streamed layer: no real label starts with a NUL. */
const standIn = (n: number) => `\0streamed layer ${n}\0`;

/** The layout audit, where a layer that streamed by is not read again: its findings take the label the image gives it. */
class SkippingStreamed extends LayoutAudit {
  /** Content digest → the stand-in labels it was scanned under (a content repeated in the archive streams twice). */
  readonly streamed = new Map<string, string[]>();
  /** A layout blob → the digest of its uncompressed content, when they differ (own layers are compressed). */
  readonly contentOf = new Map<string, string>();

  override async scanBlob(blob: Descriptor, label: string): Promise<void> {
    const content = this.contentOf.get(blob.digest) ?? blob.digest;
    const labels = this.streamed.get(content);
    if (!labels) return super.scanBlob(blob, label);
    this.streamed.delete(content);
    this.relabel(labels, label);
  }

  relabel(labels: readonly string[], label: string): void {
    for (const f of this.result.findings) {
      const from = labels.find((l) => f.where.startsWith(l));
      if (from) f.where = label + f.where.slice(from.length);
    }
  }
}

export class StreamedAudit implements LayerAudit {
  readonly #audit: SkippingStreamed;
  readonly #options: AuditOptions;
  /** The secrets compiled, as the catalog held them: one added later means the layers must be read again. */
  readonly #secrets: readonly NamedSecret[];
  readonly #layers: Array<Promise<void>> = [];
  /** Layers audited clean before (audited-cache.ts), when the cache is on. */
  readonly #cache: Promise<AuditedCache | undefined>;
  /** The base's contents the cache holds, by their tar's size (`expect`): a saved layer of that size may be one. */
  #bySize: Promise<Map<number, Set<string>>> = Promise.resolve(new Map());
  /** Contents read whole and clean by this audit (recorded in the cache). */
  readonly #clean = new Set<string>();
  /** Layers the cache stood for, not read. */
  fromCache = 0;
  #next = 0;
  #finished = false;

  constructor(
    readonly layoutDir: string,
    secrets: readonly NamedSecret[],
    options: Omit<AuditOptions, 'secrets' | 'adopted'>,
    cache: Promise<AuditedCache | undefined> = Promise.resolve(undefined),
  ) {
    keepHeapSmall(); // layers about to stream: V8's young generation stays at the size it has (core/heap.ts)
    this.#secrets = [...secrets];
    this.#options = { ...options, secrets: this.#secrets };
    this.#audit = new SkippingStreamed(layoutDir, this.#options);
    this.#cache = cache.catch(() => undefined);
  }

  #streamed(content: string, label: string): void {
    this.#audit.streamed.set(content, [...(this.#audit.streamed.get(content) ?? []), label]);
  }

  /**
   * Scans one uncompressed layer tar as it streams (the caller's pace: one chunk at a time); `digest` names it once
   * written. A content the cache holds as clean (`hint.content`, or a base's of the tar's `hint.size`) is not scanned,
   * only drained: it counts as audited once `digest` — the caller's hash of these very bytes — is that content; if it
   * is another, `finish` reads it from the layout. A content scanned with nothing found is recorded in the cache.
   */
  layer(tar: AsyncIterable<Buffer>, digest: Promise<string>, hint: LayerHint = {}): Promise<void> {
    const label = standIn(this.#next++);
    const scanned = (async () => {
      const cache = await this.#cache;
      const known = cache && (await this.#known(cache, hint));
      if (known?.size) {
        for await (const _ of tar) void _;
        const content = await digest;
        if (known.has(content)) {
          this.#fromCache(content, label);
          this.#clean.add(content); // its blob, once verified, may be recorded too (`blobVerified`)
        }
        return;
      }
      const before = this.#audit.result.findings.length;
      let size = 0;
      const counted = (async function* () {
        for await (const chunk of tar) yield ((size += chunk.length), chunk);
      })();
      await this.#audit.scanStream(cache ? counted : tar, { mediaType: 'application/vnd.oci.image.layer.v1.tar', size: 0 }, label);
      const content = await digest;
      this.#streamed(content, label);
      // Only a whole read with nothing found — no leak, key or limit, here or (being strict) in a layer read meanwhile.
      if (cache && this.#audit.result.findings.length === before) {
        await cache.recordContent(content, size).catch(() => undefined); // a cache not written is read again next time
        this.#clean.add(content);
      }
    })();
    this.#layers.push(scanned.catch(() => undefined)); // the caller awaits it; `finish` only waits for it
    return scanned;
  }

  /** The contents this layer may be that the cache holds clean. */
  async #known(cache: AuditedCache, hint: LayerHint): Promise<Set<string> | undefined> {
    if (hint.content) return (await cache.cleanContent(hint.content)) === undefined ? undefined : new Set([hint.content]);
    return hint.size === undefined ? undefined : (await this.#bySize).get(hint.size);
  }

  /** The base's diff ids, ahead of a stream that names each layer only once hashed (docker save): their entries read now. */
  expect(diffIds: Promise<readonly string[]>): void {
    this.#bySize = (async () => {
      const cache = await this.#cache;
      const bySize = new Map<number, Set<string>>();
      for (const d of cache ? await diffIds : []) {
        const size = await cache!.cleanContent(d);
        if (size !== undefined) bySize.set(size, new Set([...(bySize.get(size) ?? []), d]));
      }
      return bySize;
    })().catch(() => new Map());
  }

  /** Whether blob `blob` holding `content` was audited clean before: then the caller verifies its digest as it streams and calls `fromCacheVerified`. */
  async cachedBlob(blob: string, content: string): Promise<boolean> {
    const cache = await this.#cache;
    return !!cache && (await cache.cleanBlob(blob)) === content;
  }

  /** Blob `blob` (its digest verified by the caller) inflated to `content`: recorded when this audit read that content clean. */
  async blobVerified(blob: string, content: string): Promise<void> {
    const cache = await this.#cache;
    if (cache && this.#clean.has(content)) await cache.recordBlob(blob, content).catch(() => undefined);
  }

  /** Content of a blob the cache stood for (`cachedBlob`), its digest verified by the caller: counted as audited. */
  fromCacheVerified(content: string): void {
    this.#fromCache(content, standIn(this.#next++));
  }

  #fromCache(content: string, label: string): void {
    this.#streamed(content, label);
    this.fromCache++;
    this.#audit.result.layers++;
  }

  /**
   * Whether `finish` audits this image: not finished yet (another graph of the same layout — a
   * build's signed provenance — is audited on its own), the same layout, and no secret the streamed
   * layers were not looked at for.
   */
  covers(layoutDir: string, secrets: readonly NamedSecret[]): boolean {
    return !this.#finished && layoutDir === this.layoutDir && secrets.length === this.#secrets.length && secrets.every((s, i) => s === this.#secrets[i]);
  }

  /** The rest of the image audited (the streamed layers are not read again), every finding named by its place. */
  async finish(graph: ImageGraph, adopted: Adopted | undefined, progress?: AuditOptions['progress']): Promise<AuditResult> {
    if (this.#finished) throw new Error('a streamed audit is finished once');
    this.#finished = true;
    await Promise.all(this.#layers);
    this.#options.adopted = adopted;
    if (progress) this.#options.progress = progress;
    const nodes = [graph.root, ...graph.children, ...(graph.referrers ?? [])];
    for (const node of nodes) await this.#contentDigests(node.bytes, adopted);
    for (const node of nodes) await this.#audit.scanNode(node, node === graph.root && graph.children.length > 0 ? 'index' : 'manifest');
    // A streamed layer the image does not name is not pushed: its bytes were rewritten (reproducible
    // times clamped) and the image's own form of it was read above. What it held is not the image's.
    const unnamed = [...this.#audit.streamed.values()].flat();
    const findings = this.#audit.result.findings.filter((f) => !unnamed.some((l) => f.where.startsWith(l)));
    this.#audit.result.findings.splice(0, Infinity, ...findings);
    return { ...this.#audit.result, findings: mostPrecise(this.#audit.result.findings) };
  }

  /**
   * Each compressed layer of the layout by the content it holds: the config's diff id at its place.
   * The layout is Hoist's own conversion, which checked every saved layer against these diff ids and
   * compressed those very files — a layer whose times it clamped has a new diff id, so it is read again.
   */
  async #contentDigests(manifestBytes: Buffer, adopted: Adopted | undefined): Promise<void> {
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as { config?: Descriptor; layers?: Descriptor[] };
    if (!manifest.config || !manifest.layers) return;
    let diffIds: string[] = [];
    try {
      const config = JSON.parse(await readFile(blobPath(this.layoutDir, manifest.config.digest), 'utf8')) as { rootfs?: { diff_ids?: string[] } };
      diffIds = config.rootfs?.diff_ids ?? [];
    } catch {
      return; // not an image config: its layers are read from the layout
    }
    if (diffIds.length !== manifest.layers.length) return;
    manifest.layers.forEach((layer, i) => {
      const local = adopted?.get(layer.digest)?.standIn.digest ?? layer.digest;
      if (local !== diffIds[i]) this.#audit.contentOf.set(local, diffIds[i]!);
    });
  }
}

/** Identities of the private keys among the secrets (the keys handed to the build), by name. */
export function handedKeysOf(secrets: readonly NamedSecret[]): Map<string, string> {
  const handed = new Map<string, string>();
  for (const s of secrets) {
    const identity = looksLikePrivateKey(s.value) ? keyIdentity(s.value) : undefined;
    if (identity) handed.set(s.name, identity);
  }
  return handed;
}

/**
 * The audit handed to the builders, one per attempt at a layout (`BuildPlan.auditLayers`); none
 * under `audit: off`. The secrets are the catalog's as it stands: `covers` says whether it grew since.
 */
export function streamedAudits(
  fx: Pick<Effects, 'redactor'> & { platform?: Pick<Effects['platform'], 'context' | 'warning'> },
  mode: 'fail' | 'warn' | 'off',
  secrets: readonly NamedSecret[],
  strictLimits: boolean,
): ((layoutDir: string) => StreamedAudit) | undefined {
  if (mode === 'off') return undefined;
  // The cache of audited layers, opened once for the run's secrets as they stand (a secret added later: `covers`).
  const platform = fx.platform;
  let cache: Promise<AuditedCache | undefined> | undefined;
  const opened = () =>
    (cache ??= platform
      ? openAuditedCache(
          platform.context.env,
          secrets.map((s) => auditBytes(s)),
          (m) => platform.warning(m),
        )
      : Promise.resolve(undefined));
  return (layoutDir) =>
    new StreamedAudit(layoutDir, secrets, { handedKeys: handedKeysOf(secrets), redact: (t) => fx.redactor.redact(t), strictLimits }, opened());
}

/** A secret's exact bytes, as the audit looks for them. */
const auditBytes = (s: NamedSecret): Buffer => s.bytes ?? Buffer.from(s.value, 'utf8');
