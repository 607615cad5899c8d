/** How the benchmarks measure a process: wall time, peak RSS and CPU under GNU time, and one table row. */
import { spawn } from 'node:child_process';

export interface Measured {
  seconds: number;
  rssMiB: number;
  cpuSeconds: number;
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Each line of stderr with the milliseconds since the start at which it arrived (where a run's phases begin and end). */
  stderrLines: Array<{ ms: number; line: string }>;
}

/** Runs a process under GNU time, asynchronously (the proxies and memory registry live in this process). */
export async function timed(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutSeconds = 300, cwd?: string): Promise<Measured> {
  const child = spawn('/usr/bin/time', ['-f', 'HOIST_TIME %e %M %U %S', file, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, timeoutSeconds * 1000);
  const start = performance.now();
  let stdout = '';
  let stderr = '';
  const stderrLines: Measured['stderrLines'] = [];
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    const ms = performance.now() - start;
    const text = c.toString();
    const pending = stderr.slice(stderr.lastIndexOf('\n') + 1);
    stderr += text;
    const lines = (pending + text).split('\n');
    lines.pop();
    for (const line of lines) stderrLines.push({ ms, line });
  });
  const status = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(timer);
  const m = /HOIST_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  return {
    seconds: m ? Number(m[1]) : NaN,
    rssMiB: m ? Number(m[2]) / 1024 : NaN,
    cpuSeconds: m ? Number(m[3]) + Number(m[4]) : NaN,
    ok: status === 0,
    stdout,
    stderr: stderr.replace(/HOIST_TIME.*\n?/, ''),
    stderrLines,
  };
}

export const row = (name: string, m: Measured, extra = '') =>
  `  ${name.padEnd(58)} ${m.ok ? `${m.seconds.toFixed(2).padStart(7)} s  ${m.rssMiB.toFixed(0).padStart(5)} MiB RSS` : `FAILED${Number.isNaN(m.seconds) ? ' (killed at the time limit)' : ''}`.padStart(26)}  ${extra}`;
