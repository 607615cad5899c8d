// Property: bits written least significant first — basenc --base2lsbf, Perl's unpack("b*") — are read back into the
// bytes they show, as basenc --base2msbf's always were (a run of 0 and 1 is read both ways), in any chunking; the clean
// twin (another value written the same) holds no leaky one. Nearest real-world variant: a bit-level dump of an env file
// kept beside a firmware build (round 16, variant16-text.ts: basenc-base2lsbf was silent, its msbf twin read).
import { describe, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { has } from './testing.js';
import { expectNoneRead, expectReadBack, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(1616);
const value = () => `${rand.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 24)}+/=é€`;
const env = (v: string) => `APP_ENV=production\nAPI_TOKEN=${v}\nLOG_LEVEL=info\n`;

describe.skipIf(!has('basenc') || !has('perl'))(`base2 bits in either order (seed ${rand.seed})`, () => {
  it.each([
    ['basenc --base2lsbf', 'base2lsbf', ['basenc', ['--base2lsbf']]],
    ['basenc --base2lsbf -w 0', 'base2lsbf', ['basenc', ['--base2lsbf', '-w', '0']]],
    ['Perl unpack("b*")', 'base2lsbf', ['perl', ['-e', 'local $/; print unpack("b*", <STDIN>), "\\n"']]],
    ['basenc --base2msbf', 'base2', ['basenc', ['--base2msbf']]],
  ] as const)('%s: the env file read back whole (as %s), in any chunking; the clean twin holds none', async (_name, label, [cmd, args]) => {
    const [leaky, clean] = [value(), value()];
    await expectReadBack(tool(cmd, [...args], env(leaky)), label, [leaky]);
    await expectNoneRead(tool(cmd, [...args], env(clean)), label, [leaky]);
  });
});
