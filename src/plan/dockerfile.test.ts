/**
 * The Dockerfile reader as its callers see it: the stages and the images a build uses, read as
 * BuildKit reads them. Each case is one of the ways issue 31 found Hoist reading another image than
 * BuildKit pulls (or refusing a file BuildKit builds), with the nearest real-world Dockerfile beside it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseImage, DockerfileError, imageUses, runLines, stages } from './dockerfile.js';

const dockerfile = `# syntax=docker/dockerfile:1
ARG REGISTRY=docker.io
ARG DEBIAN=12
FROM --platform=$BUILDPLATFORM \\
  \${REGISTRY}/library/golang:1.23 AS Build
RUN <<EOF
FROM not-an-instruction
EOF
RUN go build ./...
FROM $REGISTRY/library/debian:\${DEBIAN}-slim AS runtime
COPY --from=build /out /app
FROM runtime AS final
`;
const froms = (text: string, args: Array<[string, string]> = [], platform?: string) => stages(text, args, { platform }).map((s) => s.from);
const refs = (text: string, args: Array<[string, string]> = [], platforms?: string[]) => imageUses(text, args, { platforms }).map((u) => u.ref);

describe('stages', () => {
  it('reads every FROM with its line, expanding global ARGs and skipping heredocs', () => {
    expect(stages(dockerfile, [])).toEqual([
      { from: 'docker.io/library/golang:1.23', name: 'build', line: 4, endLine: 5 },
      { from: 'docker.io/library/debian:12-slim', name: 'runtime', line: 10, endLine: 10 },
      { from: 'runtime', name: 'final', line: 12, endLine: 12 },
    ]);
  });

  it('lets build arguments override ARG defaults', () => {
    expect(
      froms(dockerfile, [
        ['DEBIAN', '13'],
        ['REGISTRY', 'mirror.acme'],
      ])[1],
    ).toBe('mirror.acme/library/debian:13-slim');
  });

  it('resolves quotes and escapes in FROM as the shell lexer does', () => {
    expect(froms('FROM "alpine:3"\nFROM \'a\'lpine\nFROM al\\pine\n')).toEqual(['alpine:3', 'alpine', 'alpine']);
  });

  it('takes what Docker takes as a name: an upper-case first component is a host, a sha512 digest a digest', () => {
    expect(refs(`FROM Nexus/app:1\nFROM alpine@sha512:${'a'.repeat(128)}\n`)).toEqual(['Nexus/app:1', `alpine@sha512:${'a'.repeat(128)}`]);
  });

  it('refuses a target stage the file does not have, as BuildKit does', () => {
    expect(() => stages(dockerfile, [], { target: 'nope' })).toThrow(
      expect.objectContaining({
        input: 'target',
        reason: `target stage "nope" could not be found: set target to one of the Dockerfile's stages (build, runtime, final)`,
      }),
    );
  });

  it('expands every operator of the lexer: :- :+ - + # ## % %% / //', () => {
    const text =
      'ARG TAG\nARG V=v1.2.3-rc1\nFROM alpine:${TAG:-3.20}${TAG:+-custom}\nFROM a:${V#v}\nFROM a:${V%%-*}\nFROM a:${V//./-}\nFROM a:${V##*.}${V%.*}\n';
    expect(froms(text)).toEqual(['alpine:3.20', 'a:1.2.3-rc1', 'a:v1.2.3', 'a:v1-2-3-rc1', 'a:3-rc1v1.2']);
    expect(froms(text, [['TAG', '3.19']])[0]).toBe('alpine:3.19-custom');
  });
});

describe('predefined platform arguments, per platform built', () => {
  // Real-world variant: Docker's per-architecture stage pattern (`FROM base-$TARGETARCH`), docs.docker.com/build/building/multi-platform.
  const perArch = 'FROM alpine AS base-amd64\nFROM alpine AS base-arm64\nFROM base-$TARGETARCH\nRUN true\n';

  it('FROM base-$TARGETARCH names a stage for every platform (not refused, not an image)', () => {
    expect(refs(perArch, [], ['linux/amd64', 'linux/arm64'])).toEqual(['alpine', 'alpine']);
    expect(froms(perArch, [], 'linux/arm64')[2]).toBe('base-arm64');
  });

  it('FROM ${TARGETARCH:+evil.example/}alpine is checked as the image BuildKit pulls', () => {
    expect(refs('FROM ${TARGETARCH:+evil.example/}alpine\n', [], ['linux/amd64'])).toEqual(['evil.example/alpine']);
  });

  it('each platform its own image; arm is arm/v7, an empty variant is set but empty', () => {
    const text = 'FROM img:${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-$TARGETVARIANT}\nFROM x${TARGETVARIANT-unset}y\n';
    expect(refs(text, [], ['linux/amd64', 'linux/arm', 'linux/arm64/v8'])).toEqual(['img:linux-amd64', 'xy', 'img:linux-arm-v7', 'xv7y', 'img:linux-arm64']);
    expect(froms('FROM img:${TARGETPLATFORM//\\//-}\n', [], 'linux/arm/v6')).toEqual(['img:linux-arm-v6']);
  });

  it('a build argument of the same name replaces a predefined one; TARGETSTAGE is the target', () => {
    expect(froms('FROM img:$TARGETARCH\n', [['TARGETARCH', 'riscv64']], 'linux/amd64')).toEqual(['img:riscv64']);
    expect(stages('FROM img:$TARGETSTAGE AS app\n', [], { target: 'app' })[0]!.from).toBe('img:app');
  });
});

describe('the layouts that let another image past the policy', () => {
  it('an escaped escape at the end of a line is no continuation: the next FROM is a stage of its own', () => {
    expect(refs('FROM alpine\nRUN echo \\\\\nFROM evil.example/x:1\n')).toEqual(['alpine', 'evil.example/x:1']);
  });

  it('comment and blank lines inside a continuation are skipped, not the end of the instruction', () => {
    expect(refs('FROM \\\n# a comment\n\n   \nevil.example/x:1\n')).toEqual(['evil.example/x:1']);
  });

  it('continued lines join without a space: alpine\\ + .evil.example/x is one name', () => {
    expect(refs('FROM alpine\\\n.evil.example/x:1\n')).toEqual(['alpine.evil.example/x:1']);
  });

  it.each([
    ['<<file.txt', 'COPY <<file.txt /dest\nFROM x\nfile.txt\n'],
    ["<<eo'f'", "RUN <<eo'f'\nFROM x\neof\n"],
    ['<<"EOF" and <<-EOF on one line', 'RUN <<"EOF" cat - <<-EOF2\nFROM x\nEOF\n\tFROM y\n\tEOF2\n'],
  ])('a heredoc named %s is skipped to its terminator, and the FROM after it read', (_n, body) => {
    expect(refs(`FROM alpine\n${body}FROM evil.example/x:1\n`)).toEqual(['alpine', 'evil.example/x:1']);
  });

  it.each([
    ['after a byte-order mark', '\ufeff# syntax=evil.example/fe:1\nFROM alpine\n', 1],
    ['after a #! first line', '#!/usr/bin/env buildctl\n# syntax=evil.example/fe:1\nFROM alpine\n', 2],
    ['with options (# syntax=image // opts)', '# syntax=evil.example/fe:1 // opts\nFROM alpine\n', 1],
  ])('# syntax= %s is the frontend image', (_n, text, line) => {
    expect(imageUses(text, [])[0]).toEqual({ ref: 'evil.example/fe:1', line, via: '# syntax=' });
  });

  it('// syntax= and a JSON "syntax" name a frontend that reads the file itself: that image is the one known', () => {
    expect(imageUses('//syntax=evil.example/fe:1\nsteps: []\n', [])).toEqual([{ ref: 'evil.example/fe:1', line: 1, via: '// syntax=' }]);
    expect(imageUses('{"syntax": "evil.example/fe:1"}', [])).toEqual([{ ref: 'evil.example/fe:1', via: '"syntax":' }]);
  });

  it('a BUILDKIT_SYNTAX build argument names the frontend instead of # syntax= (dockerfile.v0: the built-in one)', () => {
    expect(refs('# syntax=docker/dockerfile:1\nFROM alpine\n', [['BUILDKIT_SYNTAX', ' evil.example/fe:1 opts']])).toEqual(['evil.example/fe:1', 'alpine']);
    expect(refs('# syntax=docker/dockerfile:1\nFROM alpine\n', [['BUILDKIT_SYNTAX', 'dockerfile.v0']])).toEqual(['alpine']);
  });

  it('# escape=` makes ` the continuation and leaves \\ alone', () => {
    expect(refs('# escape=`\nFROM alpine`\n:3\nRUN dir c:\\\nFROM evil.example/x:1\n')).toEqual(['alpine:3', 'evil.example/x:1']);
  });
});

describe('where BuildKit refuses, the reader refuses, naming the line', () => {
  it.each([
    ['an unknown instruction', 'FROM alpine\nFORM x\n', 2, 'unknown instruction: FORM'],
    ['an instruction before the first FROM', 'RUN true\nFROM alpine\n', 1, 'no build stage in current context'],
    ['a blank base name', 'ARG BASE\nFROM $BASE\n', 2, 'base name ($BASE) should not be blank'],
    ['a required argument unset', 'FROM ${BASE:?required}\n', 1, 'BASE: required'],
    ['an unsupported modifier', 'FROM ${BASE:=x}\n', 1, 'unsupported modifier'],
    ['FROM with two arguments', 'FROM alpine x\n', 1, 'FROM requires either one or three arguments'],
    ['an invalid stage name', 'FROM alpine AS 1st\n', 1, 'invalid name for build stage'],
    ['an unknown FROM flag', 'FROM --plaform=linux/amd64 alpine\n', 1, 'unknown flag: --plaform'],
    ['COPY --from with a variable', 'ARG X=a\nFROM alpine\nCOPY --from=$X / /\n', 3, 'variable expansion is not supported for --from'],
    ['RUN --mount from with a variable', 'FROM alpine\nRUN --mount=from=$X,target=/x true\n', 2, "'from' doesn't support variable expansion"],
    ['ADD --from (ADD has no such flag)', 'FROM alpine\nADD --from=evil.example/x:1 / /\n', 2, 'unknown flag: --from'],
    ['COPY --from twice', 'FROM alpine\nCOPY --from=a --from=b / /\n', 2, 'duplicate flag specified: --from'],
    ['a stage index out of range', 'FROM alpine\nCOPY --from=3 / /\n', 2, 'invalid stage index 3'],
    ['an upper-case image name', 'FROM alpine AS build\nFROM Build\n', 2, 'failed to parse stage name "Build"'],
    ['an unterminated heredoc', 'FROM alpine\nRUN <<EOF\ntrue\n', 2, 'unterminated heredoc'],
    ['a repeated directive', '# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1.7\nFROM alpine\n', 2, 'only one syntax parser directive'],
    ['no FROM at all', 'ARG X=1\n', undefined, 'dockerfile contains no stages to build'],
    ['quotes resolved, then no FROM arguments left', 'FROM ""\n', 1, 'base name ("") should not be blank'],
  ])('%s', (_n, text, line, reason) => {
    let error: unknown;
    try {
      imageUses(text, []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DockerfileError);
    expect(error).toMatchObject({ line });
    expect((error as DockerfileError).reason).toContain(reason);
  });
});

describe('baseImage and runLines', () => {
  it('follows stage references to the image the built stage starts from', () => {
    expect(baseImage(stages(dockerfile, []), undefined)).toMatchObject({ from: 'docker.io/library/debian:12-slim', line: 10 });
    expect(baseImage(stages(dockerfile, []), 'Build')).toMatchObject({ from: 'docker.io/library/golang:1.23' });
  });

  it('has none for scratch or an unknown target', () => {
    expect(baseImage(stages('FROM scratch\nCOPY x /\n', []), undefined)).toBeUndefined();
    expect(baseImage(stages(dockerfile, []), 'nope')).toBeUndefined(); // (stages() for that target refuses it)
  });

  it('RUN lines are the logical instructions, not heredoc bodies or comments', () => {
    expect(runLines('FROM a\n# RUN no\nRUN <<EOF\nRUN no\nEOF\nCOPY <<RUN /x\nRUN\nRUN \\\n  true\n')).toEqual([3, 8]);
  });
});

describe('property: any continuation/comment/escape layout of a FROM line reads the image of the joined logical line', () => {
  const component = fc.stringMatching(/^[a-z0-9]{1,6}$/);
  const image = fc
    .tuple(
      fc.option(fc.constantFrom('registry.acme', 'evil.example', 'localhost:5000'), { nil: undefined }),
      fc.array(component, { minLength: 1, maxLength: 3 }),
      fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/), { nil: undefined }),
    )
    .map(([host, path, tag]) => `${host ? `${host}/` : ''}${path.join('/')}${tag ? `:${tag}` : ''}`);
  const filler = fc.array(fc.constantFrom('# a comment', '   # indented comment', '', '   ', '\t', '#'), { maxLength: 3 });
  const layout = fc.record({
    escape: fc.constantFrom('\\', '`'),
    image,
    name: fc.option(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,6}$/), { nil: undefined }),
    keyword: fc.constantFrom('FROM', 'from', 'From'),
    cuts: fc.array(fc.record({ at: fc.nat(), trailing: fc.constantFrom('', ' ', '\t', ' \t '), filler }), { maxLength: 6 }),
    crlf: fc.boolean(),
  });

  it('stages(layout) = the stage of the one-line FROM', () => {
    fc.assert(
      fc.property(layout, ({ escape, image: ref, name, keyword, cuts, crlf }) => {
        const logical = `${keyword} ${ref}${name ? ` AS ${name}` : ''}`;
        const at = [...new Set(cuts.map((c) => 1 + (c.at % (logical.length - 1))))].sort((a, b) => a - b);
        let text = escape === '`' ? '# escape=`\n' : '';
        let prev = 0;
        at.forEach((pos, i) => {
          const c = cuts[i]!;
          text += `${logical.slice(prev, pos)}${escape}${c.trailing}\n${c.filler.map((f) => `${f}\n`).join('')}`;
          prev = pos;
        });
        text += `${logical.slice(prev)}\n`;
        if (crlf) text = text.replace(/\n/g, '\r\n');
        // The reference: the logical line read on its own.
        const reference = stages(`${logical}\n`, []);
        const first = escape === '`' ? 2 : 1;
        expect(stages(text, [])).toEqual([{ ...reference[0], line: first, endLine: first + text.split(/\r?\n/).length - 2 - (first - 1) }]);
        expect(reference[0]).toMatchObject({ from: ref, name });
      }),
      { numRuns: 500 },
    );
  });

  it('a line ending in an escaped escape never swallows the next FROM', () => {
    fc.assert(
      fc.property(image, fc.constantFrom('\\', '`'), fc.constantFrom('', ' ', '\t'), (ref, escape, trailing) => {
        const text = `${escape === '`' ? '# escape=`\n' : ''}FROM alpine\nRUN echo ${escape}${escape}${trailing}\nFROM ${ref}\n`;
        expect(refs(text)).toEqual(['alpine', ref]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("dockerfile2llb's convert_test.go: what decides the images", () => {
  const foo = 'FROM scratch AS foo\nENV FOO bar\nFROM foo\nCOPY --from=foo f1 /\nCOPY --from=0 f2 /\n\t';
  it.each([
    ['FROM scratch\nENV FOO bar\nCOPY f1 f2 /sub/\nRUN ls -l\n', undefined],
    [foo, undefined],
    [foo, 'Foo'],
    ['FROM scratch\n\tADD http://github.com/moby/buildkit/blob/master/README.md /\n\t\t', undefined],
    // BuildKit refuses this one when it builds the stage ("source can't be a URL for COPY"); the reader
    // leaves it to BuildKit (test/fixtures/buildkit-parser/README.md: a documented choice).
    ['FROM scratch\n\tCOPY http://github.com/moby/buildkit/blob/master/README.md /\n\t\t', undefined],
  ])('TestDockerfileParsing: read, no image used (%#)', (text, target) => {
    expect(imageUses(text, [], { targets: [target] })).toEqual([]);
  });

  it.each([
    [foo, 'nosuch', 'target stage "nosuch" could not be found'],
    ['FROM "" AS foo', undefined, 'base name ("") should not be blank'],
    ['FROM ${BLANK} AS foo', undefined, 'base name (${BLANK}) should not be blank'],
    ['FROM busybox AS stage0\nCOPY --from=stage0 f1 /sub/\n', undefined, 'circular dependency detected on stage: stage0'],
    [
      'FROM busybox AS stage0\nCOPY --from=stage2 f1 /sub/\nFROM busybox AS stage1\nCOPY --from=stage0 f2 /sub/\nFROM busybox AS stage2\nCOPY --from=stage1 f2 /sub/\n',
      undefined,
      'circular dependency detected on stage: stage0',
    ],
  ])('refused as BuildKit refuses it (%#)', (text, target, reason) => {
    expect(() => imageUses(text, [], { targets: [target] })).toThrow(expect.objectContaining({ reason: expect.stringContaining(reason) }));
  });
});

describe('property: FROM over the predefined platform arguments reads, for each platform built, what the shell rules give', () => {
  /** What BuildKit sets for each platform spelling (containerd's normalization), written out by hand. */
  const PLATFORMS: Record<string, { os: string; arch: string; variant: string }> = {
    'linux/amd64': { os: 'linux', arch: 'amd64', variant: '' },
    'linux/amd64/v2': { os: 'linux', arch: 'amd64', variant: 'v2' },
    'linux/arm64': { os: 'linux', arch: 'arm64', variant: '' },
    'linux/arm64/v8': { os: 'linux', arch: 'arm64', variant: '' },
    'linux/arm': { os: 'linux', arch: 'arm', variant: 'v7' },
    'linux/arm/v6': { os: 'linux', arch: 'arm', variant: 'v6' },
    'linux/386': { os: 'linux', arch: '386', variant: '' },
    'linux/riscv64': { os: 'linux', arch: 'riscv64', variant: '' },
  };
  const VARS = ['TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'TARGETPLATFORM'] as const;
  const word = fc.stringMatching(/^[a-z0-9]{0,4}$/);
  // (`${V//r}` with an empty pattern is BuildKit's `${V//…}` replace-all missing its `/`: refused, see the lexer tables)
  const expr = fc
    .record({ v: fc.constantFrom(...VARS), op: fc.constantFrom('$', '${}', ':-', '-', ':+', '+', '#', '%', '/'), w: word, r: word })
    .filter((e) => e.op !== '/' || e.w !== '');
  const value = (v: (typeof VARS)[number], p: string) => {
    const t = PLATFORMS[p]!;
    return { TARGETOS: t.os, TARGETARCH: t.arch, TARGETVARIANT: t.variant, TARGETPLATFORM: `${t.os}/${t.arch}${t.variant ? `/${t.variant}` : ''}` }[v];
  };
  /** The reference: each operator's documented meaning, on literal words (every predefined argument is set). */
  const reference = (e: { v: (typeof VARS)[number]; op: string; w: string; r: string }, p: string): string => {
    const val = value(e.v, p);
    switch (e.op) {
      case ':-':
        return val === '' ? e.w : val;
      case ':+':
        return val === '' ? '' : e.w;
      case '+':
        return e.w;
      case '#':
        return val.startsWith(e.w) ? val.slice(e.w.length) : val;
      case '%':
        return val.endsWith(e.w) ? val.slice(0, val.length - e.w.length) : val;
      case '/':
        return val.replace(e.w, e.r);
      default:
        return val; // $V, ${V}, ${V-w}
    }
  };
  const written = (e: { v: string; op: string; w: string; r: string }) =>
    e.op === '$' ? `$${e.v}` : e.op === '${}' ? `\${${e.v}}` : e.op === '/' ? `\${${e.v}/${e.w}/${e.r}}` : `\${${e.v}${e.op}${e.w}}`;

  it('imageUses over random platform sets = the union of the reference readings', () => {
    fc.assert(
      fc.property(
        fc.array(expr, { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.constantFrom(...Object.keys(PLATFORMS)), { minLength: 1, maxLength: 4 }),
        (parts, platforms) => {
          const text = `FROM reg.example/${parts.map((e) => `p${written(e)}${e.op === '$' ? '.' : ''}q`).join('-')}:1\n`;
          const want = [...new Set(platforms.map((p) => `reg.example/${parts.map((e) => `p${reference(e, p)}${e.op === '$' ? '.' : ''}q`).join('-')}:1`))];
          expect(refs(text, [], platforms)).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});
