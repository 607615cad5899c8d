/**
 * The command-line adapter: inputs from flags, log lines on stderr (every one through the
 * Redactor), outputs collected for the summary or `--json` on stdout, state in memory (the
 * process cleans up after itself: there is no post step). On a terminal, each registry's push is a
 * live progress bar (bytes, rate); elsewhere the engine's throttled progress lines are printed.
 */
import { tmpdir } from 'node:os';
import type { RunFacts } from '../core/facts.js';
import { gitlabJobInput } from './gitlab-job.js';
import { logText } from './log-safe.js';
import type { Platform } from './platform.js';
import type { Redactor } from '../secrets/redact.js';

export interface CliPlatformOptions {
  inputs: ReadonlyMap<string, string>;
  facts: RunFacts;
  env: Readonly<Record<string, string | undefined>>;
  redactor: Redactor;
  /** Where log lines go (stderr). */
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  cwd: string;
  /** --quiet: warnings and errors only. */
  quiet?: boolean;
  /** Each message in the front door's dialect (the CLI's flags, not the Action's inputs). */
  dialect?: (message: string) => string;
}

export interface CliPlatform extends Platform {
  readonly outputs: ReadonlyMap<string, string>;
}

const MiB = 1024 * 1024;
const ESC = '\u001b';

/** One registry's bar: `host  [#####.....]  42%  12.0/28.5 MiB  3.1 MiB/s`. */
export function progressBar(p: { host: string; done: number; total: number; sent: number; elapsedMs: number }, width = 24): string {
  const ratio = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(ratio * width);
  const rate = p.sent / MiB / Math.max(0.001, p.elapsedMs / 1000);
  return `${p.host}  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%  ${(p.done / MiB).toFixed(1)}/${(p.total / MiB).toFixed(1)} MiB  ${rate.toFixed(1)} MiB/s`;
}

/**
 * Whether messages are coloured: on a terminal unless NO_COLOR (https://no-color.org: any non-empty
 * value); FORCE_COLOR, as Node, chalk and most CLIs read it, decides over both — `0`/`false` off
 * even on a terminal, ``/`1`/`2`/`3`/`true` on in a CI log that renders colours (no bars or cursor
 * moves there). FORCE_COLOR=0 was not read: a terminal's output stayed coloured.
 */
export function wantsColour(tty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force.trim().toLowerCase());
  return tty && !env.NO_COLOR;
}

export function createCliPlatform(o: CliPlatformOptions): CliPlatform {
  const outputs = new Map<string, string>();
  const state = new Map<string, string>();
  const tty = o.out.isTTY === true && o.env.TERM !== 'dumb';
  const colours = wantsColour(tty, o.env);
  const spell = o.dialect ?? ((m: string) => m);
  const bars = new Map<string, string>();
  let drawn = 0;
  let lastDraw = 0;
  const clearBars = () => {
    if (drawn) o.out.write(`${ESC}[${drawn}A${ESC}[J`);
    drawn = 0;
  };
  const drawBars = () => {
    for (const bar of bars.values()) o.out.write(`${bar.slice(0, (o.out.columns ?? 100) - 1)}\n`);
    drawn = bars.size;
  };
  // Hoist's own colours are added after a message is made inert (log-safe.ts): a tool's or a
  // registry's escape sequences never reach the terminal.
  const say = (line: string, colour = '') => {
    const text = `${colours ? colour : ''}${logText(o.redactor.redact(spell(line)))}${colours && colour ? `${ESC}[0m` : ''}`;
    if (!tty) return void o.out.write(`${text}\n`);
    clearBars();
    o.out.write(`${text}\n`);
    drawBars();
  };
  const where = (a?: { file?: string; line?: number }) => (a?.file ? ` ${a.file}${a.line ? `:${a.line}` : ''}:` : '');
  return {
    name: 'cli',
    isPost: false,
    outputs,
    // In a GitLab job's script, the job's own defaults as the components have them (gitlab-job.ts).
    getInput: (name) => (o.env.GITLAB_CI === 'true' ? gitlabJobInput(o.env, name, o.inputs.get(name) ?? '') : (o.inputs.get(name) ?? '')),
    setOutput: (name, value) => void outputs.set(name, value),
    mask: () => undefined, // nothing to mask in: every line is redacted before it is written
    debug: (message) => (o.env.HOIST_DEBUG === 'true' ? say(`debug: ${message}`) : undefined),
    info: (message) => (o.quiet ? undefined : say(message)),
    warning: (message, a) => say(`warning:${where(a)} ${message}`, `${ESC}[33m`),
    error: (message, a) => say(`error:${where(a)} ${message}`, `${ESC}[31m`),
    group: async (title, fn) => {
      if (!o.quiet) say(`==> ${title}`);
      try {
        return await fn();
      } finally {
        // The finished bars stay on the screen, above what follows.
        if (tty && bars.size) {
          clearBars();
          drawBars();
          bars.clear();
          drawn = 0;
        }
      }
    },
    summary: async () => undefined, // the command prints its own summary from the outputs
    saveState: (name, value) => void state.set(name, value),
    getState: (name) => state.get(name) ?? '',
    ...(tty
      ? {
          progress: (p) => {
            bars.set(p.host, progressBar(p));
            const now = Date.now();
            if (now - lastDraw < 100 && p.done < p.total) return;
            lastDraw = now;
            clearBars();
            drawBars();
          },
        }
      : {}),
    context: { facts: o.facts, now: () => new Date(), workspace: o.cwd, tempDir: o.env.RUNNER_TEMP || o.env.TMPDIR || tmpdir(), env: o.env },
  };
}
