/**
 * What any transfer to registries needs (a build's push, a promotion, a merge, the builders' own
 * pulls): settings per registry host, retries and concurrency. `inputs/registries.ts` reads them
 * from `registry-auth` and its neighbours; `registry/`, `builders/` and `push/` use them.
 */

export interface RegistrySettings {
  /** Username and password (or token) for this registry. */
  username?: string;
  password?: string;
  /** Path of a PEM bundle of extra certificate authorities to trust for this registry. */
  caFile?: string;
  /** Speak plain HTTP to this registry (only when the user names it in `insecure-registries`). */
  insecure: boolean;
}

/** What any transfer to registries needs (a build's push, a promotion). */
export interface TransferSettings {
  /** Settings per registry API host. */
  registries: Map<string, RegistrySettings>;
  /** Retries for a failed registry request (network errors, 408, 429, 5xx). */
  retries: number;
  /** Registry requests in flight at once, across all registries. */
  concurrency: number;
}
