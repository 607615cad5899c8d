// Property: a value inside a PDF encrypted with an empty user password — a document "protected" by an owner password
// alone, which every reader opens without asking — is found: in an attached file, in the page's text, in the
// document's information, whatever the revision of the standard handler (RC4 40 and 128, AES-128, AES-256 of Adobe's
// revision 5 and of ISO 32000-2), with object streams, and as Ghostscript writes one; a PDF that needs a user password
// to open is named as not fully audited; the clean twin (another value) and an unencrypted PDF give no finding.
// Nearest real-world variants: a generated handbook or report PDF with print-only permissions (qpdf --encrypt "" OWNER,
// Ghostscript -sOwnerPassword) shipped in an image, a config or credentials file attached to it.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { pdfEncrypted } from './pdf-crypt.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { seeded, testSeed } from '../../../test/support/random.js';

const r = seeded(testSeed(15071));
/** The clean twin's value: the same shape, drawn from the seed. */
const OTHER = `tok-decoders-${r.chars('0123456789abcdef', 12)}+/=value`;

/** A one-page PDF whose text and information hold `value` (PDF literal strings: no parentheses or backslashes in it). */
function plainPdf(value: string): Buffer {
  const content = Buffer.from(`BT /F1 12 Tf 72 720 Td (API token: ${value}) Tj ET`);
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content.toString('latin1')}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Title (Onboarding) /Subject (token ${value}) >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The attachment: a config whose token line is followed by 300 lines (compressed by qpdf with Flate, then encrypted). */
const config = (value: string) => `API_TOKEN=${value}\n${Array.from({ length: 300 }, (_, i) => `LINE_${i}`).join('\n')}\n`;

/** qpdf's encryptions with the empty user password: [name, qpdf's arguments after the input]. */
const QPDF: Array<[string, string[]]> = [
  ['AES-256 (R6)', ['--encrypt', '', 'owner-pw-1', '256', '--']],
  ['AES-256 (R5)', ['--allow-weak-crypto', '--encrypt', '', 'owner-pw-1', '256', '--force-R5', '--']],
  ['AES-128 (R4)', ['--encrypt', '', 'owner-pw-1', '128', '--use-aes=y', '--']],
  ['RC4-128 (R3)', ['--allow-weak-crypto', '--encrypt', '', 'owner-pw-1', '128', '--use-aes=n', '--']],
  ['RC4-40 (R2)', ['--allow-weak-crypto', '--encrypt', '', 'owner-pw-1', '40', '--']],
  ['AES-256 with object streams', ['--object-streams=generate', '--encrypt', '', 'owner-pw-1', '256', '--']],
];

/** `plainPdf(value)` with the config attached, then encrypted by qpdf with `args`. */
function encrypted(value: string, args: string[]): Buffer {
  const files = { 'in.pdf': plainPdf(value), 'app.env': config(value) };
  const attached = tool('qpdf', ['--add-attachment', 'app.env', '--', 'in.pdf', 'att.pdf'], files, 'att.pdf');
  return tool('qpdf', [...args, 'att.pdf', 'out.pdf'], { 'att.pdf': attached }, 'out.pdf');
}

describe.skipIf(!has('qpdf'))('PDF encrypted with an empty user password', () => {
  it.each(QPDF)('%s: none of it plain; the attachment, the text and the information found through the audit', async (_, args) => {
    const file = encrypted(SECRET, args);
    expect(file.includes(SECRET)).toBe(false);
    const found = await auditFiles({ 'srv/docs/guide.pdf': file });
    expect(found.filter((f) => f.severity !== 'leak')).toEqual([]);
    expect(found.length).toBeGreaterThan(0);
    // The attachment's stream (zlib inside the decrypted stream), and the strings: /Subject holds the value — in an
    // object stream, whose objects' strings are not encrypted one by one, it is in that stream's content instead.
    expect(found.map((f) => f.path)).toContainEqual(expect.stringMatching(/^srv\/docs\/guide\.pdf!\/\d+ 0 obj!$/));
    const strings = found.some((f) => f.path === 'srv/docs/guide.pdf!(strings)');
    expect(strings).toBe(!args.includes('--object-streams=generate'));
    expect(await auditFiles({ 'srv/docs/guide.pdf': encrypted(OTHER, args) })).toEqual([]);
  });

  it('decoded the same in any piece size (the file gathered whole)', async () => {
    const file = encrypted(SECRET, QPDF[0]![1]);
    for (const chunk of [7, 512, 4096, file.length]) {
      const { out, limits } = await decodeWith(pdfEncrypted, file, { chunk });
      expect(limits, `pieces of ${chunk}`).toEqual([]);
      expect(out.includes(Buffer.from(`token ${SECRET}`)), `pieces of ${chunk}`).toBe(true);
    }
  });

  it.skipIf(!has('gs'))("Ghostscript's pdfwrite with an owner password (RC4-128, /P written unsigned): found", async () => {
    const file = tool(
      'gs',
      [
        '-q',
        '-dNOPAUSE',
        '-dBATCH',
        '-sDEVICE=pdfwrite',
        '-sOwnerPassword=owner-pw-1',
        '-dEncryptionR=3',
        '-dKeyLength=128',
        '-dPermissions=-3904',
        '-sOutputFile=out.pdf',
        'in.pdf',
      ],
      { 'in.pdf': plainPdf(SECRET) },
      'out.pdf',
    );
    expect(file.includes('/Encrypt')).toBe(true);
    const found = await auditFiles({ 'srv/docs/report.pdf': file });
    expect(found.filter((f) => f.severity !== 'leak')).toEqual([]);
    // The page's text, in its decrypted content stream (not only where the output may keep a string unencrypted).
    expect(found.map((f) => f.path)).toContainEqual(expect.stringMatching(/^srv\/docs\/report\.pdf!\/\d+ 0 obj!$/));
  });

  it('a PDF that needs a user password to open is named, not passed in silence; an unencrypted one is read as before', async () => {
    const locked = tool('qpdf', ['--encrypt', 'user-pw-1', 'owner-pw-1', '256', '--', 'in.pdf', 'out.pdf'], { 'in.pdf': plainPdf(SECRET) }, 'out.pdf');
    expect(await auditFiles({ 'srv/docs/locked.pdf': locked })).toEqual([
      { severity: 'limit', what: expect.stringContaining('a PDF that needs a user password to open'), path: 'srv/docs/locked.pdf' },
    ]);
    expect(await auditFiles({ 'srv/docs/plain.pdf': plainPdf(SECRET) })).toContainEqual({ severity: 'leak', what: 'token', path: 'srv/docs/plain.pdf' });
  });

  it(`random bytes after a PDF header and damaged encrypted PDFs: never a throw (seed ${r.seed})`, async () => {
    const file = encrypted(SECRET, QPDF[0]![1]);
    for (let n = 0; n < 40; n++) {
      const damaged = Buffer.from(file);
      for (let k = 0; k < 8; k++) damaged[r.int(5, damaged.length)] = r.int(0, 256);
      const { out } = await decodeWith(pdfEncrypted, damaged.subarray(0, r.int(5, damaged.length + 1)), { chunk: 4096 });
      expect(out.length).toBeLessThan(4 * damaged.length);
    }
    const { limits } = await decodeWith(pdfEncrypted, Buffer.concat([Buffer.from('%PDF-1.7\n/Encrypt '), r.bytes(4096)]));
    expect(limits).toEqual([]);
  });
});

// An unencrypted PDF is read on as before: a stream found in it is named at its offset in the file (the claimed
// `%PDF-` read as blanks, not cut), and its text readers still run (gs's ASCII85 streams, round 13).
describe('an unencrypted PDF read on as plain content', () => {
  it('a FlateDecode stream named at its own offset; an ASCII85 stream read as text', async () => {
    const z = deflateSync(Buffer.from(`BT (token ${SECRET}) Tj ET`));
    const head = `%PDF-1.4\n1 0 obj\n<< /Length ${z.length} /Filter /FlateDecode >>\nstream\n`;
    const pdf = Buffer.concat([Buffer.from(head), z, Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n')]);
    expect(await auditFiles({ 'srv/a.pdf': pdf })).toEqual([{ severity: 'leak', what: 'token', path: `srv/a.pdf@${head.length}!` }]);
    const a85 = `%PDF-1.4\n1 0 obj\n<< /Filter /ASCII85Decode >>\nstream\n<~${ascii85(Buffer.from(`token ${SECRET} and more text`))}~>\nendstream\nendobj\n%%EOF\n`;
    expect((await auditFiles({ 'srv/b.pdf': a85 })).map((f) => f.severity)).toEqual(['leak']);
  });
});

/** Adobe's ASCII85 of `b` (as PDF's ASCII85Decode reads it), `z` for a group of zeros. */
function ascii85(b: Buffer): string {
  let out = '';
  for (let i = 0; i < b.length; i += 4) {
    const chunk = Buffer.alloc(4);
    b.copy(chunk, 0, i, i + 4);
    let n = chunk.readUInt32BE(0);
    const k = Math.min(4, b.length - i);
    if (n === 0 && k === 4) {
      out += 'z';
      continue;
    }
    const c: string[] = [];
    for (let j = 0; j < 5; j++) {
      c.unshift(String.fromCharCode(33 + (n % 85)));
      n = Math.floor(n / 85);
    }
    out += c.slice(0, k + 1).join('');
  }
  return out;
}

// A real PDF of this machine, unencrypted: claimed, and its bytes read on as they were (no finding, no limit).
describe('unencrypted PDFs of this machine', () => {
  const real = ['/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf', '/usr/share/doc/libtasn1-doc/libtasn1.pdf'].filter((p) => {
    try {
      return readFileSync(p).length > 0;
    } catch {
      return false;
    }
  });
  it.skipIf(!real.length)('claimed, no limit, no finding', async () => {
    for (const p of real) {
      const file = readFileSync(p);
      expect(pdfEncrypted.sniff(file.subarray(0, 512), p)).toBe(true);
      expect(await auditFiles({ 'usr/share/doc/x.pdf': file })).toEqual([]);
    }
  });
});
