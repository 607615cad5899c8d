// GitLab's dependency proxy, as a component job meets it: the runner hands every job
// CI_DEPENDENCY_PROXY_SERVER/_USER/_PASSWORD, and the Dockerfile pulls its base through
// ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}. The lab's token registry stands in for the proxy (a
// base only token-user may pull); the job has no other login and no Docker config. Through the
// bundle's component entry (HOIST_TEST_CLI's index.js beside it, else dist/index.js).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, leaks, password, runAction, skopeoDigest, uniqueRepo } from './lab.js';

const entry = process.env.HOIST_TEST_CLI ? join(dirname(process.env.HOIST_TEST_CLI), 'index.js') : undefined;

describe('a base pulled through the GitLab dependency proxy', () => {
  /**
   * Property: the job's CI_DEPENDENCY_PROXY_* login reaches the builder, as GitLab's docs have a
   * job `docker login $CI_DEPENDENCY_PROXY_SERVER` first; the password is printed nowhere.
   * Nearest real variant: `FROM ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/node:22` on gitlab.com
   * (the proxy gitlab.com:443), to dodge Docker Hub's pull limits. Before, the pull was refused.
   */
  it('FROM the proxy: built and pushed with the job login alone', async () => {
    const { plain, token } = lab().registries;
    const secret = password(token.passwordFile);
    const ws = await mkdtemp(join(tmpdir(), 'hoist-s60-depproxy-'));
    await writeFile(join(ws, 'Dockerfile'), `ARG PREFIX=${token.host}/golden\nFROM \${PREFIX}/busybox:1.36\nRUN echo ${Math.random()} > /marker\n`);
    const image = `${plain.host}/${uniqueRepo('s60/depproxy')}`;
    const r = await runAction({
      workspace: ws,
      ...(entry ? { entry } : {}),
      inputs: {},
      env: {
        DOCKER_CONFIG: await mkdtemp(join(tmpdir(), 'hoist-noconfig-')),
        GITLAB_CI: 'true',
        CI_PROJECT_DIR: ws,
        CI_COMMIT_SHA: '0123456789abcdef0123456789abcdef01234567',
        CI_DEPENDENCY_PROXY_SERVER: token.host,
        CI_DEPENDENCY_PROXY_USER: token.username,
        CI_DEPENDENCY_PROXY_PASSWORD: secret,
        INPUT_IMAGES: image,
        INPUT_VERSION: '1.0.0',
        INPUT_BUILDER: 'docker',
        INPUT_PULL: 'true',
        INPUT_INSECURE_REGISTRIES: `${plain.host},${token.host}`,
      },
    });
    expect({ code: r.exitCode, pushed: (await skopeoDigest(`${image}:1.0.0`)) !== undefined, leaked: leaks(r.raw, secret) }, r.raw.slice(-1500)).toEqual({
      code: 0,
      pushed: true,
      leaked: false,
    });
  }, 180_000);
});
