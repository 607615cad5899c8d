// Property: an encoded run is decoded to the same bytes however the text is cut into chunks, and
// wrapped runs (64/76 columns, CRLF, YAML indentation) are one run; short words and runs of other
// text are not runs. Nearest real-world variant: a Kubernetes Secret's base64 values, a PEM body,
// a hex blob in a log line, read by the layer's 256 KiB chunks at any alignment.
import { describe, expect, it } from 'vitest';
import { EncodedRuns } from './runs.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

async function runsOf(text: string, size: number): Promise<Array<{ at: number; alphabet: string; bytes: Buffer }>> {
  const out: Array<{ at: number; alphabet: string; parts: Buffer[] }> = [];
  const runs = new EncodedRuns((at, alphabet) => {
    const run = { at, alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += size) await runs.push(bytes.subarray(i, i + size));
  await runs.end();
  return out.map((r) => ({ at: r.at, alphabet: r.alphabet, bytes: Buffer.concat(r.parts) }));
}

describe(`EncodedRuns (seed ${rand.seed})`, () => {
  const data = rand.bytes(700);
  const b64 = data.toString('base64');
  const text = [
    `plain words and identifiers_of_ordinary_length here\n`,
    `single: ${b64}\n`,
    `wrapped:\n    ${b64.replace(/.{76}/g, '$&\r\n    ')}\n`,
    `hex=${data.toString('hex')};\n`,
  ].join('');
  it.each([1, 7, 64, 4096, 1 << 20])('gives the same runs in chunks of %i bytes', async (size) => {
    const runs = await runsOf(text, size);
    expect(runs.map((r) => [r.alphabet, r.bytes.equals(data)])).toEqual([
      ['base64', true],
      ['base64', true],
      ['hex', true],
    ]);
    expect(runs[0]!.at).toBe(text.indexOf(b64));
  });
});
