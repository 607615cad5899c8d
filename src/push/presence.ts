/**
 * What each target repository already holds of the image, read when a registry's push begins,
 * alongside the blob checks: its manifests by digest, and which of the target's fixed tags already
 * point at the root. A manifest already there is not PUT again and a tag already at the image is
 * neither read again nor written, so a re-push of an unchanged image costs one round of reads.
 *
 * Only "already there" is taken from these early reads as a reason not to write. A tag found
 * elsewhere (or nowhere) is written without another read — release tags are checked, late, by
 * `release-tags.ts`; a refused write reads the tag then, for its message —; a tag whose read
 * failed is read again right before it is written.
 */
import type { ImageGraph } from '../oci/graph.js';
import type { RegistryClient } from '../registry/client.js';
import type { PushTarget } from './types.js';

const key = (repository: string, reference: string) => `${repository}@${reference}`;

export type TagState = 'image' | 'elsewhere' | undefined;

export class Presence {
  readonly #manifests = new Map<string, Promise<boolean>>();
  readonly #tags = new Map<string, Promise<TagState>>();

  constructor(client: Pick<RegistryClient, 'headManifest'>, limit: <T>(task: () => Promise<T>) => Promise<T>, graph: ImageGraph, repos: readonly PushTarget[]) {
    const head = (repository: string, reference: string, digest: string) =>
      limit(() => client.headManifest(repository, reference)).then(
        (at) => at?.digest === digest,
        () => false,
      );
    for (const target of repos) {
      const path = target.repository.path;
      for (const node of [...graph.children, graph.root]) this.#manifests.set(key(path, node.digest), head(path, node.digest, node.digest));
      for (const tag of target.tags)
        this.#tags.set(
          key(path, tag),
          limit(() => client.headManifest(path, tag)).then(
            (at): TagState => (at?.digest === graph.root.digest ? 'image' : 'elsewhere'),
            () => undefined,
          ),
        );
    }
  }

  /** Whether the repository answered, when the push began, that it holds this manifest. */
  hasManifest(repository: string, digest: string): Promise<boolean> {
    return this.#manifests.get(key(repository, digest)) ?? Promise.resolve(false);
  }

  /** Whether the tag pointed at the image being pushed when the push began. */
  async tagAtRoot(repository: string, tag: string): Promise<boolean> {
    return (await this.tagState(repository, tag)) === 'image';
  }

  /** Where the tag pointed when the push began: at the image, elsewhere (or nowhere), or unknown (not read, or the read failed). */
  tagState(repository: string, tag: string): Promise<TagState> {
    return this.#tags.get(key(repository, tag)) ?? Promise.resolve(undefined);
  }
}
