/**
 * docker/build-push-action's getArgs table (__tests__/context.test.ts, ported as data by
 * scripts/port-anchor-tables.mjs): each row's inputs and environment through Hoist's inputs stage
 * and its buildx argv, compared with the argv build-push-action expects — as what the build gets
 * (build args, labels, platforms, hosts, cgroup, /dev/shm, ulimits, network, Dockerfile, builder,
 * caches, secrets by id, annotations, attestations, context, push, load), since Hoist's argv also
 * carries its own OCI output and pushes afterwards. Property: a build-push-action step moved over
 * unchanged gives buildx the same build. Rows that differ list what differs and why (the README's
 * "Differences from build-push-action" says the same); rows Hoist refuses say the error.
 * Nearest real workflow: the README examples of build-push-action run in test/integration/dropin-workflows.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import semver from 'semver';
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import type { BuildInputs } from '../inputs/index.js';
import { readBuildInputs } from '../plan/inputs.js';
import type { CiContext } from '../platform/platform.js';
import { SecretCatalog } from '../secrets/catalog.js';
import { basePlan } from '../../test/support/plan.js';
import { renderBuildxArgs } from './buildkit.js';

interface Row {
  num: number;
  buildx: string;
  inputs: Record<string, string>;
  argv: string[];
  env: Record<string, string>;
}
const table = JSON.parse(readFileSync(new URL('../../test/fixtures/anchors/build-push-action-args.json', import.meta.url), 'utf8')) as {
  source: string;
  rows: Row[];
};

type Aspect = 'context' | 'provenance' | 'annotations' | 'git-auth-secret';
/** Rows that differ in part, on purpose: the aspects left out of the comparison, and why. */
const PARTLY: Record<number, { aspects: Aspect[]; why: string }> = {};
const defaultContext = {
  aspects: ['context'] as Aspect[],
  why: "no context input: build-push-action builds the repository at the ref (a Git context); Hoist builds the checkout ('.') — {{defaultContext}} gives bpa's",
};
const gitAuth = {
  aspects: ['git-auth-secret'] as Aspect[],
  why: 'github-token: build-push-action hands the build a GIT_AUTH_TOKEN secret for its Git context; Hoist clones the context itself with the token, and the build never holds it',
};
for (const n of [1, 2, 37, 38]) PARTLY[n] = defaultContext;
for (const n of [16, 35, 36]) PARTLY[n] = gitAuth;
const load = {
  aspects: ['provenance'] as Aspect[],
  why: 'load: build-push-action drops the default provenance when loading into Docker; Hoist keeps it (attestations become referrers; what is loaded is the platform image)',
};
for (const n of [23, 24, 25, 26, 27]) PARTLY[n] = load; // 23: outputs type=docker without dest, buildx's load

/** Rows Hoist refuses, with the input named and why. */
const REFUSED: Record<number, { input: string; message: RegExp; why: string }> = {
  3: { input: 'outputs', message: /type=local\) is not supported/, why: 'a filesystem export: Hoist audits an image, so outputs are type=docker or type=oci' },
  7: { input: 'outputs', message: /type must be docker or oci/, why: "'.' is buildx's local exporter: the same" },
  10: {
    input: 'secrets',
    message: /entry 3 is not ID=VALUE/,
    why: 'an unquoted multi-line secret: build-push-action warns and drops the lines that are not ID=VALUE, so the build runs without that part of the secret; Hoist refuses it',
  },
  12: { input: 'outputs', message: /type=local\) is not supported/, why: 'a filesystem export, as row 3' },
  22: {
    input: 'provenance',
    message: /not one of false, min, max/,
    why: "provenance attributes (builder-id=…): Hoist takes false, min (true) or max; attests takes buildx's full form",
  },
  29: { input: 'outputs', message: /type=local\) is not supported/, why: 'a filesystem export, as row 3' },
  30: { input: 'outputs', message: /pushing is what images and push do/, why: 'type=image with push-by-digest: Hoist pushes itself (push-by-digest: true)' },
};
REFUSED[28] = REFUSED[3]!;

const SIZE: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const bytes = (v: string) => {
  const m = /^(\d+)([bkmg]?)$/i.exec(v);
  return m ? String(Number(m[1]) * SIZE[m[2]!.toLowerCase()]!) : v;
};
const VALUED = new Set([
  '--build-arg',
  '--label',
  '--platform',
  '--add-host',
  '--cgroup-parent',
  '--shm-size',
  '--ulimit',
  '--network',
  '--file',
  '--builder',
  '--cache-from',
  '--cache-to',
  '--secret',
  '--annotation',
  '--attest',
  '--output',
  '--tag',
  '--iidfile',
  '--metadata-file',
  '--build-context',
  '--allow',
  '--no-cache-filter',
]);

/** What an argv asks of the build, in one comparable shape. */
function canonical(argv: readonly string[], attestations: boolean) {
  const c: Record<string, string[]> = {};
  const put = (k: string, v: string) => (c[k] ??= []).push(v);
  let context = '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--provenance=')) put('provenance', a === '--provenance=false' ? 'false' : a.replace(/^--provenance=mode=/, ''));
    else if (a === '--sbom=true') put('sbom', 'true');
    else if (VALUED.has(a)) {
      const v = argv[++i]!;
      if (a === '--attest') {
        if (/^type=provenance/.test(v)) put('provenance', /disabled=true/.test(v) ? 'false' : (/mode=(\w+)/.exec(v)?.[1] ?? 'min'));
        else if (/^type=sbom/.test(v)) put('sbom', /disabled=true/.test(v) ? 'false' : 'true');
      } else if (a === '--platform') v.split(',').forEach((p) => put(a, p));
      else if (a === '--shm-size') put(a, bytes(v));
      else if (a === '--secret') put(a, /id=([^,]+)/.exec(v)![1]!);
      else if (a === '--file') {
        const file = v.replace(/^(\.\/|\/ws\/)/, '');
        if (file !== 'Dockerfile') put(a, file); // the default, said or not
      } else if (a === '--output' && v === 'type=docker')
        put('--load', 'true'); // buildx's docker exporter without dest loads
      else if (!['--output', '--iidfile', '--metadata-file', '--tag'].includes(a)) put(a, v);
    } else if (['--push', '--load', '--no-cache', '--pull'].includes(a)) put(a, 'true');
    else if (!a.startsWith('-') && i === argv.length - 1) context = a === '/ws' ? '.' : a.replace(/^\/ws\//, '');
  }
  if (!attestations) {
    delete c.provenance;
    delete c.sbom;
  }
  return { c, context };
}

const ctxFor = (row: Row): CiContext => {
  const env = {
    GITHUB_REPOSITORY: 'docker/build-push-action',
    GITHUB_REF: 'refs/heads/master',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    // secret-envs rows name variables the step would have set.
    MY_SECRET_ENV: 'my-secret-value-1',
    ANOTHER_SECRET_ENV: 'another-secret-value-2',
    ...row.env,
  };
  return {
    facts: { git: { branch: 'master', sha: env.GITHUB_SHA, scheduled: false }, repository: {} },
    now: () => new Date('2026-12-01T00:00:00Z'),
    workspace: '/ws',
    tempDir: '/tmp',
    env,
  };
};

async function hoist(row: Row): Promise<{ inputs?: BuildInputs; issues: ConfigIssue[] }> {
  const given = { ...row.inputs };
  // Hoist needs to know where an image goes; build-push-action's rows without tags name nothing (it is not part of the argv).
  if (!given.images && !/\//.test(given.tags ?? '')) given.images = 'localhost:5000/name/app';
  try {
    return { inputs: await readBuildInputs((n) => given[n] ?? '', ctxFor(row), new SecretCatalog(() => {})), issues: [] };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { issues: e.issues };
  }
}

function hoistArgv(inputs: BuildInputs): string[] {
  const { source, builder: b, secrets, metadata, delivery } = inputs;
  const plan = {
    ...basePlan,
    context: source.git ? `${source.git.url}#${source.git.ref ?? ''}${source.git.subdir ? `:${source.git.subdir}` : ''}` : source.context,
    file: source.git ? (source.git.file ?? 'Dockerfile') : source.file,
    buildArgs: source.buildArgs,
    labels: metadata.labels,
    annotations: metadata.leveledAnnotations,
    network: b.network,
    secretFiles: secrets.secrets.map((s) => ({ id: s.id, path: `/private/${s.id}` })),
    platforms: b.platforms,
    cacheFrom: b.cacheFrom,
    cacheTo: b.cacheTo,
    noCache: b.noCache,
    pull: b.pull,
    addHosts: b.addHosts,
    provenance: b.provenance,
    sbom: b.sbom,
    extras: b.extras,
  };
  const argv = renderBuildxArgs(plan, '/layout', b.buildxBuilder);
  // Hoist pushes and loads after the audit, not through buildx: the same request, asked elsewhere.
  return [...argv.slice(0, -1), ...(delivery.push ? ['--push'] : []), ...(delivery.load ? ['--load'] : []), argv.at(-1)!];
}

describe(`build-push-action's getArgs rows (${table.source})`, () => {
  it('has every row it was ported with', () => expect(table.rows.length).toBe(39));

  const compared = table.rows.filter((r) => !REFUSED[r.num]);
  it.each(compared.map((r) => [r.num, r] as const))('row %i gives buildx the same build', async (_n, row) => {
    const { inputs, issues } = await hoist(row);
    expect(issues).toEqual([]);
    // Before buildx 0.10 build-push-action passes no attestation flags (and buildx makes none).
    const attestations = semver.gte(row.buildx, '0.10.0');
    const want = canonical(row.argv, attestations);
    // BUILDX_NO_DEFAULT_ATTESTATIONS: build-push-action passes no flag and buildx makes none; Hoist says --provenance=false.
    if (attestations && !want.c.provenance && /^(1|true)$/i.test(row.env.BUILDX_NO_DEFAULT_ATTESTATIONS ?? '')) want.c.provenance = ['false'];
    const got = canonical(hoistArgv(inputs!), attestations);
    for (const aspect of PARTLY[row.num]?.aspects ?? []) {
      if (aspect === 'context') [want.context, got.context] = ['(differs)', '(differs)'];
      if (aspect === 'provenance') for (const x of [want, got]) delete x.c.provenance;
      if (aspect === 'annotations') delete got.c['--annotation'];
      if (aspect === 'git-auth-secret') want.c['--secret'] = want.c['--secret']!.filter((id) => !id.startsWith('GIT_AUTH_TOKEN'));
      if (aspect === 'git-auth-secret' && !want.c['--secret']!.length) delete want.c['--secret'];
    }
    expect(got).toEqual(want);
  });

  it.each(Object.entries(REFUSED).map(([n, r]) => [Number(n), r] as const))('row %i is refused, naming the input', async (n, refused) => {
    const { issues } = await hoist(table.rows.find((r) => r.num === n)!);
    expect(issues[0]).toEqual({ input: refused.input, message: expect.stringMatching(refused.message) });
    expect(new Set(issues.map((i) => i.input))).toEqual(new Set([refused.input]));
  });

  it('agrees on the context where it differs only by default: {{defaultContext}} is the repository at its ref', async () => {
    const { inputs } = await hoist({ num: -1, buildx: '0.29.0', inputs: { context: '{{defaultContext}}:docker' }, argv: [], env: {} });
    expect(inputs!.source.git).toEqual({ url: 'https://github.com/docker/build-push-action.git', ref: 'refs/heads/master', subdir: 'docker' });
    const checkout = await hoist({ num: -1, buildx: '0.29.0', inputs: {}, argv: [], env: {} });
    expect(checkout.inputs!.source.context).toBe('/ws');
  });
});
