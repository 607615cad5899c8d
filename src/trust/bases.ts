/**
 * `base-signers` (keys), or `base-signers-identity` + `base-signers-oidc-issuer` under
 * `trusted-root` (keyless, as cosign verify --certificate-identity): every image the build uses —
 * the list the base-image policy reads (`FROM`, `COPY --from=<image>`, `RUN --mount=from=<image>`,
 * the `# syntax=` frontend, `docker-image://` build contexts) — must carry a cosign signature one of
 * the keys, or the keyless signer, verifies, checked before the build, by digest: each reference is resolved to a manifest digest once (the bytes hashed here, not
 * the registry's header taken), that digest's signatures are verified, and the Dockerfile the
 * builder reads names that digest (`repo:tag@sha256:…`), so what was verified is what is built on.
 * A reference the Dockerfile spells through a variable, or over several lines, cannot be rewritten:
 * it is verified all the same and a warning says the builder resolves its tag itself.
 */
import { join, relative } from 'node:path';
import { FindingError } from '../core/errors.js';
import { formatReference, parseReference, type Reference } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import { imageUses, type ImageUse } from '../plan/dockerfile.js';
import type { PlannedUnit } from '../plan/stage.js';
import { imageMetadata, unitsOf } from '../plan/units.js';
import { closeAll, connectRegistries } from '../registry/connect.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { BASE_KEYLESS_INPUTS } from '../inputs/audit.js';
import { identityNames } from '../inputs/keyless-signer.js';
import { readKeylessSigners, readSigners, verifyDigest, whyNotVerified, describeSigners, type TrustedSigners } from './gate.js';

/** One image to verify: how the build names it, where, and through which build context if any. */
export interface BaseUse {
  ref: string;
  /** `FROM`, `COPY --from`, `build context name:`. */
  via: string;
  line?: number;
  /** The build context whose `docker-image://` value names it. */
  context?: string;
}

/** The images the build uses, as the policy reads them: a use naming a build context is that context's image (or none). Pure. */
export function basesToVerify(uses: readonly ImageUse[], buildContexts: ReadonlyArray<readonly [string, string]>): BaseUse[] {
  const contexts = new Map(buildContexts.map(([name, source]) => [name.toLowerCase(), source]));
  const out: BaseUse[] = [];
  for (const use of uses) if (!contexts.has(use.ref.toLowerCase())) out.push({ ref: use.ref, via: use.via, ...(use.line ? { line: use.line } : {}) });
  for (const [name, source] of buildContexts)
    if (source.startsWith('docker-image://')) out.push({ ref: source.slice('docker-image://'.length), via: `build context ${name}:`, context: name });
  return out;
}

const TOKEN_END = /[\s"',\]]/;

/**
 * `text`'s line `line` with the reference `ref` — written literally, as one word after whitespace,
 * `=` or a quote — replaced by `pinned`; undefined when the line does not spell it so. Pure.
 */
export function pinOnLine(text: string, line: number, ref: string, pinned: string): string | undefined {
  const lines = text.split('\n');
  const current = lines[line - 1];
  if (current === undefined) return undefined;
  let at = -1;
  for (let from = 0; (at = current.indexOf(ref, from)) >= 0; from = at + 1) {
    const before = at === 0 ? ' ' : current[at - 1]!;
    const after = current[at + ref.length] ?? ' ';
    if (/[\s="'[]/.test(before) && TOKEN_END.test(after)) break;
  }
  if (at < 0) return undefined;
  lines[line - 1] = `${current.slice(0, at)}${pinned}${current.slice(at + ref.length)}`;
  return lines.join('\n');
}

interface Checked {
  use: BaseUse;
  reference: Reference;
  digest: string;
  who: string;
}

/**
 * Verifies every base and returns the inputs the build should use: the Dockerfile with each base
 * pinned to the digest verified (written into the run's private directory) and `docker-image://`
 * contexts pinned too. Throws a FindingError naming each base that does not verify, before anything
 * is built; a ConfigError for a key that cannot be read.
 */
export async function trustBases(
  fx: Effects,
  inputs: BuildInputs,
  planned: PlannedUnit[],
  catalog: SecretCatalog,
  workdir: string,
): Promise<{ inputs: BuildInputs; planned: PlannedUnit[] }> {
  const { platform } = fx;
  const { baseSigners, baseKeyless } = inputs.audit;
  const dir = platform.context.workspace;
  const signers: TrustedSigners = baseSigners ? await readSigners(fx.files, baseSigners, 'base-signers', dir) : { input: 'base-signers-identity', keys: [] };
  if (baseKeyless) signers.keyless = await readKeylessSigners(fx.files, baseKeyless, identityNames(BASE_KEYLESS_INPUTS), 'trusted-root', dir);
  const dockerfile = await fx.files.readText(inputs.source.file);
  const uses = imageUses(dockerfile, inputs.source.buildArgs, {
    platforms: inputs.builder.platforms,
    targets: unitsOf(inputs.release.images, inputs.source.target).map((u) => u.target),
  });
  const bases = basesToVerify(uses, inputs.source.buildContexts);
  const references = new Map<string, Reference>();
  for (const b of bases) references.set(b.ref, parseReference(b.ref)); // the policy has parsed each already
  const clients = await connectRegistries(fx, inputs.transfer, [...references.values()], catalog);
  const file = relative(platform.context.workspace, inputs.source.file) || inputs.source.file;
  const checked: Checked[] = [];
  const refused: string[] = [];
  try {
    // One resolution and one verification per reference, however many lines use it.
    const verdicts = new Map<string, { digest: string; who?: string; why?: string }>();
    for (const [text, reference] of references) {
      const client = clients.get(reference.host)!;
      const manifest = await client.getManifest(reference.path, reference.digest ?? reference.tag ?? 'latest');
      if (!manifest) {
        verdicts.set(text, { digest: '', why: `the registry has no manifest ${reference.digest ?? reference.tag ?? 'latest'}` });
        continue;
      }
      const result = await verifyDigest(client, reference.path, manifest.digest, signers);
      verdicts.set(
        text,
        result.verified.length ? { digest: manifest.digest, who: describeSigners(result, signers) } : { digest: manifest.digest, why: whyNotVerified(result) },
      );
    }
    for (const use of bases) {
      const v = verdicts.get(use.ref)!;
      if (v.who) checked.push({ use, reference: references.get(use.ref)!, digest: v.digest, who: v.who });
      else {
        const message = `${use.via} ${use.ref}${v.digest ? ` (${v.digest})` : ''}: ${v.why}`;
        if (use.line) platform.error(`base-signers: ${message}`, { file, line: use.line, title: 'Base image signature' });
        refused.push(`  - ${use.line ? `${file}:${use.line}: ` : ''}${message}`);
      }
    }
  } finally {
    await closeAll(clients);
  }
  if (refused.length)
    throw new FindingError(
      `base-signers: ${refused.length === 1 ? 'an image' : `${refused.length} images`} the build would use ${refused.length === 1 ? 'carries' : 'carry'} no signature ${baseSigners ? (baseKeyless ? 'the keys or the keyless signer verify' : 'the keys verify') : 'the keyless signer verifies'}; nothing was built:\n${refused.join('\n')}`,
    );
  const pinnedInputs = await pinned(fx, inputs, dockerfile, checked, workdir);
  if (pinnedInputs === inputs) return { inputs, planned };
  // The builds planned again from the pinned Dockerfile: their base labels name the digest verified.
  const text = await fx.files.readText(pinnedInputs.source.file);
  const first = inputs.builder.platforms[0];
  return {
    inputs: pinnedInputs,
    planned: planned.map((p) => ({
      unit: p.unit,
      meta: imageMetadata(inputs.release, inputs.metadata, platform.context.facts, text, pinnedInputs.source.buildArgs, p.unit, first),
    })),
  };
}

/** The inputs with every verified base named by its digest where the Dockerfile (or context) spells it literally. */
async function pinned(fx: Effects, inputs: BuildInputs, dockerfile: string, checked: readonly Checked[], workdir: string): Promise<BuildInputs> {
  const { platform } = fx;
  let text = dockerfile;
  let buildContexts = inputs.source.buildContexts;
  const reported = new Set<string>();
  for (const c of checked) {
    const pin = formatReference(c.reference, c.reference.tag, c.digest);
    if (!reported.has(c.use.ref)) platform.info(`Base ${c.use.ref} verified at ${c.digest}: ${c.who}`);
    reported.add(c.use.ref);
    if (c.reference.digest) continue; // named by digest already: the build uses what was verified
    if (c.use.context) {
      buildContexts = buildContexts.map(([name, source]): [string, string] => [name, name === c.use.context ? `docker-image://${pin}` : source]);
      continue;
    }
    const next = c.use.line ? pinOnLine(text, c.use.line, c.use.ref, pin) : undefined;
    if (next !== undefined) text = next;
    else
      platform.warning(
        `base-signers: ${c.use.via} ${c.use.ref}${c.use.line ? ` (line ${c.use.line})` : ''} is verified at ${c.digest}, but the Dockerfile does not spell it literally on one line, so the builder resolves its tag itself: write it as ${pin} to build on exactly what was verified`,
      );
  }
  if (text === dockerfile && buildContexts === inputs.source.buildContexts) return inputs;
  let file = inputs.source.file;
  if (text !== dockerfile) {
    file = join(workdir, 'Dockerfile.signed-bases');
    await fx.files.writeText(file, text);
  }
  return { ...inputs, source: { ...inputs.source, file, buildContexts } };
}
