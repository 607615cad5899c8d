import { describe, expect, it } from 'vitest';
import { CacheWatch } from './cache-watch.js';

const feed = (lines: string[]) => {
  const w = new CacheWatch();
  for (const l of lines) w.feed(l);
  return w.cached;
};

describe('CacheWatch', () => {
  it("reads BuildKit's plain progress: a secret-mounting step served from the cache", () => {
    expect(
      feed([
        '#4 [1/3] FROM 127.0.0.1:5100/lab/busybox:1.36@sha256:c51d',
        '#5 [2/3] RUN --mount=type=secret,id=token sha256sum /run/secrets/token > /token.sum',
        '#6 [3/3] RUN echo plain',
        '#5 CACHED',
        '#6 CACHED',
      ]),
    ).toEqual(['RUN --mount=type=secret,id=token sha256sum /run/secrets/token > /token.sum']);
  });

  it("reads buildah's output, and knows ssh mounts and mount options in any order", () => {
    expect(
      feed(['STEP 2/3: RUN --mount=target=/root/.ssh,type=ssh git clone x', '--> Using cache 9f7c0f6512f4', 'STEP 3/3: RUN echo hi', '--> Using cache 0123']),
    ).toEqual(['RUN --mount=target=/root/.ssh,type=ssh git clone x']);
  });

  it('says nothing for a step that ran', () => {
    expect(
      feed(['#5 [2/2] RUN --mount=type=secret,id=token cat /run/secrets/token', '#5 DONE 0.4s', 'STEP 2/2: RUN --mount=type=secret,id=a x', '--> 9f7c0f6512f']),
    ).toEqual([]);
  });
});
