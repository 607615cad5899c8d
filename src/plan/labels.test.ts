import { describe, expect, it } from 'vitest';
import { imageLabels, resolveCreated, type LabelOptions } from './labels.js';

const base: LabelOptions = {
  repository: { name: 'app', url: 'https://github.com/acme/app', description: 'The app', licenses: 'MIT', visibility: 'private' },
  revision: 'abc123',
  version: '2.1.0',
  created: '2026-11-20T08:30:00Z',
  baseName: 'debian:12',
  user: [],
  public: false,
};

describe('imageLabels', () => {
  it('generates the OCI labels from the run', () => {
    expect(Object.fromEntries(imageLabels(base).values)).toEqual({
      'org.opencontainers.image.title': 'app',
      'org.opencontainers.image.description': 'The app',
      'org.opencontainers.image.url': 'https://github.com/acme/app',
      'org.opencontainers.image.source': 'https://github.com/acme/app',
      'org.opencontainers.image.version': '2.1.0',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.created': '2026-11-20T08:30:00Z',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.base.name': 'debian:12',
    });
  });

  it('leaves out what reveals a private repository when a target is public, unless the user sets it', () => {
    const l = imageLabels({ ...base, public: true, user: [['org.opencontainers.image.url', 'https://acme.example']] });
    expect(l.withheld).toEqual(['org.opencontainers.image.description', 'org.opencontainers.image.source']);
    const values = Object.fromEntries(l.values);
    expect(values['org.opencontainers.image.url']).toBe('https://acme.example');
    expect(values['org.opencontainers.image.source']).toBeUndefined();
    expect(values['org.opencontainers.image.revision']).toBe('abc123');
  });

  it('treats a repository of unknown visibility as private, and a public one as public', () => {
    expect(imageLabels({ ...base, public: true, repository: { url: 'u' } }).withheld).toEqual([
      'org.opencontainers.image.url',
      'org.opencontainers.image.source',
    ]);
    expect(imageLabels({ ...base, public: true, repository: { ...base.repository, visibility: 'public' } }).withheld).toEqual([]);
  });

  it('lets user labels win and keeps their order after the generated ones', () => {
    const l = imageLabels({
      ...base,
      user: [
        ['team', 'core'],
        ['org.opencontainers.image.title', 'App'],
      ],
    });
    expect(l.values.slice(-2)).toEqual([
      ['team', 'core'],
      ['org.opencontainers.image.title', 'App'],
    ]);
    expect(l.values.filter(([k]) => k === 'org.opencontainers.image.title')).toHaveLength(1);
  });
});

describe('resolveCreated', () => {
  const now = new Date('2026-11-23T12:34:56.789Z');
  it.each([
    ['1700000000', undefined, undefined, '2023-11-14T22:13:20Z', 'the created input'],
    ['', '1700000000', '2026-01-01T00:00:00Z', '2023-11-14T22:13:20Z', 'SOURCE_DATE_EPOCH'],
    ['', undefined, '2026-11-20T09:30:00+01:00', '2026-11-20T08:30:00Z', 'the commit time'],
    ['', undefined, undefined, '2026-11-23T12:34:56Z', 'the clock (no commit time known: not a git checkout)'],
  ])('%j / %j / %j → %s', (input, epoch, commit, created, from) => {
    expect(resolveCreated(input, epoch, commit, now)).toEqual({ created, from });
  });

  it('rejects what is not a time, naming where it came from', () => {
    expect(() => resolveCreated('', 'soon', undefined, now)).toThrow(/SOURCE_DATE_EPOCH 'soon' is not a time/);
  });
});
