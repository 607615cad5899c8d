// The hierarchy file: entries checked one by one, ordered parents first; a cycle, an unknown
// `from`, a duplicate name or a missing key is an input error naming the entries. And the pin of
// a child's FROM to its parent's pushed digest.
import { describe, expect, it } from 'vitest';
import { parseReference } from '../core/reference.js';
import { pinFrom } from '../pipeline/hierarchy.js';
import { orderEntries, parseHierarchy } from './hierarchy.js';

const doc = (images: unknown[]) => ({ images });
const issues = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { issues: Array<{ message: string }> }).issues.map((i) => i.message);
  }
  return [];
};

describe('hierarchy files', () => {
  const family = [
    { name: 'app', context: 'app', from: 'python', images: ['registry.acme/team/app'] },
    { name: 'python', context: 'images/python', from: 'os', images: 'registry.acme/golden/python', 'build-args': { PY: '3.13' } },
    { name: 'os', context: 'images/os', images: ['registry.acme/golden/os'], version: '1.2.0' },
    { name: 'tools', context: 'images/tools', from: 'os', images: ['registry.acme/golden/tools'] },
  ];

  it('orders parents before children, siblings in file order, with each entry’s ancestors', () => {
    const ordered = orderEntries(parseHierarchy(doc(family), 'h.yml'), 'h.yml');
    expect(ordered.map((e) => [e.name, e.ancestors])).toEqual([
      ['os', []],
      ['python', ['os']],
      ['tools', ['os']],
      ['app', ['python', 'os']],
    ]);
    expect(ordered[1]).toMatchObject({ buildArgs: [['PY', '3.13']], images: ['registry.acme/golden/python'] });
    expect(ordered[0]!.version).toBe('1.2.0');
  });

  it('names a cycle and an unknown from', () => {
    const cycle = [
      { name: 'a', context: '.', from: 'b', images: ['r.acme/a'] },
      { name: 'b', context: '.', from: 'a', images: ['r.acme/b'] },
      { name: 'c', context: '.', images: ['r.acme/c'] },
    ];
    expect(issues(() => orderEntries(parseHierarchy(doc(cycle), 'h.yml'), 'h.yml'))).toEqual([
      'h.yml: a, b are in a cycle of from: (an image cannot be built on itself)',
    ]);
    expect(issues(() => orderEntries(parseHierarchy(doc([{ name: 'a', context: '.', from: 'nope', images: ['r.acme/a'] }]), 'h.yml'), 'h.yml'))).toEqual([
      "h.yml: a is from 'nope', which no entry is named (entries: a)",
    ]);
  });

  it('refuses what an entry lacks or cannot mean, all at once', () => {
    expect(
      issues(() =>
        parseHierarchy(
          doc([
            { name: 'OS', context: '.', images: [] },
            { context: 'x', images: ['r.acme/x'], colour: 'red' },
            { name: 'a', context: '.', images: ['Bad Name'] },
            'x',
          ]),
          'h.yml',
        ),
      ),
    ).toEqual([
      "h.yml: images[0]: name 'OS' must be lower-case letters, digits, '.', '_', '-'",
      'h.yml: OS: images is missing: where the image goes',
      "h.yml: images[1]: unknown key 'colour' (known: name, context, file, target, build-args, images, version, from)",
      'h.yml: images[1]: name is missing',
      expect.stringMatching(/^h\.yml: a: 'Bad Name': /),
      'h.yml: images[3] is not a mapping (name, context, images, from)',
    ]);
    expect(issues(() => parseHierarchy({}, 'h.yml'))).toEqual(['h.yml has no images: list: give each entry a name, a context and images']);
  });
});

describe('pinFrom', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const parent = { name: 'python', status: 'built' as const, digest, repositories: [parseReference('registry.acme/golden/python')] };

  it('pins every FROM of the parent’s repository, whatever its tag, also through an ARG', () => {
    const dockerfile =
      'ARG PY=registry.acme/golden/python:3.13\nFROM ${PY} AS build\nRUN make\nFROM --platform=$BUILDPLATFORM registry.acme/golden/python:latest\nCOPY --from=build /out /out\n';
    expect(pinFrom(dockerfile, [], parent, 'app').split('\n')).toEqual([
      'ARG PY=registry.acme/golden/python:3.13',
      `FROM registry.acme/golden/python:3.13@${digest} AS build`,
      'RUN make',
      `FROM --platform=$BUILDPLATFORM registry.acme/golden/python:latest@${digest}`,
      'COPY --from=build /out /out',
      '',
    ]);
  });

  it('refuses to pin a FROM continued over lines, and a Dockerfile BuildKit refuses, naming the line', () => {
    // Nearest real-world variant: a long `FROM --platform=$BUILDPLATFORM \\` split for readability.
    expect(() => pinFrom('FROM \\\n  registry.acme/golden/python:3.13\n', [], parent, 'app')).toThrow(/line 1 of its Dockerfile is a FROM Hoist cannot pin/);
    expect(() => pinFrom('FROM registry.acme/golden/python:3.13\nFORM x\n', [], parent, 'app')).toThrow(
      /app: its Dockerfile, line 2: unknown instruction: FORM/,
    );
  });

  it('refuses a child whose Dockerfile does not build on its parent', () => {
    expect(() => pinFrom('FROM debian:12\n', [], parent, 'app')).toThrow(
      /app is from python, but no FROM of its Dockerfile names python's images \(registry\.acme\/golden\/python\)/,
    );
  });
});
