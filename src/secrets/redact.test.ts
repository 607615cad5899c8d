import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';

describe('Redactor', () => {
  it('removes every known value and each line of multi-line ones', () => {
    const r = new Redactor();
    r.add('s3cr3t-token');
    r.add('-----BEGIN KEY-----\nMIIBOgIBAAJBAK\n-----END KEY-----');
    expect(r.redact('token s3cr3t-token and line MIIBOgIBAAJBAK')).toBe('token *** and line ***');
  });

  it('cannot be dumped', () => {
    const r = new Redactor();
    r.add('s3cr3t-token');
    expect(JSON.stringify({ r })).not.toContain('s3cr3t');
  });
});
