// Property: a secret written in ASCII85 is found whatever characters its encoding holds — the rule of runs-base85's
// joinedAt (base64 values joined by text's separators are not ASCII85) must not hide a value whose own ASCII85 holds,
// among the characters base64 lacks, only those separators (`;`, `:`, `(`, `'`, `"`, `,`). Found before c347911 (the
// rule), missed after: 11 of 40 such values drawn (1 in 2,700 text passwords' ASCII85 is that shape).
// Nearest real-world variants: a password kept as Python's base64.a85encode in a config line, in Adobe's <~ ~>, in JSON.
import { describe, expect, it } from 'vitest';
import { a85encode, readRuns } from './base85.testing.js';

// Text passwords (their ASCII85 holds no quote: a JSON string keeps it as it is) whose ASCII85 (E-EmM6pWeVCfXV67;+AYAPZK4Bk:gV:dQmUCMPbD0QqVMFo …) holds only separators besides base64's.
const PASSWORDS = [
  'pw-lDA8wlVWPEh0ZeOZYiedWPB1pkk4m0vvdv',
  'pw-QDQypectNgylWJhiUjaM4CEhaD0y94W2',
  'pw-o7pVTkK2blr08LgI3XcbSdcF06wPQ',
  'pw-9oCgNSYNGDMlcvzLKJmm8ORHNlbaS',
];

describe('an ASCII85 secret whose characters outside base64 are only separators', () => {
  it.each(PASSWORDS)('%s: found on its own line, in <~ ~> and in a JSON string', async (password) => {
    const value = Buffer.from(password);
    const enc = a85encode(value, false);
    const found: Record<string, boolean> = {};
    for (const [form, text] of Object.entries({ line: `${enc}\n`, adobe: `data = <~${enc}~>\n`, json: `{"token": ${JSON.stringify(enc)}}\n` }))
      found[form] = (await readRuns(text, value)).found;
    expect(found).toEqual({ line: true, adobe: true, json: true });
  });
});
