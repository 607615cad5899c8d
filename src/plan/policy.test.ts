import { describe, expect, it } from 'vitest';
import { imageUses } from './dockerfile.js';
import { parseAllowRule } from '../inputs/allow-rule.js';
import { checkBaseImages } from './policy.js';

const D = 'sha256:' + 'a'.repeat(64);
const dockerfile = `ARG BASE=registry.acme/golden/node:20
FROM \${BASE} AS build
COPY --from=docker.io/library/alpine:3.20 /bin/busybox /bin/
RUN --mount=type=bind,from=ghcr.io/tools/lint:1,target=/lint /lint/run
FROM registry.acme/golden/distroless@${D}
COPY --from=build /out /out
COPY --from=0 /out /app
`;

describe('imageUses', () => {
  it('lists every image with its line, stage references left out', () => {
    expect(imageUses(dockerfile, [])).toEqual([
      { ref: 'registry.acme/golden/node:20', line: 2, via: 'FROM' },
      { ref: 'docker.io/library/alpine:3.20', line: 3, via: 'COPY --from' },
      { ref: 'ghcr.io/tools/lint:1', line: 4, via: 'RUN --mount from' },
      { ref: `registry.acme/golden/distroless@${D}`, line: 5, via: 'FROM' },
    ]);
  });
});

describe('checkBaseImages', () => {
  const uses = (args: Array<[string, string]> = []) => imageUses(dockerfile, args);
  const opts = { allowed: ['registry.acme/golden/*', 'alpine', 'ghcr.io/tools/**'], requirePinned: false, buildContexts: [] };

  it('passes what the patterns allow (docker.io names qualified, * one segment, ** any)', () => {
    expect(checkBaseImages(uses(), opts)).toEqual([]);
  });

  it('refuses an image outside the patterns, with its line — also when a build argument swaps it in', () => {
    expect(checkBaseImages(uses([['BASE', 'evil.example/node:20']]), opts)).toEqual([
      { line: 2, message: expect.stringMatching(/^FROM evil.example\/node:20 is not an allowed base image/) },
    ]);
  });

  it('refuses floating and unpinned tags with require-pinned-base', () => {
    const v = checkBaseImages(imageUses('FROM alpine\nFROM alpine:latest\nFROM alpine:3.20\nFROM alpine:3.20@' + D + '\n', []), {
      ...opts,
      requirePinned: true,
    });
    expect(v.map((x) => [x.line, x.message.replace(/:.*/, '')])).toEqual([
      [1, 'FROM alpine is a floating tag (no tag'],
      [2, 'FROM alpine'],
      [3, 'FROM alpine'],
    ]);
    expect(v[1]!.message).toContain('a floating tag (latest)');
    expect(v[2]!.message).toContain('not pinned to a digest');
  });

  it('holds a base to the digest a pattern pins', () => {
    const pinned = { ...opts, allowed: [`debian@${D}`] };
    expect(checkBaseImages(imageUses(`FROM debian:12@${D}\n`, []), pinned)).toEqual([]);
    expect(checkBaseImages(imageUses('FROM debian:12\n', []), pinned)).toEqual([{ line: 1, message: expect.stringMatching(/must be pinned to sha256:a+/) }]);
  });

  it('checks named build contexts: an image context is checked, a directory standing in for a base is refused', () => {
    const v = checkBaseImages(imageUses('FROM base\nCOPY --from=assets / /\n', []), {
      ...opts,
      buildContexts: [
        ['base', 'docker-image://evil.example/x:1'],
        ['assets', '/ws/assets'],
      ],
    });
    expect(v).toEqual([
      { line: 2, message: 'COPY --from assets is the build context assets=/ws/assets, not an image the policy can check' },
      { line: undefined, message: expect.stringMatching(/^build context base: evil.example\/x:1 is not an allowed base image/) },
    ]);
  });

  it.each(['Registry.Acme/x', 'a b', 'debian@sha256:short'])('rejects the pattern %j', (p) => {
    expect(() => parseAllowRule(p)).toThrow(/is not a repository pattern|is not a sha256 digest/);
  });
});

describe('the Dockerfile read as BuildKit reads it (no way around the policy)', () => {
  const golden = { allowed: ['registry.acme/golden/*'], requirePinned: false, buildContexts: [] };
  const refused = (text: string) => checkBaseImages(imageUses(text, []), golden).map((v) => [v.line, v.message]);

  it.each([
    [
      'a LABEL value that looks like a heredoc',
      'FROM registry.acme/golden/os:1\nLABEL x="<<END"\nFROM evil.example/base:1\n',
      3,
      /evil\.example\/base:1 is not an allowed base image/,
    ],
    [
      'the syntax directive: the frontend image',
      '# syntax=evil.example/dockerfile:1\nFROM registry.acme/golden/os:1\n',
      1,
      /evil\.example\/dockerfile:1 is not an allowed base image/,
    ],
  ])('%s is checked', (_name, text, line, message) => {
    expect(refused(text)).toEqual([[line, expect.stringMatching(message)]]);
  });

  // BuildKit refuses these outright (the reader's refusal names the line): nothing gets to the policy.
  it.each([
    ['a heredoc-looking LABEL leaves its "terminator" an instruction', 'FROM registry.acme/golden/os:1\nLABEL x="<<END"\nFROM evil.example/base:1\nEND\n', 4],
    ['with escape `, a trailing backslash is an argument, not a continuation', '# escape=`\nFROM registry.acme/golden/os:1 \\\nFROM evil.example/base:1\n', 2],
  ])('%s: refused', (_name, text, line) => {
    expect(() => imageUses(text, [])).toThrow(expect.objectContaining({ line }));
  });

  it('still skips real heredoc bodies (RUN, COPY), several per instruction, <<- with tabs', () => {
    const text =
      'FROM registry.acme/golden/os:1\nRUN <<A cat <<-"B"\nFROM evil.example/a:1\nA\n\tFROM evil.example/b:1\n\tB\nCOPY <<EOF /x\nFROM evil.example/c:1\nEOF\n';
    expect(refused(text)).toEqual([]);
  });

  it('reads the escape directive only at the top, before any blank line or instruction', () => {
    const text = '\n# escape=`\nFROM registry.acme/golden/os:1 \\\n  AS base\n';
    expect(imageUses(text, [])).toEqual([{ ref: 'registry.acme/golden/os:1', line: 3, via: 'FROM' }]);
  });
});
