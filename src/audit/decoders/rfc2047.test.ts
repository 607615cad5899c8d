// RFC 2047 encoded words as Python's email writes a saved mail (policy.SMTP's B words folded onto
// lines of their own; a Header in Q words, `_` for a space) and as mailers write them in Latin-1:
// adjacent words are joined into one content, so a value cut across two is found; clean with
// another value. The words are the same however the text is cut into chunks; a single B word is
// left to the base64 runs where they read it (no second finding); a `=?` that begins no word holds nothing.
import { describe, expect, it } from 'vitest';
import { EncodedWords } from './rfc2047.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const OTHER = 'x'.repeat(SECRET.length);

async function wordsOf(text: string, size: number): Promise<Array<{ at: number; bytes: string }>> {
  const out: Array<{ at: number; parts: Buffer[] }> = [];
  const words = new EncodedWords((at) => {
    const run = { at, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += size) await words.push(bytes.subarray(i, i + size));
  await words.end();
  return out.map((r) => ({ at: r.at, bytes: Buffer.concat(r.parts).toString('latin1') }));
}

describe('EncodedWords', () => {
  const b = (s: string) => `=?utf-8?b?${Buffer.from(s).toString('base64')}?=`;
  const mail = [
    'From: ci@example.com\r\n',
    `Subject: ${b('Zugang für ')}\r\n ${b('den Dienst: tok-')}\r\n ${b('12345 und mehr')}\r\n`,
    'X-Note: =?iso-8859-1?q?Schl=FCssel_f=FCr_den?= =?iso-8859-1?q?_Dienst_pass_phrase?=\r\n',
    `X-One: ${b('a single word of text')}\r\n`, // ASCII text: the base64 runs read it
    `X-Two: ${b('kurz: tök-1234')}\r\n`, // short, not ASCII: the runs do not
    'X-Not: =?not a word ?= and a=?b?c\r\n\r\nbody\r\n',
  ].join('');
  it.each([1, 3, 16, 75, 1 << 20])('joins adjacent words, in chunks of %i bytes', async (size) => {
    expect(await wordsOf(mail, size)).toEqual([
      { at: mail.indexOf('=?utf-8'), bytes: Buffer.from('Zugang für den Dienst: tok-12345 und mehr').toString('latin1') },
      { at: mail.indexOf('=?iso'), bytes: 'Schlüssel für den Dienst pass phrase' },
      { at: mail.indexOf('X-Two: ') + 7, bytes: Buffer.from('kurz: tök-1234').toString('latin1') },
    ]);
  });
});

describe('EncodedWords, a chunk with no `?` (passed by unless a word it may go on is held)', () => {
  const words = '=?utf-8?b?' + Buffer.from('Zugang: tok-').toString('base64') + '?=\r\n =?utf-8?q?12345_und_mehr?=';
  const text = `Subject: a=b ${words}\r\n\r\nbody = text\r\n`;
  const want = [{ at: text.indexOf('=?'), bytes: 'Zugang: tok-12345 und mehr' }];

  /** The words of `text` cut at `cuts`. */
  async function cutAt(cuts: number[]): Promise<Array<{ at: number; bytes: string }>> {
    const out: Array<{ at: number; parts: Buffer[] }> = [];
    const reader = new EncodedWords((at) => {
      const run = { at, parts: [] as Buffer[] };
      out.push(run);
      return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
    });
    const bytes = Buffer.from(text, 'latin1');
    const ends = [...cuts, bytes.length];
    for (let k = 0, from = 0; k < ends.length; from = ends[k++]!) await reader.push(bytes.subarray(from, ends[k]));
    await reader.end();
    return out.map((r) => ({ at: r.at, bytes: Buffer.concat(r.parts).toString('latin1') }));
  }

  it('finds the words cut anywhere, and with a middle chunk holding no `?` (inside the encoded text, or a `=` before `?`)', async () => {
    const open = text.indexOf('=?');
    const close = text.lastIndexOf('?=');
    for (let cut = 1; cut < text.length; cut++) expect(await cutAt([cut]), `cut at ${cut}`).toEqual(want);
    // A chunk of the words' text with no `?` in it, between two that have: held, not passed by.
    for (let a = open + 1; a < close; a++)
      for (const b of [a + 1, a + 2, a + 5]) {
        if (b >= close || text.slice(a, b).includes('?')) continue;
        expect(await cutAt([a, b]), `cuts at ${a}, ${b}`).toEqual(want);
      }
  });
});

describe('real tools', { timeout: 60_000 }, () => {
  const py = (script: string) => (v: string) => tool('python3', ['-c', script], { value: v });
  const cases: Array<[string, (v: string) => Buffer]> = [
    [
      'Python email, policy.SMTP: B words folded (the value across two)',
      py(`import sys
from email.message import EmailMessage
from email import policy
m = EmailMessage(policy=policy.SMTP); m['From'] = 'ci@example.com'; m['To'] = 'ops@example.com'
m['Subject'] = 'Zugangsdaten für den Dienst und weitere Informationen ' + open('value').read() + 'é' # a word with é is encoded whole
m.set_content('see subject')
sys.stdout.buffer.write(bytes(m))`),
    ],
    [
      'Python email Header, utf-8 as Q words',
      py(`import sys
from email.header import Header
from email import charset
from email.mime.text import MIMEText
c = charset.Charset('utf-8'); c.header_encoding = charset.QP
m = MIMEText('x'); m['X-Deploy-Note'] = Header('Schlüssel für den Dienst und mehr: ' + open('value').read(), c)
sys.stdout.write(m.as_string())`),
    ],
  ];
  it.skipIf(!has('python3')).each(cases)('%s: found, clean with another value', async (_name, make) => {
    const leaky = make(SECRET);
    expect(leaky.includes(SECRET)).toBe(false);
    const findings = await auditFiles({ 'var/mail/report.eml': leaky });
    expect(findings.map((f) => `${f.severity} ${f.path}`)).toContainEqual(expect.stringMatching(/^leak var\/mail\/report\.eml!\(RFC 2047 words at \d+\)$/));
    expect(findings.filter((f) => f.severity !== 'leak')).toEqual([]);
    expect(await auditFiles({ 'var/mail/report.eml': make(OTHER) })).toEqual([]);
  });
});
