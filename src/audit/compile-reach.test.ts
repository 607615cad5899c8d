import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../oci/graph.js';
import { readLayoutRoot } from '../oci/layout.js';
import { seeded, testSeed, type Seeded } from '../../test/support/random.js';
import { auditLayout, compile, encodings, MAX_PATTERN, type AuditSecret } from './audit.js';
import { layoutOf } from './decoders/testing.js';

// Property: a value is looked for by the first MAX_PATTERN bytes of each form, and those are all that is made of it —
// each form from the value's start alone, so compiling a value of megabytes takes memory in proportion to MAX_PATTERN,
// not to the value — and what is looked for is what the whole forms cut to MAX_PATTERN were: the same forms, the same
// names, the same bytes, the same warning. Made whole, a 2.2 MB value's forms (base64 ×3 alignments, base64url, hex ×2,
// UTF-16, UTF-32, EBCDIC) were ~60 MB of strings and buffers, and a pattern's view kept its whole form alive inside
// the automata: 380 MB peak RSS to compile it (0.3 s → 3 s), 188 MB for `hoist audit` through the shipped bundle.
// Nearest real-world variants: a kubeconfig of a fleet (certificates made by openssl, embedded as kubectl embeds
// them) handed to the build as a secret file, copied into the image and put in a Kubernetes Secret manifest; and a
// 1 MB binary secret file (a keystore) copied whole and as base64.

const SEED = testSeed(3616);

/** What `compile` looks for: each form cut to MAX_PATTERN bytes, a form whose bytes an earlier one has left out. */
function lookedFor(forms: Array<[string | Buffer, string]>): { cut: boolean; patterns: string[] } {
  const seen = new Set<string>();
  const patterns: string[] = [];
  for (const [form, name] of forms) {
    const bytes = Buffer.from(form).subarray(0, MAX_PATTERN).toString('hex');
    if (!seen.has(bytes)) patterns.push(`${name} ${bytes}`);
    seen.add(bytes);
  }
  return { cut: forms.some(([form]) => form.length > MAX_PATTERN), patterns };
}

const ASCII = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=-_ \n'];
const draw = (r: Seeded, alphabet: readonly string[], n: number) => Array.from({ length: n }, () => r.pick(alphabet)).join('');

describe('a value made into forms from its start', () => {
  it('looks for what its whole forms cut to MAX_PATTERN are: every alphabet, every length about the cut, a late character that changes which forms there are', () => {
    const r = seeded(SEED);
    const alphabets: Record<string, readonly string[]> = {
      ascii: ASCII,
      latin1: [...ASCII, 'é', 'ß', '£'],
      cjk: [...ASCII, '€', '中', '文'],
      emoji: [...ASCII, '😀', '🔑'],
      nul: [...ASCII, '\0'],
    };
    // A late character: one past every form's MAX_PATTERN bytes, yet it decides whether a form is made, and its name.
    const late = ['', '[x]', 'é', '😀', '\0\0\0\0', '+/+/', '\udc00'];
    const lengths = [
      8,
      100,
      MAX_PATTERN / 4,
      MAX_PATTERN / 2 + 1,
      MAX_PATTERN - 1,
      MAX_PATTERN,
      MAX_PATTERN + 15,
      MAX_PATTERN + 16,
      MAX_PATTERN + 17,
      3 * MAX_PATTERN,
    ];
    let checked = 0;
    for (const [name, alphabet] of Object.entries(alphabets))
      for (const n of lengths)
        for (const end of late) {
          const value = draw(r, alphabet, n) + end;
          expect(lookedFor(encodings(value, undefined, MAX_PATTERN)), `${name} ${n} +${JSON.stringify(end)}`).toEqual(lookedFor(encodings(value)));
          checked++;
        }
    // A surrogate pair across the place the start is cut.
    for (let d = 0; d < 4; d++) {
      const value = `${draw(r, ASCII, MAX_PATTERN + 15 + d)}${'😀'.repeat(10)}${draw(r, ASCII, 100)}`;
      expect(lookedFor(encodings(value, undefined, MAX_PATTERN))).toEqual(lookedFor(encodings(value)));
    }
    for (const n of [MAX_PATTERN, MAX_PATTERN + 17, 5 * MAX_PATTERN]) {
      const raw = r.bytes(n);
      expect(lookedFor(encodings(raw.toString('latin1'), raw, MAX_PATTERN))).toEqual(lookedFor(encodings(raw.toString('latin1'), raw)));
    }
    expect(checked).toBe(350);
  });

  it('makes no more of a 2 MiB value than MAX_PATTERN and a little of each form', () => {
    const value = seeded(SEED + 1)
      .bytes(1536 * 1024)
      .toString('base64');
    const forms = encodings(value, undefined, MAX_PATTERN);
    expect(lookedFor(forms).cut).toBe(true);
    // The longest form a character can make is UTF-32's 4 bytes; the start made is MAX_PATTERN + 16 characters.
    for (const [form, name] of forms) expect(Buffer.byteLength(form), name).toBeLessThanOrEqual(4 * (MAX_PATTERN + 17));
    expect(forms.reduce((n, [form]) => n + Buffer.byteLength(form), 0)).toBeLessThan(16 * 4 * (MAX_PATTERN + 17));
  });
});

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

it('looks for a 4096-bit RSA key (openssl genpkey) whole in every form, with no warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-compile-reach-'));
  try {
    const file = join(dir, 'id_rsa');
    await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096', '-out', file]);
    const pem = readFileSync(file, 'utf8');
    const compiled = compile([{ name: 'deploy-key', value: pem }]);
    expect(compiled.cut).toEqual([]);
    // Its longest form (UTF-32, 4 bytes a character) whole: under MAX_PATTERN.
    expect(compiled.span).toBe(Math.max(...encodings(pem).map(([form]) => Buffer.byteLength(form))));
    expect(compiled.span).toBeGreaterThan(4 * 3000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

/**
 * Peak RSS above the RSS before, in MiB, of a process of its own that compiles `values` and adds them to a Redactor (what
 * a run holds of a secret before the layers are read). Bundled from these sources as the shipped bundle is.
 */
async function compilePeak(dir: string, values: Record<string, string>): Promise<Record<string, number>> {
  const out = join(dir, 'compile-peak.mjs');
  await build({
    stdin: {
      contents: `
        import { readFileSync } from 'node:fs';
        import { compile } from './audit.ts';
        import { Redactor } from '../secrets/redact.ts';
        const value = readFileSync(process.argv[2], 'utf8');
        globalThis.gc();
        const before = process.memoryUsage().rss;
        const kept = [compile([{ name: 'value', value }]), new Redactor()];
        kept[1].add(value);
        console.log(JSON.stringify({ grew: process.resourceUsage().maxRSS * 1024 - before, cut: kept[0].cut.length }));`,
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    outfile: out,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const grew: Record<string, number> = {};
  for (const [name, value] of Object.entries(values)) {
    const file = join(dir, `${name}.value`); // the value in a file, never in argv
    writeFileSync(file, value);
    const { stdout } = await run(process.execPath, ['--expose-gc', out, file]);
    const r = JSON.parse(stdout) as { grew: number; cut: number };
    expect(r.cut, name).toBe(1);
    grew[name] = Math.round(r.grew / 2 ** 20);
  }
  return grew;
}

/** A kubeconfig of `n` clusters, each with its CA, and a user with a client certificate and key, embedded as kubectl embeds them (base64 of the PEM). */
async function fleetKubeconfig(dir: string, n: number): Promise<string> {
  const pems: Array<{ cert: string; key: string }> = [];
  for (let i = 0; i < 3; i++) {
    const [key, cert] = [join(dir, `k${i}.pem`), join(dir, `c${i}.pem`)];
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      `/CN=fleet-${i}`,
    ]);
    pems.push({ cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') });
  }
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const clusters: string[] = [];
  const users: string[] = [];
  const contexts: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = pems[i % 3]!;
    const q = pems[(i + 1) % 3]!;
    clusters.push(`- cluster:\n    certificate-authority-data: ${b64(p.cert)}\n    server: https://k8s-${i}.fleet.example:6443\n  name: fleet-${i}`);
    users.push(`- name: admin-${i}\n  user:\n    client-certificate-data: ${b64(q.cert)}\n    client-key-data: ${b64(q.key)}`);
    contexts.push(`- context:\n    cluster: fleet-${i}\n    user: admin-${i}\n  name: fleet-${i}`);
  }
  return `apiVersion: v1\nclusters:\n${clusters.join('\n')}\ncontexts:\n${contexts.join('\n')}\ncurrent-context: fleet-0\nkind: Config\npreferences: {}\nusers:\n${users.join('\n')}\n`;
}

describe('a secret of megabytes', () => {
  it('compiles in memory that does not grow with the value: a 2 MiB value, a 1 MB kubeconfig', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-compile-reach-'));
    try {
      const kubeconfig = await fleetKubeconfig(dir, 480);
      expect(kubeconfig.length).toBeGreaterThan(1_000_000);
      const grew = await compilePeak(dir, {
        random: seeded(SEED + 2)
          .bytes(1536 * 1024)
          .toString('base64'),
        kubeconfig,
      });
      // Measured: 27 and 25 MiB (the automata of ~13 forms × 16 KiB); with whole forms made, 268 and 144 MiB.
      expect(grew.random).toBeLessThan(64);
      expect(grew.kubeconfig).toBeLessThan(64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('is found by its start in every place a copy is: a fleet kubeconfig, a 1 MB binary secret file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-compile-reach-'));
    try {
      const kubeconfig = await fleetKubeconfig(dir, 480);
      const keystore = seeded(SEED + 3).bytes(1_000_000);
      const secrets: AuditSecret[] = [
        { name: 'kubeconfig', value: kubeconfig },
        { name: 'keystore', value: keystore.toString('latin1'), bytes: keystore },
      ];
      // `kubectl create secret generic fleet --from-file=config=… -o yaml` writes the file's base64 on one line.
      const manifest = `apiVersion: v1\ndata:\n  config: ${Buffer.from(kubeconfig).toString('base64')}\nkind: Secret\nmetadata:\n  name: fleet\n`;
      const layout = join(dir, 'layout');
      await layoutOf(layout, {
        'root/.kube/config': kubeconfig,
        'deploy/fleet-secret.yaml': manifest,
        'opt/app/keystore.p12': keystore,
        'opt/app/keystore.b64': Buffer.from(keystore).toString('base64'),
        'var/backup/config.gz': gzipSync(kubeconfig),
      });
      const graph = await layoutGraph(layout, await readLayoutRoot(layout));
      const result = await auditLayout(layout, graph, { secrets, handedKeys: new Map(), redact: (t) => t });
      const found = result.findings
        .filter((f) => f.severity === 'leak')
        .map((f) => `${f.what} @ ${f.where.replace(/^layer sha256:[0-9a-f]+ \([^)]*\), /, '')}`)
        .sort();
      expect(found).toEqual([
        'keystore @ opt/app/keystore.b64!(base64 at 0)',
        'keystore @ opt/app/keystore.p12',
        'kubeconfig @ deploy/fleet-secret.yaml!(base64 at 31)',
        'kubeconfig @ root/.kube/config',
        'kubeconfig @ var/backup/config.gz!',
      ]);
      expect(result.cut.map((c) => c.split(' ')[0]).sort()).toEqual(['keystore', 'kubeconfig']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
