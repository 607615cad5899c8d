// Property: a Redis dump written by the real redis-server (SAVE, rdbcompression on as by default)
// gives back every LZF-compressed string it holds — a key's value, a hash's, list's and set's
// listpack — so a value cut every 32 bytes by LZF's control bytes is found; the clean twin passes;
// in any chunk sizes. Generated: seeded values with + / = & < > % " \ ` and non-ASCII in JSON
// documents that LZF shrinks, random key counts and types, random chunk cuts; random bytes after an
// RDB header give no string, and a real string cut by a byte (its compressed length one short) is
// not taken. Nearest real-world variants: a dump.rdb in a data directory copied into an image.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { lzfDecompress, redisRdb } from './redis-rdb.js';
import { auditFiles, has, SECRET } from './testing.js';

const rng = seededPerTest(0x4ed15);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`é€';
const doc = (value: string) => JSON.stringify({ user: 'ci', scope: 'deploy:write deploy:read deploy:admin', token: value, again: 'deploy:write deploy:read' });

/** redis-server on a socket, `commands` sent, SAVE; the dump's bytes. */
async function dump(commands: string[][]): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-rdb-'));
  const server = spawn('redis-server', ['--port', '0', '--unixsocket', join(dir, 's'), '--dir', dir, '--save', '', '--logfile', join(dir, 'log')], {
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 100 && !existsSync(join(dir, 's')); i++) await new Promise((r) => setTimeout(r, 50));
    const resp = commands.concat([['SAVE']]).map((a) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('')}`);
    await new Promise<void>((done, fail) => {
      const c = createConnection(join(dir, 's'));
      let got = '';
      c.on('data', (d) => {
        got += d.toString();
        if (got.split('\r\n').length <= commands.length + 1) return;
        c.end();
        done();
      });
      c.on('error', fail);
      c.write(resp.join(''));
    });
    return readFileSync(join(dir, 'dump.rdb'));
  } finally {
    server.kill();
    if (server.exitCode === null) await once(server, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
}

function commandsFor(value: string): string[][] {
  const cmds: string[][] = [];
  for (let k = 0; k < rng.int(1, 5); k++) cmds.push(['SET', `filler:${k}`, doc(rng.chars(ALPHABET, 30))]);
  cmds.splice(
    rng.int(cmds.length + 1),
    0,
    rng.pick([
      ['SET', 'session', doc(value)],
      ['HSET', 'h', 'a', doc(value), 'b', 'x'],
      ['RPUSH', 'l', 'first', doc(value)],
      ['SADD', 's', doc(value), 'other'],
    ]),
  );
  return cmds;
}

describe.runIf(has('redis-server'))(`Redis RDB dumps (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('every compressed string given back in random chunk sizes: the value whole, whatever type holds it', async () => {
    for (let n = 0; n < 8; n++) {
      const value = `${rng.chars(ALPHABET, rng.int(33, 120))}😀`;
      const file = await dump(commandsFor(value));
      expect(file.includes(Buffer.from(JSON.stringify(value))), 'LZF cut the value in the dump').toBe(false);
      const chunk = rng.int(1, 300);
      const { out, limits } = await decodeWith(redisRdb, file, { chunk });
      expect({ found: out.includes(Buffer.from(JSON.stringify(value))), limits }, `chunks of ${chunk}`).toEqual({ found: true, limits: [] });
    }
  });

  it('random bytes after a header give nothing; a string one byte short is not taken', async () => {
    for (let n = 0; n < 50; n++) {
      const { out } = await decodeWith(redisRdb, Buffer.concat([Buffer.from('REDIS0011'), rng.bytes(64 * 1024)]), { chunk: rng.int(100, 9000) });
      expect(out.length).toBe(0);
    }
    // A literal 'a', then a back reference of 7 + 0 + 2 bytes one back: ten a's, and nothing else.
    expect(Buffer.from(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00, 0x00]), 10)!)).toEqual(Buffer.from('a'.repeat(10)));
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00]), 10)).toBeUndefined();
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00, 0x00]), 11)).toBeUndefined();
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00, 0x01]), 10)).toBeUndefined();
  });

  it('through the audit: the value found in dump.rdb!, the clean twin passes', async () => {
    const found = await auditFiles({
      'srv/dump.rdb': await dump(commandsFor(`${SECRET}-${SECRET}`)),
      'srv/clean.rdb': await dump(commandsFor('an-other-value-of-the-same-length+/=-x')),
    });
    expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['leak srv/dump.rdb!']);
  });
});
