import { describe, expect, it } from 'vitest';
import { baseImage, stages } from './dockerfile.js';

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

describe('stages', () => {
  it('reads every FROM with its line, expanding global ARGs and skipping heredocs', () => {
    expect(stages(dockerfile, [])).toEqual([
      { from: 'docker.io/library/golang:1.23', name: 'build', line: 4 },
      { from: 'docker.io/library/debian:12-slim', name: 'runtime', line: 10 },
      { from: 'runtime', name: 'final', line: 12 },
    ]);
  });

  it('lets build arguments override ARG defaults', () => {
    expect(
      stages(dockerfile, [
        ['DEBIAN', '13'],
        ['REGISTRY', 'mirror.acme'],
      ])[1]!.from,
    ).toBe('mirror.acme/library/debian:13-slim');
  });

  it('expands ${VAR:-default} and ${VAR:+alt}', () => {
    expect(stages('ARG TAG\nFROM alpine:${TAG:-3.20}${TAG:+-custom}\n', [])[0]!.from).toBe('alpine:3.20');
    expect(stages('ARG TAG\nFROM alpine:${TAG:-3.20}${TAG:+-custom}\n', [['TAG', '3.19']])[0]!.from).toBe('alpine:3.19-custom');
  });
});

describe('baseImage', () => {
  it('follows stage references to the image the built stage starts from', () => {
    expect(baseImage(stages(dockerfile, []), undefined)).toMatchObject({ from: 'docker.io/library/debian:12-slim', line: 10 });
    expect(baseImage(stages(dockerfile, []), 'Build')).toMatchObject({ from: 'docker.io/library/golang:1.23' });
  });

  it('has none for scratch, an unknown target or no FROM', () => {
    expect(baseImage(stages('FROM scratch\nCOPY x /\n', []), undefined)).toBeUndefined();
    expect(baseImage(stages(dockerfile, []), 'nope')).toBeUndefined();
    expect(baseImage(stages('', []), undefined)).toBeUndefined();
  });
});
