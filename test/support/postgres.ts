/**
 * A real PostgreSQL cluster for the audit's tests: initdb in a directory of its own (as the
 * `postgres` user: the server refuses root), the server started on a Unix socket only (no TCP
 * port), `sql` run by psql from a file, a CHECKPOINT, a clean stop — the data directory then holds
 * what a preloaded database image would: relation files, their TOAST tables, the WAL.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The server's bin directory (Debian keeps it under /usr/lib/postgresql/N/bin), or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const uid = (() => {
    try {
      return Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    } catch {
      return undefined;
    }
  })();
  if (uid === undefined) return undefined;
  return versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'initdb')));
}

export interface Cluster {
  /** The data directory (what an image would hold at /var/lib/postgresql/data). */
  data: string;
  /** Each relation's file, relative to `data`, by the name given in `relations` (`pg_relation_filepath`). */
  files: Record<string, string>;
  remove(): void;
}

/**
 * A cluster after `sql`; `relations` maps a name to an SQL expression of a relation's oid (e.g. `'cfg'::regclass`), whose
 * file path is returned in `files`; `settings`, the server's own (`-c wal_compression=pglz`).
 */
export function makeCluster(bin: string, sql: string, relations: Record<string, string> = {}, settings = ''): Cluster {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, uid, gid);
  const as = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const data = join(dir, 'data');
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    // The server's output to a log file: a server holding psql's pipes open would keep execFileSync waiting for their end.
    as('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', `-k ${dir} -c listen_addresses= -c fsync=off ${settings}`, '-w', '-s', 'start']);
    const paths = Object.entries(relations).map(([name, oid]) => `SELECT '${name}', pg_relation_filepath(${oid});`);
    const file = join(dir, 'load.sql');
    writeFileSync(file, `\\set ON_ERROR_STOP on\n${sql}\nCHECKPOINT;\n${paths.join('\n')}\n`);
    chownSync(file, uid, gid);
    let out = '';
    try {
      out = as('psql', ['-h', dir, '-U', 'postgres', '-AtqF', '\t', '-f', file]);
    } finally {
      as('pg_ctl', ['-D', data, '-w', '-s', 'stop']);
    }
    const files = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t') as [string, string]),
    );
    return { data, files, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
