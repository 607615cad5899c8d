// Property: an attachment whose file name holds a value beyond ASCII, written by the real Python
// email package (policy SMTP: `filename*0*=utf-8''…;` then `filename*1*=…` on folded lines, each
// piece percent-encoded), and a name in quoted pieces (`filename*0="…"; filename*1="…"`, as
// Thunderbird writes an ASCII one), is one parameter in the rewritten copy: its percent escapes
// decoded, the value is in it whole, in chunks of 1/7/64/whole; a clean twin's mail holds none of
// the leaky values; random header text with `*0*=` routes no copy holding one. Nearest real-world
// variant: a support mail kept as a fixture whose attachment was named after the key it held (red
// team round 11).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, expectNoneRead, python, rewritten } from './text-rewrite.testing.js';

const rand = seededPerTest(1113);
const LABEL = 'RFC 2231 continuations';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () =>
  `${rand.chars(LETTERS, 2)}${Array.from({ length: rand.int(20, 60) }, () => (rand.int(6) ? rand.chars(LETTERS, 1) : rand.pick([...'+-_.é€😀ß"\\']))).join('')}Z`;

/** A mail per value, each with an attachment named `<words>-<value>-<words>.json` (Python email, policy SMTP). */
const mails = (values: string[]) =>
  Buffer.from(
    python(
      `from email.message import EmailMessage
from email import policy
for i, v in enumerate(values):
    m = EmailMessage(); m['Subject'] = 'keys'; m.set_content('attached')
    m.add_attachment(b'{}', maintype='application', subtype='json', filename=('backup' * (i % 4)) + '-' + v + '-of-the-keys.json')
    sys.stdout.write(m.as_bytes(policy=policy.SMTP).decode('ascii'))`,
      values,
    ),
  );

/** The file name parameters of the copies, percent escapes decoded. */
async function names(text: Buffer, size: number): Promise<string> {
  const copies = (await rewritten(text, size, LABEL)).join('\n');
  const ext = [...copies.matchAll(/filename\*0\*=utf-8''([^;\r\n]+)/g)].map((m) => decodeURIComponent(m[1]!));
  const quoted = [...copies.matchAll(/filename\*0="([^"]*)"/g)].map((m) => m[1]!);
  return [...ext, ...quoted].join('\n');
}

describe(`RFC 2231 continuations (seed ${rand.seed})`, () => {
  it("Python email's percent-encoded pieces: every value read back whole", async () => {
    const values = Array.from({ length: 8 }, value);
    const text = mails(values);
    for (const size of CHUNKS) {
      const read = await names(text, size);
      expect(
        values.filter((v) => !read.includes(v)),
        `chunks of ${size}`,
      ).toEqual([]);
    }
  });

  it('quoted pieces (filename*0="…"; filename*1="…"): the name read back whole', async () => {
    const v = rand.chars(LETTERS, 40);
    const text = Buffer.from(`Content-Disposition: attachment;\r\n filename*0="backup-${v.slice(0, 17)}";\r\n filename*1="${v.slice(17)}.json"\r\n\r\n`);
    for (const size of CHUNKS) expect(await names(text, size)).toContain(v);
  });

  it("a clean twin's mail holds none of the leaky values; random header text routes none", async () => {
    const leaky = Array.from({ length: 6 }, value);
    const copies = async (text: Buffer) => {
      for (const size of CHUNKS) {
        const read = await names(text, size);
        expect(leaky.filter((v) => read.includes(v))).toEqual([]);
      }
      await expectNoneRead(text, LABEL, leaky);
    };
    await copies(mails(leaky.map(() => value())));
    const pieces = ['*0*=', '*1*=', ';\r\n ', '"', '%C3%A9', 'filename'];
    await copies(Buffer.from(Array.from({ length: 1500 }, () => (rand.int(3) ? rand.chars(LETTERS, rand.int(1, 8)) : rand.pick(pieces))).join('')));
  });
});
