import { describe, expect, it } from 'vitest';
import { formatReference, parseReference, parseRepository } from './reference.js';

describe('parseReference', () => {
  it.each([
    ['alpine', { registry: 'docker.io', host: 'registry-1.docker.io', path: 'library/alpine', tag: undefined }],
    ['acme/app:2.1', { registry: 'docker.io', host: 'registry-1.docker.io', path: 'acme/app', tag: '2.1' }],
    ['index.docker.io/acme/app', { registry: 'docker.io', host: 'registry-1.docker.io', path: 'acme/app', tag: undefined }],
    ['ghcr.io/acme/app', { registry: 'ghcr.io', host: 'ghcr.io', path: 'acme/app', tag: undefined }],
    ['127.0.0.1:5100/demo/app:latest', { registry: '127.0.0.1:5100', host: '127.0.0.1:5100', path: 'demo/app', tag: 'latest' }],
    ['localhost/app', { registry: 'localhost', host: 'localhost', path: 'app', tag: undefined }],
    [
      'registry.gitlab.com/group/sub/project/image',
      { registry: 'registry.gitlab.com', host: 'registry.gitlab.com', path: 'group/sub/project/image', tag: undefined },
    ],
  ])('%s', (input, expected) => {
    expect(parseReference(input)).toMatchObject(expected);
  });

  it('keeps a digest', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseReference(`ghcr.io/acme/app@${d}`)).toMatchObject({ path: 'acme/app', digest: d, tag: undefined });
  });

  it.each([
    ['', /empty/],
    ['ghcr.io/Acme/app', /lower case/],
    ['ghcr.io/acme/app:-bad', /not a valid tag/],
    ['ghcr.io/acme/app@sha256:abc', /not a sha256 digest/],
    ['ghcr.io/acme//app', /not a valid repository name/],
  ])('rejects %j', (input, message) => {
    expect(() => parseReference(input)).toThrow(message);
  });
});

describe('parseRepository', () => {
  it('refuses a tag or digest', () => {
    expect(() => parseRepository('ghcr.io/acme/app:1.0')).toThrow(/names a tag/);
    expect(() => parseRepository(`ghcr.io/acme/app@sha256:${'b'.repeat(64)}`)).toThrow(/names a digest/);
  });

  it('formats back the way users write it', () => {
    expect(formatReference(parseRepository('alpine'), '3')).toBe('docker.io/library/alpine:3');
  });
});
