// Property: a run of base64url's characters written in snake_case, kebab-case or as a path — a JSON message catalog's
// keys (TypeScript's diagnosticMessages: `A_file_cannot_have_a_reference_to_itself_1006`), an npm tarball's path
// (`helper-module-transforms/-/helper-module-transforms-7`) — is words (isWords: its separators beside lower-case
// letters count as word characters), not decoded and routed: a 32 MiB catalog held 68,000 such runs, each content of
// its own, and passed the 20 s per-file bound. Base64 and base64url of random bytes, which hold `_`, `-` and `/` by
// chance, are still encoded values. Nearest real-world variant: TypeScript's Korean catalog, as npm installed it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EncodedRuns } from './runs.js';
import { isWords } from './symbols.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(28);

async function base64Opened(text: string): Promise<number> {
  let opened = 0;
  const runs = new EncodedRuns((_at, alphabet) => {
    if (alphabet === 'base64') opened++;
    return { write: () => undefined, end: () => undefined };
  });
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += 1 << 16) await runs.push(bytes.subarray(i, i + (1 << 16)));
  await runs.end();
  return opened;
}

describe(`separated words (seed ${rand.seed})`, () => {
  it('snake_case, kebab-case and path runs are words', () => {
    const heads = [
      'A_file_cannot_have_a_reference_to_itself_1006',
      '_0_modifier_cannot_appear_on_a_class_element_1031',
      'Type_0_is_not_a_valid_async_function_return_type_in_ES5_Sla',
      'org/value-handler102/-/value-handler102-5',
      'helper-module-transforms/-/helper-module-transforms-7',
      'src/components/user-profile/settings-panel/index',
    ];
    expect(heads.filter((h) => !isWords(h))).toEqual([]);
  });

  it('base64 and base64url of random bytes are not words (20,000 of each)', () => {
    const words = Array.from({ length: 20_000 }, () => rand.bytes(48)).flatMap((b) =>
      [b.toString('base64'), b.toString('base64url')].filter((h) => isWords(h.slice(0, 64))),
    );
    expect(words).toEqual([]);
  });

  it("opens no run of TypeScript's Korean message catalog's keys (npm-installed)", async () => {
    const catalog = fileURLToPath(import.meta.resolve('@protobuf-ts/plugin/package.json')).replace(
      /package\.json$/,
      'node_modules/typescript/lib/ko/diagnosticMessages.generated.json',
    );
    const text = readFileSync(catalog, 'utf8');
    expect(Object.keys(JSON.parse(text) as object).length).toBeGreaterThan(1000);
    expect(await base64Opened(text)).toBeLessThan(10);
  });
});
