// The machine's own Node: the first `node` on PATH (then /usr/bin, /usr/local/bin) that the
// project did not bring — Debian's, nvm's, a CI image's. The tests of the shipped bundle's version
// guard run it, since on this machine (as on many CI agents) it is older than engines allows.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function machineNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat('/usr/bin', '/usr/local/bin')) {
    if (!dir || dir.includes('node_modules')) continue;
    if (existsSync(join(dir, 'node'))) return join(dir, 'node');
  }
  throw new Error('no node on the machine outside node_modules: this test needs the machine’s own (older) Node');
}
