/**
 * A zip after other bytes is told from `PK\3\4` by chance partly by its DOS time and date. The property: every time a
 * writer can put there is taken — every value of the seconds' 5 bits (APPNOTE's two-second steps stop at 29; Erlang's
 * zip module packs the seconds themselves, truncated, so a member written at :30 or :31 has 30 or 31) — while fields no
 * clock gives (hour 24, minute 60, month 13, day 0) still are not. The nearest real-world case next to it: an escript
 * (launch lines, then a zip of .beam files) made by Erlang itself at :30, :31 and :59, its value found.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isZipLocal } from './zip-records.js';
import { auditFiles, has, SECRET } from './testing.js';
import { FAKETIME_LIB, steadyEnv } from './steady.testing.js';

const LAUNCH = Buffer.from('#!/usr/bin/env escript\n%%!-escript main app_main\n');

/** A zip of one deflated member holding the value, its local and central headers' time field set to `time`, after a launch script. */
function launched(time: number, date = 0x5d87): Buffer {
  const z = Buffer.from(zipSync({ 'app.conf': strToU8(`token = ${SECRET}\n`.repeat(3)) }, { level: 6 }));
  const local = z.indexOf('PK\x03\x04');
  z.writeUInt16LE(time, local + 10);
  z.writeUInt16LE(date, local + 12);
  const central = z.indexOf('PK\x01\x02');
  z.writeUInt16LE(time, central + 12);
  z.writeUInt16LE(date, central + 14);
  return Buffer.concat([LAUNCH, z]);
}

const dosTime = (h: number, m: number, s: number) => (h << 11) | (m << 5) | s;

describe('a zip after a launch script, by its DOS time', () => {
  it('every seconds field (0-31) a writer can put is a zip, and its member is read', async () => {
    for (let s = 0; s < 32; s++) expect(isZipLocal(launched(dosTime(4, 57, s)), LAUNCH.length), `seconds field ${s}`).toBe(true);
    const files = Object.fromEntries([0, 29, 30, 31].map((s) => [`srv/s${s}/app`, launched(dosTime(23, 59, s))]));
    const found = await auditFiles(files);
    expect(
      found
        .filter((f) => f.severity === 'leak')
        .map((f) => f.path.match(/s\d+/)![0])
        .sort(),
    ).toEqual(['s0', 's29', 's30', 's31']);
  });

  it('a time or date no clock gives is still not a zip', () => {
    expect(isZipLocal(launched(dosTime(24, 0, 0)), LAUNCH.length)).toBe(false);
    expect(isZipLocal(launched(dosTime(3, 60, 0)), LAUNCH.length)).toBe(false);
    expect(isZipLocal(launched(dosTime(3, 5, 0), (46 << 9) | (13 << 5) | 7), LAUNCH.length)).toBe(false);
    expect(isZipLocal(launched(dosTime(3, 5, 0), (46 << 9) | (12 << 5) | 0), LAUNCH.length)).toBe(false);
  });

  it.skipIf(!has('erl') || !has('erlc') || !FAKETIME_LIB)(
    'escripts Erlang wrote at :30, :31 and :59 are read (their value in a .beam in the zip)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hoist-escript-'));
      try {
        writeFileSync(join(dir, 'app_config.erl'), `-module(app_config).\n-export([token/0]).\ntoken() -> "${SECRET}".\n`);
        execFileSync('erlc', ['-o', dir, join(dir, 'app_config.erl')], { stdio: 'ignore' });
        const files: Record<string, Buffer> = {};
        for (const second of [30, 31, 59]) {
          const out = join(dir, `app${second}`);
          execFileSync(
            'erl',
            [
              '-noshell',
              '-eval',
              `{ok, C} = file:read_file("${dir}/app_config.beam"), ok = escript:create("${out}", [shebang, {emu_args, "-escript main app_config"}, {archive, [{"app_config.beam", C}], []}]), halt().`,
            ],
            { env: steadyEnv('frozen', Date.UTC(2026, 11, 7, 4, 57, second) / 1000), stdio: 'ignore' },
          );
          const bytes = readFileSync(out);
          const at = bytes.indexOf('PK\x03\x04');
          expect(bytes.readUInt16LE(at + 10) & 31, `Erlang's seconds field at :${second}`).toBe(second & 31);
          files[`srv/e${second}/app`] = bytes;
        }
        const found = await auditFiles(files);
        expect(
          found
            .filter((f) => f.severity === 'leak')
            .map((f) => f.path.match(/e\d+/)![0])
            .sort(),
        ).toEqual(['e30', 'e31', 'e59']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
