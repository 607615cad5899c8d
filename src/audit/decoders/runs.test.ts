// Property: an encoded run is decoded to the same bytes however the text is cut into chunks, and
// wrapped runs (64/76 columns, CRLF, YAML indentation) are one run; short words and runs of other
// text are not runs. Nearest real-world variant: a Kubernetes Secret's base64 values, a PEM body,
// a hex blob in a log line, read by the layer's 256 KiB chunks at any alignment.
import { describe, expect, it } from 'vitest';
import { runsOf } from './runs.testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

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
