// Registries on loopback (127.0.0.0/8, ::1, localhost) are reached over plain HTTP when they answer
// no TLS, as Docker does, and the log says so; anywhere else a plain-HTTP answer to TLS is an error
// that names the host and --insecure-registries (not OpenSSL's "wrong version number"). A loopback
// registry that does speak TLS keeps TLS. Nearest real-world variants: `docker run -p 5000:5000
// registry:2` on a laptop; a team registry on a LAN address without TLS.
import { createServer, connect, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { hoist, lab } from './lab.js';

const cwd = tmpdir();

/** A TCP forwarder on this machine's first non-loopback IPv4 address to `target` (host:port). */
async function forwarder(target: string): Promise<{ host: string; server: Server }> {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address) throw new Error('this machine has no non-loopback IPv4 address');
  const [th, tp] = target.split(':');
  const server = createServer((c) => {
    const u = connect(Number(tp), th);
    c.pipe(u).pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  return { host: `${address}:${(server.address() as { port: number }).port}`, server };
}

describe('plain HTTP on loopback, an error elsewhere', () => {
  it.each(['127.0.0.1', 'localhost'])('%s: listed without --insecure-registries, the log saying HTTP is used', async (name) => {
    const port = lab().registries.plain.host.split(':')[1];
    const r = await hoist(['tags', 'list', `${name}:${port}/lab/busybox`], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('1.36\n');
    expect(r.stderr).toContain(`${name}:${port}: a loopback registry that answers in plain HTTP: using HTTP, as Docker does`);
  });

  it('a loopback registry that speaks TLS keeps TLS (its CA is still checked)', async () => {
    const { tls } = lab().registries;
    const r = await hoist(['tags', 'list', `${tls.host}/lab/x`, '--retries', '0'], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/trust the registry's CA with --registry-ca/);
    expect(r.stderr).not.toContain('plain HTTP');
  });

  it('a plain-HTTP registry on another address: exit 3, naming the host and --insecure-registries; listed, it works', async () => {
    const f = await forwarder(lab().registries.plain.host);
    try {
      const r = await hoist(['tags', 'list', `${f.host}/lab/busybox`, '--retries', '0'], { cwd });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`the registry answered in plain HTTP, not TLS: if it is a plain-HTTP registry, add ${f.host} to --insecure-registries`);
      expect(r.stderr).not.toMatch(/wrong version number|WRONG_VERSION/i);
      const ok = await hoist(['tags', 'list', `${f.host}/lab/busybox`, '--insecure-registries', f.host], { cwd });
      expect([ok.code, ok.stdout]).toEqual([0, '1.36\n']);
    } finally {
      f.server.close();
    }
  });
});
