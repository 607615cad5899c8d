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

describe('Redactor, the forms a value takes', () => {
  it('removes a value URL-encoded and base64-encoded (as in a Basic authorization)', () => {
    const r = new Redactor();
    r.add('p@ss/w0rd+x');
    const basic = Buffer.from('p@ss/w0rd+x').toString('base64').replace(/=+$/, '');
    expect(r.redact(`url https://u:${encodeURIComponent('p@ss/w0rd+x')}@host and ${basic}`)).toBe('url https://u:***@host and ***');
  });
});
