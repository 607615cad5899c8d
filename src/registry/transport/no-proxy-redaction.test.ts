// Review s57 (H7) of proxy.ts's noProxyIssues (aec76b5). Property: a NO_PROXY entry named as wrong never shows the password written in it, whatever
// characters the password holds. Nearest real-world variant: a proxy URL pasted into NO_PROXY by mistake, its password
// not percent-encoded (`/` and `@` are common in generated passwords) — before, the part after the first `/` or `@` was shown.
import { expect, it } from 'vitest';
import { noProxyIssues } from './proxy.js';

it.each([
  ['a / in the password', 'https://bob:s3cr/et-Zq81@registry.acme', 's3cr/et-Zq81'],
  ['an @ in the password', 'https://bob:p@ss-Zq81@registry.acme', 'p@ss-Zq81'],
  ['an @ and no scheme', 'bob:hunter@2-Zq81@10.0.0.0/33', 'hunter@2-Zq81'],
])('NO_PROXY with %s: the entry is named, its password never', (_name, entry, password) => {
  const issues = noProxyIssues({ NO_PROXY: entry });
  expect(issues).toHaveLength(1);
  expect(issues[0]!.message).not.toContain(password.slice(-6));
});
