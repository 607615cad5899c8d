// Property: a registry's web page given as an image reference (copied from the browser) is named
// with the reference it stands for; a real reference on those hosts' registries is not touched.
// Nearest real variants: https://hub.docker.com/r/bitnami/redis, hub.docker.com/_/nginx,
// github.com/acme/app/pkgs/container/app, github.com/orgs/acme/packages/container/package/app,
// gitlab.com/acme/app/container_registry, quay.io/repository/prometheus/node-exporter?tab=tags.
import { describe, expect, it } from 'vitest';
import { parseImages, webPage } from './images.js';
import { inputScope } from './read.js';

describe('webPage', () => {
  it.each([
    ['https://hub.docker.com/r/bitnami/redis', 'docker.io/bitnami/redis'],
    ['hub.docker.com/_/nginx', 'docker.io/library/nginx'],
    ['https://hub.docker.com/repository/docker/acme/app/general', 'docker.io/acme/app'],
    ['https://hub.docker.com/layers/library/nginx/1.27/images/sha256-abc', 'docker.io/library/nginx'],
    ['https://github.com/acme/app/pkgs/container/app', 'ghcr.io/acme/app'],
    ['github.com/orgs/Acme/packages/container/package/app', 'ghcr.io/acme/app'],
    ['https://gitlab.com/acme/team/app/container_registry/123', 'registry.gitlab.com/acme/team/app'],
    ['https://quay.io/repository/prometheus/node-exporter?tab=tags', 'quay.io/prometheus/node-exporter'],
    ['https://www.hub.docker.com/r/acme/app', 'docker.io/acme/app'],
  ])('%s → %s', (page, reference) => {
    expect(webPage(page)).toBe(`'${page}' is the registry's web page, not an image reference: write ${reference}`);
  });

  it('Docker Hub elsewhere is named as the web site; real references are left alone', () => {
    expect([webPage('hub.docker.com/search'), webPage('docker.io/acme/app'), webPage('ghcr.io/acme/app'), webPage('quay.io/acme/app')]).toEqual([
      "'hub.docker.com/search' is Docker Hub's web site, not its registry: write docker.io/NAMESPACE/REPOSITORY",
      undefined,
      undefined,
      undefined,
    ]);
  });
});

// Property: two repositories on one line (space-separated, as a shell variable or a GitLab input
// string holds a list) are named as such, with the fix — not "unknown setting" with the known
// settings. Nearest real variant: `images: $CI_REGISTRY_IMAGE docker.io/acme/app`.
describe('parseImages: a space-separated list', () => {
  const issuesOf = (images: string) => {
    const scope = inputScope((name) => (name === 'images' ? images : ''), '/w', {});
    parseImages(scope);
    return scope.issues.map((i) => i.message);
  };
  it.each([
    ['registry.gitlab.com/acme/app docker.io/acme/app', "'registry.gitlab.com/acme/app' and 'docker.io/acme/app' are on one line"],
    ['ghcr.io/acme/app  localhost:5000/app visibility=public', "'ghcr.io/acme/app' and 'localhost:5000/app' are on one line"],
    ['ghcr.io/acme/app https://bob:pw@registry.acme/app', "'ghcr.io/acme/app' and 'https://***@registry.acme/app' are on one line"],
  ])('%s', (images, said) => {
    expect(issuesOf(images)).toEqual([`${said}: give one repository per line, or separate them with commas`]);
  });
  it('a real setting still passes, a wrong one is still named', () => {
    expect([issuesOf('ghcr.io/acme/app visibility=public target=web'), issuesOf('ghcr.io/acme/app public')]).toEqual([
      [],
      ["'ghcr.io/acme/app': unknown setting 'public' (known: visibility=public|private, target=STAGE)"],
    ]);
  });
});
