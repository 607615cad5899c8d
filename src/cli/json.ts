/**
 * `--json` for build, promote, merge and stale: one envelope (README, "JSON output"), the outputs
 * typed — lists as arrays, counts as numbers, the JSON outputs as objects, never a string of JSON:
 *   { "command": "build", "ok": true, "exitCode": 0, "errors": [],
 *     "outputs": { "digest": "sha256:…", "tags": ["reg/app:1.2.3", …], "platforms": ["linux/amd64"],
 *                  "metadata": { … }, "bytes-sent": 1234, … } }
 */
/** Outputs that are one item a line. */
const LINES = new Set(['tags', 'labels', 'annotations', 'tag-names', 'stale', 'signatures']);
/** Outputs that are comma-separated. */
const COMMAS = new Set(['platforms']);
const NUMBERS = new Set(['bytes-sent', 'bytes-shared']);

export type OutputValue = string | number | string[] | unknown;

/** One output as its JSON value: an output never set stays out; an empty list is []. */
export function typedOutput(name: string, value: string): OutputValue {
  if (LINES.has(name)) return value.split('\n').filter(Boolean);
  if (COMMAS.has(name))
    return value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  if (NUMBERS.has(name) && /^\d+$/.test(value)) return Number(value);
  // The JSON outputs (metadata, json, hierarchy, levels, and any added later) as what they are.
  if (/^[[{]/.test(value))
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  return value;
}

export interface Envelope {
  command: string;
  ok: boolean;
  exitCode: number;
  errors: string[];
  outputs: Record<string, OutputValue>;
}

export function envelope(command: string, exitCode: number, errors: readonly string[], outputs: ReadonlyMap<string, string>): Envelope {
  return {
    command,
    ok: exitCode === 0,
    exitCode,
    errors: [...errors],
    outputs: Object.fromEntries([...outputs].map(([k, v]) => [k, typedOutput(k, v)])),
  };
}
