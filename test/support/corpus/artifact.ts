/**
 * One artifact of the audit corpus: a bash script that makes it with the real tool (git, dpkg-deb,
 * cpio, rpmbuild, brotli, zip, qpdf, tar, esbuild …) the way a pipeline makes it, the secret in the
 * place a pipeline puts it. The script runs in a scratch directory holding `secret` (the value,
 * mode 0600, never in argv or the environment) and writes the artifact into "$OUT", which becomes
 * a directory of the image's layer. The clean twin is the same script with another value of the
 * same shape, one the audit is not told about.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './layout.js';
import type { Shape } from './secrets.js';

export interface Artifact {
  /** A short name; also the artifact's directory in the layer (srv/<id>). */
  id: string;
  /** What it is and how it was made. */
  name: string;
  /** The nearest real-world variant, as the project's tests state it. */
  realWorld: string;
  shape: Shape;
  /** bash, `set -euo pipefail`; `S` holds the value, read from ./secret. */
  script: string;
  /** The path through the containers the finding must name (matched against the finding's `where`). */
  where: RegExp;
}

/**
 * The commands in `script` that read a pipe — after `|` or `|&`, or inside `>( … )` — as written
 * (quotes kept), wherever they stand: inside `$( … )`, backquotes, `( … )`, `{ …; }` or a double-quoted
 * string. Read the way bash reads them: a `|`, `;`, `&` or `)` inside quotes does not end a command,
 * a comment or a here-document's body is not a command, a line ending in `|` goes on.
 */
function pipeReaders(script: string): string[] {
  const scan = new PipeScan(script);
  for (let i = 0; i < script.length; i = scan.step(i) + 1);
  scan.endReader(script.length);
  return scan.readers;
}

interface Heredoc {
  word: string;
  /** `<<-`: the end line may be indented with tabs. */
  tabs: boolean;
}

class PipeScan {
  readonly readers: string[] = [];
  /** Open contexts, innermost last: what closes each (`)`, a backquote, `"`), and where the reader being read in it began (-1: none). */
  readonly #stack: { close: string; from: number }[] = [{ close: '', from: -1 }];
  /** Here-documents begun on this line: their bodies start on the next. */
  readonly #heredocs: Heredoc[] = [];

  constructor(readonly s: string) {}

  endReader(at: number): void {
    const top = this.#stack.at(-1)!;
    const text = top.from >= 0 ? this.s.slice(top.from, at).trim() : '';
    if (text) this.readers.push(text);
    top.from = -1;
  }

  #open(close: string, from = -1): void {
    this.#stack.push({ close, from });
  }

  /** Reads the script at `i`: the last index it took. */
  step(i: number): number {
    const { s } = this;
    const c = s[i]!;
    const top = this.#stack.at(-1)!;
    if (c === '\\') return i + 1;
    if (top.close === '"') {
      if (c === '"') this.#stack.pop();
      else if (s.startsWith('$(', i) && s[i + 2] !== '(') {
        this.#open(')');
        return i + 1;
      } else if (c === '`') this.#open('`');
      return i;
    }
    if (c === "'") return s.includes("'", i + 1) ? s.indexOf("'", i + 1) : s.length;
    if (c === '"') this.#open('"');
    else if (s.startsWith('$((', i)) return arithmeticEnd(s, i + 3);
    else if (s.startsWith('$(', i) || s.startsWith('<(', i) || s.startsWith('>(', i)) {
      this.#open(')', c === '>' ? i + 2 : -1);
      return i + 1;
    } else if (c === '(') this.#open(')');
    else if (c === top.close && this.#stack.length > 1) {
      this.endReader(i);
      this.#stack.pop();
    } else if (c === '`') this.#open('`');
    else if (c === '#' && (i === 0 || /[\s;&|(]/.test(s[i - 1]!))) return lineEnd(s, i) - 1;
    else if (s.startsWith('<<', i) && s[i - 1] !== '<' && s[i + 2] !== '<') return heredocWord(s, i + 2, this.#heredocs) - 1;
    else if (c === '|') {
      this.endReader(i);
      if (s[i + 1] === '|') return i + 1;
      const amp = s[i + 1] === '&' ? 1 : 0;
      top.from = i + 1 + amp;
      return i + amp;
    } else if (c === ';' || (c === '&' && !/[<>]/.test(s[i - 1] ?? '') && s[i + 1] !== '>')) this.endReader(i);
    else if (c === '\n') {
      // A line ending in `|` goes on.
      if (top.from < 0 || s.slice(top.from, i).trim()) this.endReader(i);
      return heredocBodiesEnd(s, i + 1, this.#heredocs.splice(0)) - 1;
    }
    return i;
  }
}

const lineEnd = (s: string, i: number) => (s.indexOf('\n', i) + 1 || s.length + 1) - 1;

/** Where `$(( … ))` whose inside starts at `i` ends (its last `)`). */
function arithmeticEnd(s: string, i: number): number {
  for (let depth = 2; i < s.length; i++)
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  return s.length;
}

/** A here-document's `-` and word after `<<` at `i`, noted in `heredocs`: where the word ends. */
function heredocWord(s: string, i: number, heredocs: Heredoc[]): number {
  const m = /^(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([^\s;&|<>()]+))/.exec(s.slice(i));
  if (!m) return i;
  heredocs.push({ word: m[2] ?? m[3] ?? m[4]!, tabs: m[1] === '-' });
  return i + m[0].length;
}

/** Past the bodies of `heredocs`, which start at `i`: where the commands go on. */
function heredocBodiesEnd(s: string, i: number, heredocs: Heredoc[]): number {
  for (const { word, tabs } of heredocs) {
    for (;;) {
      if (i >= s.length) return s.length;
      const end = lineEnd(s, i);
      const line = s.slice(i, end);
      i = end + 1;
      if ((tabs ? line.replace(/^\t+/, '') : line) === word) break;
    }
  }
  return i;
}

/** Words a reader runs through before the command it runs: `LC_ALL=C`, `command`, `env -i`, `timeout 5`, `stdbuf -oL`. */
const PREFIX =
  /^(?:[(!{]\s*|\w+=(?:'[^']*'|"[^"]*"|\S*)\s+|(?:command|exec|nohup|time)\s+|(?:env|nice|stdbuf|timeout)(?:\s+-\S+(?:\s+\d\S*)?)*\s+(?:\d\S*\s+)?)/;

/** Whether `reader`, a command reading a pipe, may quit before its input ends. */
function quitsEarly(reader: string): boolean {
  let r = reader;
  for (let m = PREFIX.exec(r); m?.[0]; m = PREFIX.exec(r)) r = r.slice(m[0].length);
  const [, path = '', args = ''] = /^(\S+)(.*)$/s.exec(r) ?? [];
  const name = path.replace(/^.*\//, '');
  const a = ` ${args}`;
  if (name === 'head') return !/\s(?:-[nc]\s*-\d|--(?:lines|bytes)=-)/.test(a);
  if (/^[ef]?grep$/.test(name)) return /\s(?:-[a-zA-Z]*[qmlL][a-zA-Z0-9]*|--(?:quiet|silent|max-count|files-with(?:out)?-match(?:es)?)\b)/.test(a);
  if (name === 'sed') return /(?:^|[\s'";{}0-9/$])[qQ]\d*\s*(?:$|[\s'";}])/.test(args);
  if (/^[gm]?awk$/.test(name)) return /\bexit\b/.test(args.split(/\bEND\b/)[0]!);
  if (name === 'dd') return /\scount=/.test(a);
  if (name === 'xxd') return /\s-l(?:en)?\b/.test(a);
  if (name === 'od') return /\s(?:-N|--read-bytes)/.test(a);
  return name === 'read';
}

/**
 * The first command in `script` reading a pipe that may stop reading before its writer has written
 * everything (`grep -q`/`-m`/`-l`, `head` in any form, `sed q`, `awk` that exits before its END, `dd count=`,
 * `xxd -l`, `od -N`, `read`), or undefined. Under `pipefail` such a pipeline fails with the writer's SIGPIPE
 * only when the writer is slower than the reader: a flaky script (a jar's `unzip -l | grep -q` failed
 * one CI run in several).
 */
export const earlyQuitter = (script: string): string | undefined => pipeReaders(script).find(quitsEarly);

/** Every artifact script of every round (each module of this folder, each array of artifacts it exports), named `file:id`. */
export async function corpusScripts(): Promise<{ id: string; script: string }[]> {
  const dir = join(ROOT, 'test/support/corpus');
  const out = new Map<string, { id: string; script: string }>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const mod = (await import(join(dir, f))) as Record<string, unknown>;
    for (const v of Object.values(mod))
      if (Array.isArray(v))
        for (const a of v as { id?: unknown; script?: unknown }[])
          if (typeof a?.id === 'string' && typeof a.script === 'string') out.set(`${f}:${a.id}`, { id: `${f}:${a.id}`, script: a.script });
  }
  return [...out.values()];
}

/** Makes `a` with `secret` into `outDir`; its scratch directory goes when it is made. */
export async function makeArtifact(a: Artifact, secret: string, outDir: string, scratch: string): Promise<void> {
  const quitter = earlyQuitter(a.script);
  if (quitter)
    throw new Error(
      `corpus: '${a.id}' pipes into '${quitter}', which can quit before its writer is done; under pipefail the writer's SIGPIPE (exit 141) fails the script now and then. Read the whole input (grep … > /dev/null, cut) or write to a file first.`,
    );
  await mkdir(outDir, { recursive: true });
  await mkdir(scratch, { recursive: true });
  await writeFile(join(scratch, 'secret'), secret, { mode: 0o600 });
  try {
    execFileSync('bash', ['-c', `set -euo pipefail\nS=$(cat secret)\n${a.script}`], {
      cwd: scratch,
      env: {
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: scratch,
        OUT: outDir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'CI',
        GIT_AUTHOR_EMAIL: 'ci@example.com',
        GIT_COMMITTER_NAME: 'CI',
        GIT_COMMITTER_EMAIL: 'ci@example.com',
        SOURCE_DATE_EPOCH: '1700000000',
        LC_ALL: 'C.UTF-8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; status?: number };
    throw new Error(`corpus: making '${a.id}' failed (exit ${err.status}): ${String(err.stderr ?? '').slice(0, 1500)}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
