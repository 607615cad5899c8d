/**
 * For the decoders' tests: an OCI layout whose one layer (a gzip'd tar) holds the given files,
 * audited for one secret, and the real tools' output (`tool`), made in a scratch directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tarOf } from '../../../test/support/tar.js';
import { layoutGraph } from '../../oci/graph.js';
import { initLayout, MediaType, readLayoutRoot, writeBlobBytes, writeIndex } from '../../oci/layout.js';
import { auditLayout, type Finding } from '../audit.js';
import type { Limits } from '../nested.js';
import { CodeImmediates } from './x86-immediates.js';

export const SECRET = 'tok-decoders-7f3a9c2e5b1d+/=value';

/** A layout at `dir` whose one layer holds `files`. */
export async function layoutOf(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  await initLayout(dir);
  const layer = await writeBlobBytes(dir, gzipSync(await tarOf(files)));
  const config = await writeBlobBytes(
    dir,
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, history: [{ created_by: 'COPY . .' }] })),
  );
  const manifest = await writeBlobBytes(
    dir,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, ...config },
        layers: [{ mediaType: MediaType.ociLayerGzip, ...layer }],
      }),
    ),
  );
  await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...manifest }]);
}

/** The findings of an audit of a layer holding `files`, for SECRET: `where` without the layer's label. */
export async function auditFiles(
  files: Record<string, Uint8Array | string>,
  limits?: Limits,
): Promise<Array<Pick<Finding, 'severity' | 'what'> & { path: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-decoders-'));
  try {
    await layoutOf(dir, files);
    const graph = await layoutGraph(dir, await readLayoutRoot(dir));
    const result = await auditLayout(dir, graph, { secrets: [{ name: 'token', value: SECRET }], handedKeys: new Map(), redact: (t) => t, limits });
    return result.findings.map((f) => ({ severity: f.severity, what: f.what, path: f.where.replace(/^layer sha256:[0-9a-f]+ \([^)]*\), /, '') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a real tool in a scratch directory holding `files`; returns what it wrote to `output` (or its stdout). */
export function tool(command: string, args: string[], files: Record<string, Uint8Array | string>, output?: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-tool-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    const stdout = execFileSync(command, args, { cwd: dir, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
    return output ? readFileSync(join(dir, output)) : stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether a command is on this machine. */
export function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A whole ELF executable (/usr/bin/ls; 7-Zip filters executables it recognises with BCJ or BCJ2) with the value written,
 * as UTF-16 — as a Windows binary holds its strings — right after `count` E8/E9 (call/jump) opcodes. */
export function executableWith(value: string, count: number): Buffer {
  const elf = Buffer.from(readFileSync('/usr/bin/ls'));
  const utf16 = Buffer.from(value, 'utf16le');
  for (let i = 4096, n = 0; i < elf.length - 200 && n < count; i++)
    if (elf[i] === 0xe8 || elf[i] === 0xe9) {
      utf16.copy(elf, i + 1);
      n++;
      i += Math.floor(elf.length / (count + 2));
    }
  return elf;
}

/**
 * The strings `content`'s code routes (`x86-immediates.ts`' CodeImmediates: x86-64 or AArch64), fed in chunks of
 * `sizes` (cycled): each content's offset and name, and the NUL-ended strings.
 */
export async function immediatesRouted(content: Uint8Array, sizes: number[]): Promise<{ at: number[]; names: string[]; lines: string[] }> {
  const at: number[] = [];
  const names: string[] = [];
  const parts: Buffer[] = [];
  const reader = new CodeImmediates((offset, name) => {
    at.push(offset);
    names.push(name);
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => undefined };
  });
  for (let i = 0, k = 0; i < content.length; k++) {
    const size = sizes[k % sizes.length]!;
    await reader.push(content.subarray(i, i + size));
    i += size;
  }
  await reader.end();
  const lines = Buffer.concat(parts).toString('latin1').split('\0');
  lines.pop();
  return { at, names, lines };
}
