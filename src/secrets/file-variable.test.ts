// Property: a secret input given as the path of a regular file is that file's text; a value that
// is no such path is left as it is; a regular file that cannot be read is an input error naming the
// input, never the path taken as the secret in its place (a silent fallback: the audit would look
// for the path and pass). Nearest real-world variant: a GitLab File-type variable whose file the
// job's user cannot read (a runner's shell executor under another user) — as root every mode
// reads, so /proc/self/mem stands for it here: a regular file whose read fails (EIO).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { fileVariableText } from './file-variable.js';

describe('fileVariableText', () => {
  it("reads a regular file's text, leaves other values alone", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-filevar-'));
    const file = join(dir, 'AUDIT_VALUES');
    writeFileSync(file, 'tok-1\ntok-2\n', { mode: 0o600 });
    expect(fileVariableText(file, 'audit-values')).toBe('tok-1\ntok-2\n');
    expect(fileVariableText(` ${file}\n`, 'audit-values')).toBe('tok-1\ntok-2\n');
    expect([dir, 'tok-1', `${file} other`, 'relative/path', join(dir, 'missing')].map((v) => fileVariableText(v, 'audit-values'))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('names the input when a regular file cannot be read', () => {
    expect(() => fileVariableText('/proc/self/mem', 'HOIST_AUDIT_VALUES')).toThrow(ConfigError);
    expect(() => fileVariableText('/proc/self/mem', 'HOIST_AUDIT_VALUES')).toThrow(
      /^HOIST_AUDIT_VALUES: names the file \/proc\/self\/mem, which cannot be read \(EIO\)/,
    );
  });
});
