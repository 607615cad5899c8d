import { describe, expect, it } from 'vitest';
import { parseOutputs } from './outputs.js';

const abs = (p: string) => (p.startsWith('/') ? p : `/ws/${p}`);

describe('parseOutputs', () => {
  it('reads docker and oci exports, with tar told by the dest or tar=', () => {
    expect(parseOutputs(['type=docker,dest=out/image.tar', 'type=oci,dest=out/layout', 'type=oci,dest=/tmp/l.tar', 'type=oci,dest=x,tar=true'], abs)).toEqual({
      specs: [
        { type: 'docker', dest: '/ws/out/image.tar', tar: true },
        { type: 'oci', dest: '/ws/out/layout', tar: false },
        { type: 'oci', dest: '/tmp/l.tar', tar: true },
        { type: 'oci', dest: '/ws/x', tar: true },
      ],
      errors: [],
      load: false,
    });
  });

  // build-push-action's `outputs: type=docker` (buildx's docker exporter without dest) loads the
  // image into the daemon: taken as load, not refused.
  it('takes type=docker without dest as load into the Docker daemon', () => {
    expect(parseOutputs(['type=docker'], abs)).toEqual({ specs: [], errors: [], load: true });
    expect(parseOutputs(['type=docker', 'type=oci,dest=out'], abs)).toEqual({ specs: [{ type: 'oci', dest: '/ws/out', tar: false }], errors: [], load: true });
  });

  it.each([
    ['type=local,dest=out', /filesystem export \(type=local\) is not supported: use type=oci or type=docker/],
    ['type=registry', /pushing is what images and push do/],
    ['type=oci', /dest= is missing/],
    ['dest=x', /type must be docker or oci/],
    // Attributes that would be dropped silently (the layers stayed gzip under compression=zstd).
    ['type=oci,dest=x,compression=zstd', /^'type=oci,dest=x,compression=zstd': 'compression' is not taken: outputs takes type, dest, tar/],
    ['type=docker,dest=x.tar,name=app,oci-mediatypes=true', /'name', 'oci-mediatypes' is not taken/],
  ])('refuses %j, saying what to do', (line, message) => {
    expect(parseOutputs([line], abs).errors).toEqual([expect.stringMatching(message)]);
  });
});
