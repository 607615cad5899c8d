// The runtime image's bases as the lab can make them (it cannot pull node or moby/buildkit): one
// image with busybox, git, ssh, this Node and the libraries they load, for both of the
// Dockerfile's base arguments; its user 1000 is rootless BuildKit's. Used by the catalog test (the
// component project's runtime image) and the image test (the hoist command's image).
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lab, run, skopeoDigest, toolEnv } from '../integration/lab.js';

const execFileAsync = promisify(execFile);

export async function labBase(): Promise<string> {
  const { plain } = lab().registries;
  const reference = `${plain.host}/lab/node-git:24.2`;
  if (await skopeoDigest(reference)) return reference;
  const root = await mkdtemp(join(tmpdir(), 'hoist-node-'));
  const r = join(root, 'rootfs');
  const script = [
    'set -e',
    `mkdir -p "${r}/bin" "${r}/etc" "${r}/tmp" "${r}/root" "${r}/usr/local/bin" && chmod 1777 "${r}/tmp"`,
    `cp /bin/busybox "${r}/bin/busybox" && for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "${r}/bin/$a"; done`,
    `printf 'root:x:0:0:root:/root:/bin/sh\\nuser:x:1000:1000:user:/home/user:/bin/sh\\n' >"${r}/etc/passwd" && printf 'root:x:0:\\nuser:x:1000:\\n' >"${r}/etc/group" && mkdir -p "${r}/home/user" && chown 1000:1000 "${r}/home/user"`,
    `cp -L "${process.execPath}" "${r}/usr/local/bin/node"`,
    `for f in "${process.execPath}" /usr/bin/git /usr/lib/git-core/git /usr/bin/ssh; do cp --parents -L "$f" "${r}"; for lib in $(ldd "$f" | grep -o '/[^ ]*'); do cp --parents -L "$lib" "${r}"; done; done`,
    `tar --sort=name --owner=0 --group=0 --numeric-owner -C "${r}" -cf "${root}/rootfs.tar" .`,
  ].join('\n');
  await execFileAsync('bash', ['-c', script], { env: toolEnv() });
  await execFileAsync('docker', ['import', join(root, 'rootfs.tar'), 'hoist-lab/node-git:24.2'], { env: toolEnv() });
  await run('skopeo', [
    'copy',
    '-q',
    '--src-daemon-host',
    lab().docker.host,
    '--dest-tls-verify=false',
    'docker-daemon:hoist-lab/node-git:24.2',
    `docker://${reference}`,
  ]);
  return reference;
}
