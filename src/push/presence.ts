/**
 * What each target repository already holds of the image, read when a registry's push begins,
 * alongside the blob checks: its manifests by digest, and which of the target's fixed tags already
 * point at the root. A manifest already there is not PUT again and a tag already at the image is
 * neither read again nor written, so a re-push of an unchanged image costs one round of reads.
 *
 * Only "already there" is taken from these early reads. A tag that points elsewhere (or nowhere)
 * is read again right before it is written, as before, so release-tag protection and the
 * immutable-tag message see the tag as it is then; a read that fails counts as "not there" and
 * the write path runs as it would have.
 */
import type { ImageGraph } from '../oci/graph.js';
import type { RegistryClient } from '../registry/client.js';
import type { PushTarget } from './engine.js';

const key = (repository: string, reference: string) => `${repository}@${reference}`;

export class Presence {
  readonly #manifests = new Map<string, Promise<boolean>>();
  readonly #tags = new Map<string, Promise<boolean>>();

  constructor(client: Pick<RegistryClient, 'headManifest'>, limit: <T>(task: () => Promise<T>) => Promise<T>, graph: ImageGraph, repos: readonly PushTarget[]) {
    const head = (repository: string, reference: string, digest: string) =>
      limit(() => client.headManifest(repository, reference)).then(
        (at) => at?.digest === digest,
        () => false,
      );
    for (const target of repos) {
      const path = target.repository.path;
      for (const node of [...graph.children, graph.root]) this.#manifests.set(key(path, node.digest), head(path, node.digest, node.digest));
      for (const tag of target.tags) this.#tags.set(key(path, tag), head(path, tag, graph.root.digest));
    }
  }

  /** Whether the repository answered, when the push began, that it holds this manifest. */
  hasManifest(repository: string, digest: string): Promise<boolean> {
    return this.#manifests.get(key(repository, digest)) ?? Promise.resolve(false);
  }

  /** Whether the tag pointed at the image being pushed when the push began. */
  tagAtRoot(repository: string, tag: string): Promise<boolean> {
    return this.#tags.get(key(repository, tag)) ?? Promise.resolve(false);
  }
}
