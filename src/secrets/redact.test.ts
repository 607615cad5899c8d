import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';
import { hider } from './hide.js';

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

// The masking rule (docs/secrets.md, "What the logs hide"): a value of 8+ characters is hidden
// everywhere, one of 4-7 characters only where it stands apart from letters and digits.
describe('short values', () => {
  const r = new Redactor();
  r.add('short');
  r.add('#pw!'); // a short value that begins and ends with no letter or digit: hidden inside words too
  r.add('longer-secret'); // 13 characters: everywhere

  it.each([
    ['shorter and shortcut', 'shorter and shortcut'],
    ['Foreshortened', 'Foreshortened'],
    ['short', '***'],
    ['pw=short', 'pw=***'],
    ['"short"', '"***"'],
    ['https://u:short@registry', 'https://u:***@registry'],
    ['short_lived short-lived', '***_lived ***-lived'],
    ['line\nshort\n', 'line\n***\n'],
    ['#pw! and x#pw!x', '*** and x***x'],
    ['inside xlonger-secretx', 'inside x***x'],
    ['short longer-secret', '*** ***'],
  ])('%j -> %j', (text, shown) => expect(r.redact(text)).toBe(shown));

  it('never prints a value standing alone, whatever the punctuation around it', () => {
    for (const around of [' ', '.', ',', ':', '/', '@', '=', "'", '"', '(', ')', '[', ']', '-', '_', '\t', '\n', '*', '%'])
      expect(r.redact(`${around}short${around}`)).not.toContain('short');
  });

  it('values under 4 characters are not hidden', () => {
    const tiny = new Redactor();
    tiny.add('dev');
    expect(tiny.redact('dev and devices')).toBe('dev and devices');
  });
});

// Property: a multi-line secret is hidden whole, and line by line only where a line is a secret
// on its own — never an ordinary word of it. Real-world variants: a secret file holding a branch
// name and a token (`main\nghp_…`), a JSON service-account key, a PEM key whose body lines must
// stay hidden, an env file with `ENV=production`.
describe('multi-line secrets', () => {
  const token = 'ghp_R4nd0mT0kenValue123';
  const pemBody = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
  const values = [
    `main\n${token}\n`,
    `{\n  "type": "service_account",\n  "project_id": "acme",\n  "private_key_id": "${token}"\n}`,
    `-----BEGIN PRIVATE KEY-----\n${pemBody}\nAbCdEfGhIjKlMnOp\n-----END PRIVATE KEY-----\n`,
    `production\nService account\nPROD\nDB_PASSWORD=${token}`,
  ];

  it.each(values)('%j: the whole value and its secret lines are hidden, ordinary words are not', (value) => {
    const r = new Redactor();
    r.add(value);
    expect(r.redact(`whole: ${value.trim()}`)).toBe('whole: ***');
    const text = `pushed :main and :latest to production with PROD, the Service account, -----BEGIN PRIVATE KEY----- and {`;
    expect(r.redact(text)).toBe(text);
    for (const secretLine of value.split('\n').filter((l) => l.includes(token) || l === pemBody || l === 'AbCdEfGhIjKlMnOp'))
      expect(r.redact(`line: ${secretLine.trim()}`)).not.toContain(token.slice(4));
  });

  it('the platform masks the same parts, line by line (GitHub masks what one log line holds)', () => {
    const masked: string[] = [];
    const hide = hider({ platform: { mask: (v) => masked.push(v) }, redactor: new Redactor() });
    hide(values[0]!);
    hide(values[2]!);
    hide('single-line-value');
    expect(masked).toEqual([token, pemBody, 'AbCdEfGhIjKlMnOp', 'single-line-value']);
  });
});
