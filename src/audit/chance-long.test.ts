// Property: a long random run decoded from text — an RSA signature, a random key, a JWT's signature part: more than
// RUN_TRIAL (64) bytes, so not a trial — whose first bytes happen to be gzip's magic (`1f 8b`, with or without a method
// byte and flags in range) or compress's (`1f 9d`, with or without a flags byte it takes) is no finding: a run's claim by
// a two-byte magic holds only with the header its writers write (nested.ts RUN_CLAIMS), else its bytes are plain. The
// runs are random (seeded, the seed in the title), 65–1024 bytes, their first bytes forced, written where real ones are:
// a release index's `"signature": "…"` (base64, PEM-less), a detached `.sig` (base64 in 64-character lines, as
// `openssl base64` writes it), hex signatures, a JWT's third part (base64url); beside them real keys from `ssh-keygen`
// (an `authorized_keys`) and `openssl rand -base64` output, and a real RSA-2048 signature (Node's crypto, OpenSSL) that
// begins `1f 8b`. Nearest real-world variants, beside it: base64 of a real gzip made by gzip, pigz, Python's gzip and
// Node's zlib (and a real `.Z` made by compress) holding the secret is read, its secret found; a gzip cut short
// (kilobytes) still says "not fully audited", a `.Z` cut short is read to the cut; a `.gz` file with a damaged header still says so as a file.
import { describe, expect, it } from 'vitest';
import { createPublicKey, verify } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mulberry32, testSeeds } from '../../test/support/random.js';
import { auditFiles, has, SECRET, tool } from './decoders/testing.js';
import { RUN_TRIAL } from './nested.js';

const SEEDS = testSeeds([20261205, 5077]); // HOIST_TEST_SEED, when set, alone
const bytesOf = (r: () => number, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
type Found = Awaited<ReturnType<typeof auditFiles>>;
const limits = (found: Found) => found.filter((f) => f.severity === 'limit');
const leaks = (found: Found) => found.filter((f) => f.severity === 'leak');

/** The weak magics, each with what may vary after it. */
const MAGICS: Array<[string, (r: () => number) => number[]]> = [
  ['gzip 1f 8b', () => [0x1f, 0x8b]],
  ['gzip 1f 8b 08, flags in range', (r) => [0x1f, 0x8b, 8, Math.floor(r() * 32)]],
  ['compress 1f 9d', () => [0x1f, 0x9d]],
  ['compress 1f 9d, a flags byte it takes', (r) => [0x1f, 0x9d, (r() < 0.5 ? 0x80 : 0) | (9 + Math.floor(r() * 8))]],
];

/** `perMagic` random runs of 65–1024 bytes for each magic, their first bytes forced. */
function runs(r: () => number, perMagic: number): Buffer[] {
  const out: Buffer[] = [];
  for (const [, magic] of MAGICS)
    for (let i = 0; i < perMagic; i++) {
      const b = bytesOf(r, RUN_TRIAL + 1 + Math.floor(r() * (1024 - RUN_TRIAL)));
      b.set(magic(r));
      out.push(b);
    }
  return out;
}

/** Base64 in 64-character lines, as `openssl base64` (and `openssl dgst -sign … | openssl base64`) writes it. */
const wrapped = (b: Buffer) => `${b.toString('base64').replace(/.{64}(?=.)/g, '$&\n')}\n`;

/** A release index: each release's artifact digest and its signature, base64 without PEM armour (cosign, TUF-like). */
const releaseIndex = (sigs: Buffer[]) =>
  JSON.stringify(
    { releases: sigs.map((s, i) => ({ version: `1.${i}.0`, artifact: `app-1.${i}.0.tar.gz`, keyid: 'release-2026', signature: s.toString('base64') })) },
    null,
    2,
  );

/** Attestations with hex signatures. */
const hexSignatures = (sigs: Buffer[]) => sigs.map((s, i) => `artifact=app-${i}.bin alg=rsa-pss-sha256 sig=${s.toString('hex')}\n`).join('');

/** A JWT: header and claims (base64url JSON), then the signature part (base64url of random bytes, unpadded). */
const jwt = (sig: Buffer, i: number) =>
  [{ alg: 'RS256', typ: 'JWT', kid: 'k1' }, { sub: `svc-${i}`, iss: 'https://auth.example.com', exp: 1796000000 + i }, sig]
    .map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(JSON.stringify(p))).toString('base64url'))
    .join('.');

describe.each(SEEDS)("long random runs (65–1024 bytes) that begin as gzip's or compress's magic, in real-looking files (seed %i)", (seed) => {
  it('give no finding: no "not fully audited", no leak', async () => {
    const r = mulberry32(seed);
    const real: Record<string, string | Buffer> = {};
    if (has('ssh-keygen')) {
      // Real public keys (ssh-keygen): base64 of structured bytes (`00 00 00 07 ssh-rsa`, e, n …), in an authorized_keys.
      real['srv/home/deploy/.ssh/authorized_keys'] = ['rsa', 'ecdsa', 'ed25519']
        .map((t) => tool('sh', ['-c', `ssh-keygen -q -t ${t} -N '' -C deploy@ci -f k && cat k.pub`], {}).toString())
        .join('');
    }
    if (has('openssl')) real['srv/etc/app/session.key'] = tool('openssl', ['rand', '-base64', '768'], {});
    const sigFiles = Object.fromEntries(runs(r, 6).map((s, i) => [`srv/var/lib/app/sigs/artifact-${i}.sig`, wrapped(s)]));
    const found = await auditFiles({
      'srv/var/lib/app/releases.json': releaseIndex(runs(r, 12)),
      'srv/var/lib/app/attestations.txt': hexSignatures(runs(r, 12)),
      'srv/etc/app/.env': runs(r, 12)
        .map((s, i) => `ID_TOKEN_${i}=${jwt(s, i)}\n`)
        .join(''),
      ...sigFiles,
      ...real,
    });
    expect(found).toEqual([]);
  }, 120_000);
});

describe("a real RSA-2048 signature (Node's crypto) that begins 1f 8b", () => {
  // Found by signing `msg` under a fresh key until the signature began 1f 8b (65,536 draws expected): its public key is
  // here, so the test checks the signature is real. On the code before RUN_CLAIMS: named "a damaged gzip stream".
  const FIXTURE = {
    msg: 'release v1.17127.0 sha256:000042e7',
    sig: 'H4tpgR20F99VBaQf4wKFsi/FgE6/74EqxhIu+x4Q5S5pcO4VY+1uudqNyj2WmayiuyBrTFV1XM8AQ9IOExbSAFzwndS0utYzi4h0cAmK8n8n06JzIInnpvrwr7oK2mmC92PGdMv8Wym7mL78Z5Ap/HVkmIPPj+OxXU/udjtOMdQKdrHLm+eBAy94Lw9Ggj5CzpEQ8xVdsiFstonjv4brmCUhT1hRVK9bSAsXxyzF5+4vGLBRJjv2t2eYN1aWV39Apj+NHnB4h/4ZHIZzqtBHXF/uiDtqBG74zSBVmcTB6fxck2JoCU1Hdv4U9WI8rFIGe82M5wnueEnWw4wTdJfXCA==',
    pub: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAztVvO3ON5/NMx3D6Zv3w\n1w8qiGqdYBH0p+CpBMKaV4Jy2WFjTtqVWW4/gZhzPbDnWO7CZUAqyclLee3nJRTY\nVKgf8HcpyhnY8xs7KvC6JO+ERhEiNR1yJ1Ciu3dHUQbQa3e/LFau2YU6zC5VJLBp\nUCi1Xo5GBlGLtuKIRqzIKPeLIoRzavSd4NNbBYzrslkedwc885duvR9nkJM40wyT\nflS2ghNGdL3GFzKOGFuUFuK+dJkHIZbDSAkTQYfFEsGnR7ib74wSDN1hlrr5CjUD\nItgpDb6mDLEXe2qH5njLSL/TmAaDe6fvSs+KHrjTr8mPyl15L/WPjK79fcyiQRFO\nwQIDAQAB\n-----END PUBLIC KEY-----\n',
  };
  it('verifies, and in a JSON `"signature"` and a .sig file gives no finding', async () => {
    const sig = Buffer.from(FIXTURE.sig, 'base64');
    expect([sig.length, sig[0], sig[1]]).toEqual([256, 0x1f, 0x8b]);
    expect(verify('sha256', Buffer.from(FIXTURE.msg), createPublicKey(FIXTURE.pub), sig)).toBe(true);
    const found = await auditFiles({
      'srv/var/lib/app/releases.json': releaseIndex([sig]),
      'srv/var/lib/app/release.sig': wrapped(sig),
    });
    expect(found).toEqual([]);
  });
});

/** Real gzip writers on this machine (each header as it writes it: gzip and pigz OS 3, Python and Node's XFL/OS). */
const GZIPS: Array<[string, (data: string) => Buffer]> = [
  ['gzip', (data) => tool('gzip', ['-c', 'data.json'], { 'data.json': data })],
  ['gzip -9', (data) => tool('gzip', ['-9', '-c', 'data.json'], { 'data.json': data })],
  ['pigz', (data) => tool('pigz', ['-c', 'data.json'], { 'data.json': data })],
  ['pigz -1', (data) => tool('pigz', ['-1', '-c', 'data.json'], { 'data.json': data })],
  [
    'python3 gzip',
    (data) => tool('python3', ['-c', 'import gzip,sys;sys.stdout.buffer.write(gzip.compress(open("data.json","rb").read()))'], { 'data.json': data }),
  ],
  ["Node's zlib", (data) => gzipSync(data)],
];
const available = GZIPS.filter(([name]) => has(name.split(' ')[0]!) || name === "Node's zlib");

describe('a real gzip or compress stream in base64 is still read, and named when cut short', () => {
  const r = mulberry32(testSeeds([31])[0]!);
  // A service's state: kilobytes of JSON with random ids (incompressible parts), the secret among them.
  const state = (value: string) =>
    JSON.stringify({
      service: 'billing',
      sessions: Array.from({ length: 120 }, (_, i) => ({ id: bytesOf(r, 16).toString('hex'), user: `user-${i}`, started: 1796000000 + i * 37 })),
      credentials: { api_token: value },
    });

  it.each(available.map(([name]) => name))('%s: whole, holding the secret, found; cut short, "not fully audited"', async (name) => {
    const make = available.find(([n]) => n === name)![1];
    const whole = make(state(SECRET));
    const other = make(state('nothing-secret-here'));
    expect(other.length).toBeGreaterThan(2048); // kilobytes
    const found = await auditFiles({
      'srv/a/state.yaml': `kind: Snapshot\nstate_gz: ${whole.toString('base64')}\n`,
      'srv/b/state.yaml': `kind: Snapshot\nstate_gz: ${other.subarray(0, Math.floor(other.length * 0.7)).toString('base64')}\n`,
    });
    expect(found).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/a\/state\.yaml!\(base64 at \d+\)!$/) },
      {
        severity: 'limit',
        what: expect.stringMatching(/^not fully audited: a damaged (gzip|deflate) stream/),
        path: expect.stringMatching(/^srv\/b\/state\.yaml!\(base64 at \d+\)$/),
      },
    ]);
  });

  it.runIf(has('compress'))('compress (.Z, made by compress): whole, holding the secret, found; cut short, read up to the cut', async () => {
    const whole = tool('compress', ['-c', 'data.json'], { 'data.json': state(SECRET) });
    const early = tool('compress', ['-c', 'data.json'], { 'data.json': `api_token=${SECRET}\n${state('nothing-secret-here')}` });
    expect(early.length).toBeGreaterThan(2048);
    const found = await auditFiles({
      'srv/a/state.yaml': `state_z: ${whole.toString('base64')}\n`,
      'srv/b/state.yaml': `state_z: ${early.subarray(0, Math.floor(early.length * 0.7)).toString('base64')}\n`,
    });
    // LZW has no end mark: a .Z cut short is read to the cut and not named (as before); it is still claimed and decoded.
    expect(found).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/a\/state\.yaml!\(base64 at \d+\)!$/) },
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/b\/state\.yaml!\(base64 at \d+\)!$/) },
    ]);
  });

  it('a gzip whose header no writer writes (OS byte 0x63), in base64, holding the secret: still found (the stream search reads it)', async () => {
    const odd = gzipSync(state(SECRET));
    odd[9] = 0x63;
    const found = await auditFiles({ 'srv/a/state.yaml': `state_gz: ${odd.toString('base64')}\n` });
    expect(leaks(found)).toEqual([{ severity: 'leak', what: 'token', path: expect.stringMatching(/^srv\/a\/state\.yaml!\(base64 at \d+\)/) }]);
    expect(limits(found)).toEqual([]);
  });

  it('files keep their claim: a .gz whose header is damaged says "not fully audited"; the same bytes as base64 in text, nothing', async () => {
    const odd = gzipSync(state('nothing-secret-here'));
    odd[8] = 0x55; // an XFL and an OS no writer writes
    odd[9] = 0x63;
    odd[40] = odd[40]! ^ 0xff; // and its deflate stream damaged
    const found = await auditFiles({
      'srv/log/state.json.gz': odd,
      'srv/a/state.yaml': `state_gz: ${odd.toString('base64')}\n`,
    });
    expect(found).toEqual([
      { severity: 'limit', what: expect.stringMatching(/^not fully audited: a damaged (gzip|deflate) stream/), path: 'srv/log/state.json.gz' },
    ]);
  });
});
