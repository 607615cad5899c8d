// Round 19's keyed lists with quoted indices after a `{`, each written by its real tool: Node's console.log of an
// object made of a string's characters (`{⏎  '0': 't',⏎  '1': 'o',`), JSON.stringify of one (`{"0":"t","1":"o"}`),
// PHP's serialize of str_split (`a:30:{i:0;s:1:"t";i:1;s:1:"o";…}`, a PHP session file's shape; no escapes: a `"`
// stands bare between its quotes). Property: the value comes back whole as a `keyed list`, the text fed in chunks of
// 1, 7, 64, a random size and whole; the clean twin's list does not hold it; objects and arrays that only look like
// them (words as values, indices out of order, one entry) give no list. Nearest real-world variant: a debugging print
// of a key split into characters left in a Node service's log; a PHP session file holding a form's password split.
// All silent through the bundle of the session's start (/tmp/lead/dist-start).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { ByteLists } from './runs-bytes.js';
import { has, tool } from './testing.js';

const rand = seededPerTest(1920);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () => `k${rand.chars(LETTERS, 5)}+/=${rand.chars(LETTERS, 3)}&<>%"\\${rand.chars(LETTERS, 4)}é${rand.chars(LETTERS, 4)}Z`;

async function listsOf(text: Buffer, size: number): Promise<string[]> {
  const out: Array<{ alphabet: string; parts: Buffer[] }> = [];
  const lists = new ByteLists((_at, alphabet) => {
    const run = { alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  for (let i = 0; i < text.length; i += size) await lists.push(text.subarray(i, i + size));
  await lists.end();
  return out.filter((r) => r.alphabet === 'keyed list').map((r) => Buffer.concat(r.parts).toString('utf8'));
}

const NODE_OBJ = 'const s = require("fs").readFileSync("v", "utf8"); console.log("chars:", Object.assign({}, [...s]))';
const NODE_JSON = 'const s = require("fs").readFileSync("v", "utf8"); console.log(JSON.stringify({ key: { ...[...s] } }))';
const PHP_SER = 'echo "login|", serialize(str_split(file_get_contents("v"))), "\\n";';

const cases: Array<[string, string, string[]]> = [
  ["Node's console.log of an object of characters", 'node', ['-e', NODE_OBJ]],
  ["Node's JSON.stringify of an object of characters", 'node', ['-e', NODE_JSON]],
  ["PHP's serialize(str_split($s)) (bytes: é's two)", 'php', ['-r', PHP_SER]],
];

describe(`round 19: keyed lists with quoted indices, by the real tools (seed ${rand.seed})`, () => {
  it.each(cases)('%s: read back whole in every chunking; the clean twin gives none of it', async (_name, command, args) => {
    if (!has(command)) return;
    const v = value();
    const text = Buffer.concat([Buffer.from('log start\n'), tool(command, args, { v }), Buffer.from('log end\n')]);
    const twin = tool(command, args, { v: value() });
    for (const size of [1, 7, 64, rand.int(2, 300), text.length]) {
      const read = (await listsOf(text, size)).join('\n');
      expect(read.includes(v), `${text.toString('latin1').slice(0, 160)} in chunks of ${size}: ${read}`).toBe(true);
      expect((await listsOf(twin, size)).join('\n').includes(v), `twin, chunks of ${size}`).toBe(false);
    }
  });

  it('look-alikes give no list: words as values, indices out of order, a short object', async () => {
    const text = [
      `{"0":"alpha","1":"beta","2":"gamma","3":"delta","4":"epsilon","5":"zeta","6":"eta","7":"theta","8":"iota"}`,
      `{ '0': 'a', '2': 'b', '1': 'c', '3': 'd', '5': 'e', '4': 'f', '6': 'g', '8': 'h', '7': 'i', '9': 'j' }`,
      `{"0":"x","1":"y"}`,
      'a:2:{i:0;s:5:"hello";i:1;s:5:"world";}',
    ].join('\n');
    for (const size of [1, 7, 64, text.length]) expect(await listsOf(Buffer.from(text), size), `chunks of ${size}`).toEqual([]);
  });
});
