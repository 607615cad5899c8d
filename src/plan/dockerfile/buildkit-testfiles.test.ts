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
import { imageUses, stages } from '../dockerfile.js';

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

describe("BuildKit's own Dockerfiles (real-world: # syntax=docker/dockerfile-upstream, heredocs, --platform=$BUILDPLATFORM, FROM binaries-$TARGETOS)", () => {
  const dir = join(root, 'real-world');
  it.each(readdirSync(dir).sort())('%s reads for linux/amd64, linux/arm64 and linux/arm/v7 without a refusal', (name) => {
    const uses = imageUses(readFileSync(join(dir, name), 'utf8'), [], { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] });
    expect(uses.length).toBeGreaterThan(1);
  });

  it('the root Dockerfile uses the images its ARGs name (checked by hand against the file)', () => {
    const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(imageUses(text, [], { platforms: ['linux/amd64'] }).map((u) => `${u.line}:${u.ref}`)).toEqual([
      '1:docker/dockerfile-upstream:master',
      '33:quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
      '34:quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z',
      '37:tonistiigi/xx:1.9.0',
      '40:golang:1.26-alpine3.23',
      '42:moby/moby-bin:29.6',
      '43:dockereng/cli-bin:29.6',
      '44:docker/buildx-bin:0.34.1',
      '162:alpine:3.23',
      '183:alpine:3.23',
      '185:tonistiigi/binfmt:buildkit-v10.2.3-66@sha256:6014c1e52b8e51a67fbf76f691ffbe20ac0204c31c2f086df3e8ef3ce134b488',
      '211:alpine:3.23',
      '223:alpine:3.23',
      '229:ubuntu:24.04',
      '491:alpine:3.23',
    ]);
    // `FROM binaries-$TARGETOS AS binaries` is the stage of the OS built, not an image.
    expect(stages(text, [], { platform: 'linux/arm64' }).find((s) => s.name === 'binaries')?.from).toBe('binaries-linux');
    expect(stages(text, [], { platform: 'windows/amd64' }).find((s) => s.name === 'binaries')?.from).toBe('binaries-windows');
  });
});
