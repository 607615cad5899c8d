/**
 * The push default through every front door. Property: a step in build-push-action's form (no
 * images, repositories in tags) never starts pushing unless it says push: true — on GitHub (the
 * defaults action.yml gives), the command line (the flags generated from it) and the GitLab
 * component (its template's defaults); Hoist's own form (images) pushes unless it says false.
 * Nearest real workflow: build-push-action's README step, `uses:` changed and nothing else.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BUILD_FLAGS } from '../cli/inputs.generated.js';
import type { CiContext } from '../platform/platform.js';
import { SecretCatalog } from '../secrets/catalog.js';
import { readBuildInputs } from '../plan/inputs.js';

const root = new URL('../../', import.meta.url);
const action = parseYaml(readFileSync(new URL('action.yml', root), 'utf8')) as { inputs: Record<string, { default?: string }> };
const gitlab = parseYaml(readFileSync(new URL('gitlab/templates/build.yml', root), 'utf8').split('\n---\n')[0]!) as {
  spec: { inputs: Record<string, { default?: unknown }> };
};

/** Each front door's defaults, as the inputs reader sees them (GitLab's names use _; its $CI_REGISTRY_IMAGE resolved). */
const doors: Record<string, Record<string, string>> = {
  github: Object.fromEntries(
    Object.entries(action.inputs).flatMap(([k, v]) => (v.default !== undefined && !v.default.includes('${{') ? [[k, v.default]] : [])),
  ),
  cli: Object.fromEntries(BUILD_FLAGS.flatMap((f) => (f.default !== undefined ? [[f.name, f.default]] : []))),
  gitlab: Object.fromEntries(
    Object.entries(gitlab.spec.inputs).flatMap(([k, v]) =>
      v.default !== undefined && typeof v.default !== 'object'
        ? [[k.replaceAll('_', '-'), String(v.default).replace('$CI_REGISTRY_IMAGE', 'registry.gitlab.example/acme/app')]]
        : [],
    ),
  ),
};

const ctx: CiContext = {
  facts: { git: { branch: 'main', sha: 'abcdef0123456789', scheduled: false }, repository: {} },
  now: () => new Date('2026-12-01T00:00:00Z'),
  workspace: '/ws',
  tempDir: '/tmp',
  env: {},
};
const pushOf = async (inputs: Record<string, string>) => (await readBuildInputs((n) => inputs[n] ?? '', ctx, new SecretCatalog(() => {}))).delivery.push;

describe('the push default, door by door', () => {
  it('no door sets a push default that would override the rule, but GitLab, whose images is always set', () => {
    expect([doors.github!.push, doors.cli!.push, doors.gitlab!.push, doors.gitlab!.images]).toEqual([
      undefined,
      undefined,
      'true',
      'registry.gitlab.example/acme/app',
    ]);
  });
  it.each(['github', 'cli'])("%s: build-push-action's form builds without pushing unless push: true", async (door) => {
    const step = { ...doors[door], tags: 'ghcr.io/acme/app:latest' };
    expect(await pushOf(step)).toBe(false);
    expect(await pushOf({ ...step, push: 'true' })).toBe(true);
  });
  it.each(['github', 'cli', 'gitlab'])("%s: Hoist's own form pushes unless push: false", async (door) => {
    const step = { images: 'ghcr.io/acme/app', ...doors[door] };
    expect(await pushOf(step)).toBe(true);
    expect(await pushOf({ ...step, push: 'false' })).toBe(false);
  });
});
