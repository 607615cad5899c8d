import { describe, expect, it } from 'vitest';
import { computeTags, resolveVersion } from './tags.js';

describe('resolveVersion', () => {
  it.each([
    [{ input: '2.1.106', ref: undefined }, '2.1.106', 'version'],
    [{ input: 'v2.1.106', ref: 'refs/tags/v9.9.9' }, '2.1.106', 'version'],
    [{ input: '', ref: 'refs/tags/v2.1.106' }, '2.1.106', 'git tag v2.1.106'],
    [{ input: '', ref: 'refs/tags/2.2.0-rc.1' }, '2.2.0-rc.1', 'git tag 2.2.0-rc.1'],
  ])('%j → %s', (src, version, source) => {
    expect(resolveVersion(src)).toEqual({ version, source });
  });

  it('has no version on a branch', () => {
    expect(resolveVersion({ input: '', ref: 'refs/heads/main' })).toBeUndefined();
  });

  it.each(['2.x', '2.1', 'latest', '01.2.3', '2.1.106+build.5'])('rejects version %j, naming the input', (input) => {
    expect(() => resolveVersion({ input, ref: undefined })).toThrow(expect.objectContaining({ input: 'version', message: expect.stringContaining('not a semantic version') }));
  });

  it('names the git tag when that is what failed', () => {
    expect(() => resolveVersion({ input: '', ref: 'refs/tags/release-two' })).toThrow(/the git tag 'release-two'/);
  });
});

describe('computeTags', () => {
  const base = { sha: '0123456789abcdef', tagLatest: 'auto' as const, extra: [] };
  it.each([
    ['2.1.106', 'auto', ['2.1.106', '2.1', '2', 'latest']],
    ['2.1.106', 'never', ['2.1.106', '2.1', '2']],
    ['0.4.2', 'auto', ['0.4.2', '0.4', 'latest']],
    ['2.2.0-rc.1', 'auto', ['2.2.0-rc.1']],
    ['2.2.0-rc.1', 'always', ['2.2.0-rc.1', 'latest']],
  ] as const)('%s with tag-latest %s', (version, tagLatest, tags) => {
    expect(computeTags({ ...base, version, tagLatest })).toEqual(tags);
  });

  it('tags an untagged build with its commit', () => {
    expect(computeTags({ ...base, version: undefined })).toEqual(['sha-0123456']);
  });

  it('adds extra tags once, and rejects invalid ones', () => {
    expect(computeTags({ ...base, version: '1.0.0', extra: ['edge', 'latest'] })).toEqual(['1.0.0', '1.0', '1', 'latest', 'edge']);
    expect(() => computeTags({ ...base, version: undefined, extra: ['no spaces'] })).toThrow(expect.objectContaining({ input: 'tags' }));
  });
});
