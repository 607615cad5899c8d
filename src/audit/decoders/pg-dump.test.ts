// Property: a pg_dump custom-format archive (pg_dump -Fc of a real cluster) is read as pg_restore reads it — the
// header and table of contents walked, each table's data chunks joined into one content under its entry — so a value
// in a row the zlib stream reaches only after its first 4 KiB chunk (a search inside reads that chunk's stream and
// stops at the next length) is found, `app.dump!/public.settings!`; the clean twin gives no finding; -Z0 (the COPY text
// in chunks) found as well; damaged copies (seed named) and random bytes after the magic never throw, and a table of
// contents that does not parse is named, never a silent pass. Fails with pgDumpCustom unregistered: the audit reads the
// first chunk's zlib stream only (round 12's pg-dump-custom, missed by the shipped bundle).
// Nearest real-world variant: a database snapshot (pg_dump -Fc > app.dump) baked into a seed or test image.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { damaged, DAMAGE_SEED, decodeWith } from './decode.testing.js';
import { pgDumpCustom } from './pg-dump.js';
import { auditFiles, SECRET } from './testing.js';

const BIN = (() => {
  try {
    return execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();
const CAN = Boolean(BIN) && process.getuid?.() === 0;

/** pg_dump `args` of a fresh cluster holding 2,000 rows and, last, a row whose value is `value` (read by psql from a file). */
function dump(value: string, args: string): Buffer {
  const d = mkdtempSync(join(tmpdir(), 'hoist-pgdump-'));
  try {
    writeFileSync(join(d, 'value'), value);
    const script = `set -euo pipefail
D=${d} B=${BIN}
printf '\\\\set ON_ERROR_STOP on\\n\\\\set s \`cat %s/value\`\\n%s\\n' "$D" "CREATE TABLE settings (k text PRIMARY KEY, v text); INSERT INTO settings SELECT 'key' || i, 'value-' || i FROM generate_series(1, 2000) i; INSERT INTO settings VALUES ('api_token', :'s');" > "$D/load.sql"
chown -R postgres: "$D"
PG="runuser -u postgres -- env PGHOST=$D PGUSER=postgres"
trap 'runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -w -s stop -m fast >/dev/null 2>&1' EXIT
runuser -u postgres -- "$B/initdb" -D "$D/data" -A trust -U postgres -E UTF8 --locale=C --no-sync > /dev/null
runuser -u postgres -- "$B/pg_ctl" -D "$D/data" -l "$D/log" -o "-k $D -c listen_addresses= -c fsync=off" -w -s start
$PG "$B/psql" -q -f "$D/load.sql" postgres
$PG "$B/pg_dump" ${args} postgres > "$D/app.dump"`;
    execFileSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    return readFileSync(join(d, 'app.dump'));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

describe.runIf(CAN)('pg_dump custom archives', { timeout: 120_000 }, () => {
  it('pg_dump -Fc (zlib): the value past the first chunk found under its table; the clean twin passes', async () => {
    const leaky = dump(SECRET, '-Fc');
    expect(leaky.includes(SECRET)).toBe(false);
    const { limits } = await decodeWith(pgDumpCustom, leaky, { chunk: 997 });
    expect(limits).toEqual([]);
    expect(await auditFiles({ 'srv/app.dump': leaky })).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/app.dump!/public.settings!' })]);
    expect(await auditFiles({ 'srv/app.dump': dump('tok-clean-twin-00000000000000000', '-Fc') })).toEqual([]);
  });

  it('pg_dump -Fc -Z0: the COPY text in chunks, found under its table', async () => {
    const { out, limits } = await decodeWith(pgDumpCustom, dump(SECRET, '-Fc -Z0'));
    expect(limits).toEqual([]);
    expect(out.includes(`api_token\t${SECRET}`)).toBe(true);
  });

  it(`damaged copies (seed ${DAMAGE_SEED}) and random bytes after the magic never throw; a table of contents cut short is named`, async () => {
    const bytes = dump(SECRET, '-Fc');
    for (const d of [...damaged(bytes, 16), Buffer.concat([bytes.subarray(0, 11), randomBytes(4096)])])
      await expect(decodeWith(pgDumpCustom, d)).resolves.toBeDefined();
    expect((await decodeWith(pgDumpCustom, bytes.subarray(0, 300))).limits).toEqual([expect.stringMatching(/table of contents/)]);
  });
});
