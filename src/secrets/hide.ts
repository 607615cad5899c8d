/** Keeps a secret out of every later line: the Redactor, and the platform's masking of each of its lines. */
import type { Platform } from '../platform/platform.js';
import type { Redactor } from './redact.js';
import { SecretCatalog } from './catalog.js';

export function hider(fx: { platform: Pick<Platform, 'mask'>; redactor: Redactor }): (value: string) => void {
  return (value) => {
    fx.redactor.add(value);
    // A PEM key is masked line by line: the platform masks what a log line holds.
    for (const line of value.split(/\r?\n/)) if (line.trim()) fx.platform.mask(line.trim());
  };
}

/** A new catalog whose secrets are hidden as they are added. */
export const newCatalog = (fx: { platform: Pick<Platform, 'mask'>; redactor: Redactor }) => new SecretCatalog(hider(fx));
