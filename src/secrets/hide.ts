/** Keeps a secret out of every later line: the Redactor, and the platform's masking of each of its lines. */
import type { Platform } from '../core/platform.js';
import { secretParts, type Redactor } from './redact.js';
import { SecretCatalog } from './catalog.js';

export function hider(fx: { platform: Pick<Platform, 'mask'>; redactor: Redactor }): (value: string) => void {
  return (value) => {
    fx.redactor.add(value);
    // A PEM key is masked line by line (the platform masks what a log line holds): each line that is
    // a secret on its own, never an ordinary word of it.
    for (const part of secretParts(value)) if (!/[\r\n]/.test(part.trim())) fx.platform.mask(part.trim());
  };
}

/** A new catalog whose secrets are hidden as they are added. */
export const newCatalog = (fx: { platform: Pick<Platform, 'mask'>; redactor: Redactor }) => new SecretCatalog(hider(fx));
