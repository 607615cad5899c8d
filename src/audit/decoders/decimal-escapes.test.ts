// Property: a value beyond ASCII in DNS presentation format — the real dnspython's to_text and BIND's
// named-checkzone -D, each byte above 0x7E as a decimal \DDD — is read back whole in the rewritten copy, in chunks of
// 1/7/64/whole; octal escapes (bash's printf %q in the C locale, sed -n l), numbers after a backslash and ASCII alone
// are not read as decimal. Nearest real-world variant: a zone file with a TXT token in a DNS image (red team round 8).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, python, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(10);
const LABEL = 'decimal escapes';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const WIDE = ['é', '€', 'ß', 'Ж', '中', '😀'];

/** A generated value: letters, + / = & < > %, and at least one character beyond ASCII. */
function value(): string {
  let v = `t${rand.pick(WIDE)}`;
  for (let n = rand.int(12, 40); n > 0; n--) {
    const k = rand.int(10);
    v += k < 6 ? rand.chars(LETTERS, 1) : k < 8 ? rand.pick([...'+/=&<>%']) : rand.pick(WIDE);
  }
  return `${v}Z`;
}

/** The values (with the chunk size) not read back whole from `bytes` in the rewritten copy; each is asserted absent from `bytes` first. */
async function missed(bytes: Buffer, values: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const v of values) if (bytes.toString('utf8').includes(v)) out.push(`${v}: in the text as it is`);
  for (const size of CHUNKS) {
    const read = (await rewritten(bytes, size, LABEL)).join('\n');
    for (const v of values) if (!read.includes(v)) out.push(`${v} (chunks of ${size})`);
  }
  return out;
}

describe(`decimal escapes (seed ${rand.seed})`, () => {
  it("reads dnspython's TXT records back whole", async () => {
    const values = Array.from({ length: 10 }, value);
    const text = python(
      `import dns.rdata, dns.rdataclass, dns.rdatatype\nfor v in values:\n  b = ('token=' + v).encode()\n  print('_t 300 IN TXT', dns.rdata.from_wire(dns.rdataclass.IN, dns.rdatatype.TXT, bytes([len(b)]) + b, 0, len(b) + 1).to_text())`,
      values,
    );
    expect(await missed(Buffer.from(text), values)).toEqual([]);
  });

  it("reads BIND's named-checkzone -D output back whole", async () => {
    const values = Array.from({ length: 6 }, value);
    const dir = mkdtempSync(join(tmpdir(), 'hoist-decimal-'));
    try {
      const records = values.map((v, i) => `t${i} IN TXT "${v}"\n`).join('');
      writeFileSync(join(dir, 'zone.db'), `$TTL 300\n@ IN SOA ns1 h 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n${records}`);
      tool('named-checkzone', ['-q', '-D', '-o', join(dir, 'out.db'), 'example.com', join(dir, 'zone.db')], '');
      expect(await missed(readFileSync(join(dir, 'out.db')), values)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads no octal escapes, numbers after a backslash or ASCII as decimal', async () => {
    const v = value();
    const octal = tool('bash', ['-c', 'LC_ALL=C printf "%q\\n" "$(cat)"'], v);
    expect(octal.toString()).toMatch(/\\3[0-7][0-7]/);
    const near = [octal, tool('sed', ['-n', 'l'], `${v}\n`), Buffer.from('C:\\100\\200 \\1234 \\194x \\199\\300 \\065\\066\\067')];
    for (const text of near) for (const size of CHUNKS) expect(await rewritten(text, size, LABEL), text.toString()).toEqual([]);
  });
});
