// Encoded runs beyond base64, as the real tools write them: git's binary patches (`git diff
// --binary`, `git format-patch --binary`: base85 of zlib), Python's b85encode/a85encode (plain and
// Adobe's `<~ … ~>`), `basenc --z85/--base32hex/--base2msbf`, lower-case base32, `uuencode` of a
// .tar.gz. Each is found with the secret and is clean without it (the same artifact, the secret
// replaced by a value of the same length). Then ordinary text that happens to use these alphabets
// (source code, minified JS, PEM, package-lock.json, a go.sum, percent-encoded URLs) gives no
// finding at all: no leak, no 'not fully audited'.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeed } from '../../../test/support/random.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

/** One sequence for the file, from a fixed seed (HOIST_TEST_SEED replaces it; replay the whole file): the describes name it. */
const SEED = testSeed(20261204);
const rand = mulberry32(SEED);
const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}${Math.floor(rand() * 1e6)}`).join(' ');
const paths = (findings: Awaited<ReturnType<typeof auditFiles>>) => findings.map((f) => `${f.severity} ${f.path}`);
/** Another value of the secret's length: the clean twin of each artifact. */
const OTHER = 'x'.repeat(SECRET.length);
// Compressible around the value, so that gzip deflates it rather than storing it as it is.
const text = (value: string) => `[app]\n${'# settings of the demo application\n'.repeat(8)}${words(6)}\napi_key = ${value}\n${words(4)}\n`;

/** A git repository's binary patch: the first commit's binary file, the second that file with `value` inside (delta) or a new file (literal). */
function gitPatch(value: string, kind: 'delta' | 'literal'): Buffer {
  const before = noise(3000);
  const after = Buffer.concat([before.subarray(0, 1500), Buffer.from(value), before.subarray(1500)]);
  const script = [
    'git init -q r && cd r && git config user.email t@example.com && git config user.name t',
    kind === 'delta' ? 'cp ../before blob.bin' : 'cp ../before other.bin',
    'git add . && git commit -qm one',
    kind === 'delta' ? 'cp ../after blob.bin' : 'cp ../after blob.bin',
    'git add . && git commit -qm two',
    kind === 'delta' ? 'git diff --binary HEAD~1' : 'git format-patch --binary -1 --stdout',
  ].join(' && ');
  return tool('sh', ['-c', script], { before, after });
}

describe(`real tools (seed ${SEED})`, { timeout: 60_000 }, () => {
  it.skipIf(!has('git')).each(['delta', 'literal'] as const)('git binary patch (%s): the hunk is base85 of zlib, read to the secret', async (kind) => {
    const patch = gitPatch(SECRET, kind);
    expect(patch.toString('latin1')).toContain(`GIT binary patch\n${kind} `);
    expect(paths(await auditFiles({ 'srv/stash.patch': patch }))).toEqual([expect.stringMatching(/^leak srv\/stash\.patch!\(git binary patch at \d+\)!$/)]);
    expect(await auditFiles({ 'srv/stash.patch': gitPatch(OTHER, kind) })).toEqual([]);
  });

  // gzip.compress stamps the time in its header unless given mtime: the bytes, and where a text notation's needle falls
  // in their encoding, would change every second. The seed's own mtime: replayed from it, another for each seed.
  const python = (script: string, value: string) =>
    tool('python3', ['-c', `import base64,gzip,sys\nd=open('in','rb').read()\n${script.replaceAll('gzip.compress(d)', `gzip.compress(d, mtime=${SEED})`)}`], {
      in: text(value),
    });
  it.skipIf(!has('python3')).each([
    ['b85encode', "sys.stdout.write('KEY=' + base64.b85encode(d).decode() + '\\n')", /^leak srv\/f!\(base85 at 4\)$/],
    ['b85encode of gzip', "sys.stdout.write('blob: ' + base64.b85encode(gzip.compress(d)).decode() + '\\n')", /^leak srv\/f!\(base85 at 6\)!$/],
    ['a85encode', "sys.stdout.write('data: ' + base64.a85encode(d).decode() + '\\n')", /^leak srv\/f!\(ascii85 at 6\)$/],
    [
      'a85encode(adobe=True), wrapped',
      "sys.stdout.write('x = ' + base64.a85encode(d, adobe=True, wrapcol=64).decode() + '\\n')",
      /^leak srv\/f!\(ascii85 at 6\)$/,
    ],
    [
      'a85encode(adobe=True) of gzip',
      'sys.stdout.write(base64.a85encode(gzip.compress(d), adobe=True, wrapcol=76).decode())',
      /^leak srv\/f!\(ascii85 at 2\)!$/,
    ],
  ])('python3 base64.%s', async (_name, script, path) => {
    expect(paths(await auditFiles({ 'srv/f': python(script, SECRET) }))).toEqual([expect.stringMatching(path)]);
    expect(await auditFiles({ 'srv/f': python(script, OTHER) })).toEqual([]);
  });

  const basenc = (args: string, value: string, pad = false) => {
    const input = Buffer.from(text(value));
    // Z85 encodes whole groups of four bytes only.
    const padded = pad ? Buffer.concat([input, Buffer.alloc((4 - (input.length % 4)) % 4, 0x0a)]) : input;
    return tool('sh', ['-c', `cat in | ${args}`], { in: padded });
  };
  it.skipIf(!has('basenc')).each([
    ['basenc --z85', true, /^leak srv\/f!\(z85 at 0\)$/],
    ['basenc --base32hex', false, /^leak srv\/f!\(base32hex at 0\)$/],
    ['gzip -c | basenc --base32hex', false, /^leak srv\/f!\(base32hex at 0\)!$/],
    ['basenc --base2msbf', false, /^leak srv\/f!\(base2 at 0\)$/],
    // Lower-case base32 of the value itself is one of the matcher's own forms: of a gzip, only a decoded run finds it.
    ['gzip -c | basenc --base32 | tr A-Z a-z', false, /^leak srv\/f!\(base32 at 0\)!$/],
    ['gzip -c | basenc --base32', false, /^leak srv\/f!\(base32 at 0\)!$/],
  ])('%s (wrapped at 76 columns)', async (args, pad, path) => {
    expect(paths(await auditFiles({ 'srv/f': basenc(args, SECRET, pad) }))).toEqual([expect.stringMatching(path)]);
    expect(await auditFiles({ 'srv/f': basenc(args, OTHER, pad) })).toEqual([]);
  });

  it.skipIf(!has('uuencode'))('uuencode of a .tar.gz: the archive inside is opened', async () => {
    const uu = (value: string) => tool('sh', ['-c', 'tar czf app.tgz app.conf && uuencode app.tgz app.tgz'], { 'app.conf': text(value) });
    expect(uu(SECRET).toString('latin1')).toMatch(/^begin 644 app\.tgz\n/);
    expect(paths(await auditFiles({ 'mail/attachment.uu': uu(SECRET) }))).toEqual(['leak mail/attachment.uu!(uuencode at 18)!/app.conf']);
    expect(await auditFiles({ 'mail/attachment.uu': uu(OTHER) })).toEqual([]);
  });
});

describe(`the base85 family's encoder lines hold text notations' needles by chance (seed ${SEED})`, { timeout: 120_000 }, () => {
  // ASCII85's alphabet holds `"` `'` `\` `@`: a wrapped line ends in a backslash one time in 85, `@@` and `\'e9` turn up.
  // A text notation's copy rewritten there (a continued line joined) breaks the run, and the clean run's copy was named as
  // a damaged deflate stream, in one draw of 20 (`(joined literals at 0)!(ascii85 at 2)`, RTF, Texinfo).
  const ENCODERS = {
    'a85 adobe 76': 'base64.a85encode(z, adobe=True, wrapcol=76).decode()',
    'a85 64': 'base64.a85encode(z, wrapcol=64).decode()',
    'b85 76': "(lambda s: '\\n'.join(s[i:i + 76] for i in range(0, len(s), 76)))(base64.b85encode(z).decode())",
  } as const;
  it.skipIf(!has('python3'))(
    '60 texts of seeded words and gzip mtimes, each encoder: the value found in the run, no limit; the clean twin, nothing',
    async () => {
      // Its own sequence from the seed: the same draws whether the file's other cases ran or not.
      const draw = mulberry32(SEED);
      const said = (value: string) =>
        `${'# settings of the demo application\n'.repeat(8)}${Array.from({ length: 8 }, (_, i) => `word${i}${Math.floor(draw() * 1e6)}`).join(' ')}\napi_key = ${value}\n`;
      const draws = Array.from({ length: 60 }, (_, i) => ({ i, mtime: Math.floor(draw() * 2 ** 31), secret: said(SECRET), clean: said(OTHER) }));
      const script = `import base64,gzip,json,sys
out={}
for d in json.load(open('in')):
  for k,v in (('s',d['secret']),('c',d['clean'])):
    z=gzip.compress(v.encode(), mtime=d['mtime'])
${Object.entries(ENCODERS)
  .map(([name, e]) => `    out['srv/%d-%s-%s' % (d['i'], k, ${JSON.stringify(name.replaceAll(' ', '_'))})] = ${e}`)
  .join('\n')}
sys.stdout.write(json.dumps(out))`;
      const files = JSON.parse(tool('python3', ['-c', script], { in: JSON.stringify(draws) }).toString()) as Record<string, string>;
      expect(Object.keys(files)).toHaveLength(60 * 2 * 3);
      const found = paths(await auditFiles(files));
      const wanted = Object.keys(files)
        .filter((f) => f.includes('-s-'))
        .map((f) => `leak ${f}!(${f.includes('b85') ? 'base85' : 'ascii85'} at ${f.includes('adobe') ? 2 : 0})!`);
      expect(found.sort()).toEqual(wanted.sort());
    },
  );
});

describe(`ordinary text that uses these alphabets (seed ${SEED})`, { timeout: 60_000 }, () => {
  /** Files of this repository and of node_modules, as they are: no secret in them, so any finding is a false one. */
  const files = (dir: string, match: RegExp, max: number): Record<string, Buffer> => {
    const out: Record<string, Buffer> = {};
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (Object.keys(out).length >= max) return;
        if (e.isDirectory()) walk(join(d, e.name));
        else if (match.test(e.name)) out[join(d, e.name).replace(/^\/+/, '')] = readFileSync(join(d, e.name));
      }
    };
    walk(dir);
    return out;
  };

  it('source code, minified JS, package-lock.json: no finding', async () => {
    const root = join(import.meta.dirname, '../../..');
    const corpus = {
      ...files(join(root, 'src/audit'), /^(?!.*test).*\.ts$/, 60), // tests and their helpers hold the secret
      ...files(join(root, 'node_modules'), /\.min\.js$/, 10),
      'app/package-lock.json': readFileSync(join(root, 'package-lock.json')),
    };
    expect(Object.keys(corpus).length).toBeGreaterThan(40);
    expect(await auditFiles(corpus)).toEqual([]);
  });

  it('a go.sum, PEM, percent-encoded URLs, hashes and UUIDs: no finding', async () => {
    const b64 = (n: number) => noise(n).toString('base64');
    const goSum = Array.from({ length: 300 }, (_, i) => `github.com/org${i}/mod${i} v1.${i}.0${i % 2 ? '/go.mod' : ''} h1:${b64(32)}\n`).join('');
    const pem = `-----BEGIN CERTIFICATE-----\n${b64(900).replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    const urls = Array.from(
      { length: 200 },
      () => `https://example.com/search?q=${encodeURIComponent(noise(12).toString('latin1'))}&utf8=%E2%9C%93&id=${noise(8).toString('hex')}\n`,
    ).join('');
    const uuid = () =>
      noise(16)
        .toString('hex')
        .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    const ids = Array.from({ length: 200 }, () => `${uuid()} sha256:${noise(32).toString('hex')} ${noise(20).toString('base64url')}\n`).join('');
    expect(await auditFiles({ 'go/go.sum': goSum, 'etc/ca.pem': pem, 'var/log/urls.log': urls, 'var/ids.txt': ids })).toEqual([]);
  });
});
