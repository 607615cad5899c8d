/**
 * BuildKit's own parser test data (test/fixtures/buildkit-parser, from moby/buildkit's
 * frontend/dockerfile/parser): every testfiles/<case>/Dockerfile parses to exactly the tree its
 * `result` file holds (BuildKit's `Node.Dump`), every testfiles-negative case is refused, and the
 * line ranges of testfile-line are BuildKit's. Nearest real-world variant: the real projects' Dockerfiles
 * those cases were taken from (docker, nginx, influxdb, mumble, znc…).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerfileError } from './directives.js';
import { dumpAll, parse } from './parse.js';

const root = join(import.meta.dirname, '../../../test/fixtures/buildkit-parser');
const cases = (dir: string) => readdirSync(join(root, dir)).sort();

describe('BuildKit testfiles: the parse tree is the one BuildKit dumps', () => {
  it.each(cases('testfiles'))('%s', (name) => {
    const dockerfile = readFileSync(join(root, 'testfiles', name, 'Dockerfile'), 'utf8');
    const expected = readFileSync(join(root, 'testfiles', name, 'result'), 'utf8');
    expect(`${dumpAll(parse(dockerfile))}\n`).toBe(expected);
  });
});

describe('BuildKit testfiles-negative: refused, as BuildKit refuses them', () => {
  it.each(cases('testfiles-negative'))('%s', (name) => {
    const dockerfile = readFileSync(join(root, 'testfiles-negative', name, 'Dockerfile'), 'utf8');
    expect(() => parse(dockerfile)).toThrow(DockerfileError);
  });
});

describe('BuildKit testfile-line: each instruction spans the lines BuildKit gives it', () => {
  it('3 instructions at lines 5, 11-12 and 17-31', () => {
    const r = parse(readFileSync(join(root, 'testfile-line', 'Dockerfile'), 'utf8'));
    expect(r.children.map((c) => [c.startLine, c.endLine])).toEqual([
      [5, 5],
      [11, 12],
      [17, 31],
    ]);
  });
});
