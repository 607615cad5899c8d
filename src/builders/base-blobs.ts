/**
 * The base's blobs from its registry, for the docker builder's push path (docker-push.ts): a base finder whose answers
 * can also open each layer's blob, with the step's client for the base's registry.
 */
import type { BaseBlobs } from '../core/builder.js';
import type { RegistryClient } from '../registry/client.js';
import type { BaseFinder, LearnedBase } from './bases.js';

/** A learned base that can also read its blobs. */
type OpenableBase = LearnedBase & { open?: BaseBlobs['open'] };

/** `find`, its answers able to open their blobs where a client for the base's registry is there. */
export function withBlobs(find: BaseFinder, clientFor: (host: string) => RegistryClient | undefined): BaseFinder {
  const opened = new WeakMap<LearnedBase, OpenableBase>();
  return async (base, platform) => {
    const learned = await find(base, platform);
    if (!learned) return undefined;
    const client = clientFor(learned.reference.host);
    if (!client || !learned.layers.size) return learned;
    const known = opened.get(learned);
    if (known) return known;
    const open: BaseBlobs['open'] = (digest, signal) => client.fetchBlob(learned.reference.path, digest, 0, signal ? { signal } : {});
    const openable: OpenableBase = { ...learned, open };
    opened.set(learned, openable);
    return openable;
  };
}

/** The base's layers and their reader, when the finder could open them. */
export function baseBlobsOf(learned: LearnedBase | undefined): BaseBlobs | undefined {
  const open = (learned as OpenableBase | undefined)?.open;
  if (!learned || !open) return undefined;
  return { layers: new Map([...learned.layers].map(([diffId, l]) => [diffId, l.descriptor])), open };
}
