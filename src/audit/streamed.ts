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
import type { LayerAudit } from '../core/builder.js';
import { keepHeapSmall } from '../core/heap.js';
import type { Effects } from '../effects/effects.js';
import type { Adopted } from '../oci/adopt.js';
import type { ImageGraph } from '../oci/graph.js';
import { blobPath, type Descriptor } from '../oci/layout.js';
import type { NamedSecret } from '../secrets/catalog.js';
import { looksLikePrivateKey } from '../secrets/private-key.js';
import { LayoutAudit, mostPrecise, type AuditOptions, type AuditResult } from './audit.js';
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
  #next = 0;
  #finished = false;

  constructor(
    readonly layoutDir: string,
    secrets: readonly NamedSecret[],
    options: Omit<AuditOptions, 'secrets' | 'adopted'>,
  ) {
    keepHeapSmall(); // layers about to stream: V8's young generation stays at the size it has (core/heap.ts)
    this.#secrets = [...secrets];
    this.#options = { ...options, secrets: this.#secrets };
    this.#audit = new SkippingStreamed(layoutDir, this.#options);
  }

  /** Scans one uncompressed layer tar as it streams (the caller's pace: one chunk at a time); `digest` names it once written. */
  layer(tar: AsyncIterable<Buffer>, digest: Promise<string>): Promise<void> {
    const label = standIn(this.#next++);
    const scanned = (async () => {
      await this.#audit.scanStream(tar, { mediaType: 'application/vnd.oci.image.layer.v1.tar', size: 0 }, label);
      const content = await digest;
      this.#audit.streamed.set(content, [...(this.#audit.streamed.get(content) ?? []), label]);
    })();
    this.#layers.push(scanned.catch(() => undefined)); // the caller awaits it; `finish` only waits for it
    return scanned;
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
  fx: Pick<Effects, 'redactor'>,
  mode: 'fail' | 'warn' | 'off',
  secrets: readonly NamedSecret[],
  strictLimits: boolean,
): ((layoutDir: string) => StreamedAudit) | undefined {
  if (mode === 'off') return undefined;
  return (layoutDir) => new StreamedAudit(layoutDir, secrets, { handedKeys: handedKeysOf(secrets), redact: (t) => fx.redactor.redact(t), strictLimits });
}
