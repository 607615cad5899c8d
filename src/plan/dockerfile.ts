/**
 * What a Dockerfile says about its stages and the images it uses, read without running it: each
 * `FROM` (after `ARG` expansion with the build's arguments), `COPY --from=<image>` and
 * `RUN --mount=…,from=<image>`, with its line — for the base label and the base-image policy. Pure.
 */

export interface Stage {
  /** The image or earlier stage named by `FROM`, arguments expanded. */
  from: string;
  /** `AS name`, lower-cased as BuildKit does. */
  name?: string;
  /** 1-based line of the `FROM` instruction. */
  line: number;
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** What the parser directives at the top of a Dockerfile say (BuildKit reads only these two that matter here). */
interface Directives {
  /** The line-continuation character: `\` unless `# escape=` says `` ` ``. */
  escape: '\\' | '`';
  /** `# syntax=`: the frontend image BuildKit runs to read the rest of the file. */
  syntax?: { image: string; line: number };
  /** The index of the first line after the directives. */
  body: number;
}

/**
 * Parser directives as BuildKit reads them: `# key=value` lines at the very top; the first line
 * that is not one — an instruction, another comment, a blank line — ends them.
 */
function directives(lines: readonly string[]): Directives {
  const d: Directives = { escape: '\\', body: 0 };
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(lines[i]!);
    const key = m?.[1]!.toLowerCase();
    if (!m || !key || seen.has(key)) return { ...d, body: i };
    seen.add(key);
    if (key === 'escape' && (m[2] === '`' || m[2] === '\\')) d.escape = m[2];
    if (key === 'syntax') d.syntax = { image: m[2]!, line: i + 1 };
  }
  return { ...d, body: lines.length };
}

/** The heredocs an instruction opens (`<<EOF`, `<<-"EOF"`), outside quotes, in order: only RUN, COPY and ADD have them. */
function heredocs(keyword: string, args: string): Array<{ name: string; tabs: boolean }> {
  if (!['RUN', 'COPY', 'ADD'].includes(keyword)) return [];
  const found: Array<{ name: string; tabs: boolean }> = [];
  let quote: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    const m = c === '<' ? /^<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(args.slice(i)) : null;
    if (m) {
      found.push({ name: m[3]!, tabs: m[1] === '-' });
      i += m[0].length - 1;
    }
  }
  return found;
}

/** Logical instructions as BuildKit sees them: comments dropped, continuations joined with the file's escape character, heredoc bodies skipped. */
function instructions(text: string): { list: Instruction[]; syntax?: Directives['syntax'] } {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  const d = directives(lines);
  const continued = new RegExp(`${d.escape === '`' ? '`' : '\\\\'}[ \\t]*$`);
  for (let i = d.body; i < lines.length; i++) {
    const first = lines[i]!;
    if (/^\s*(#|$)/.test(first)) continue;
    const start = i;
    let joined = first;
    while (continued.test(joined) && i + 1 < lines.length) {
      joined = joined.replace(continued, ' ');
      i++;
      if (!/^\s*(#|$)/.test(lines[i]!)) joined += lines[i]!;
    }
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(joined);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    out.push({ keyword, args: m[2]!.trim(), line: start + 1 });
    for (const doc of heredocs(keyword, m[2]!)) {
      while (i + 1 < lines.length) {
        const line = lines[++i]!;
        if ((doc.tabs ? line.replace(/^\t+/, '') : line) === doc.name) break;
      }
    }
  }
  return { list: out, syntax: d.syntax };
}

/** `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` as BuildKit expands them in `FROM`. */
function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_, braced?: string, op?: string, word?: string, bare?: string) => {
      const value = vars.get((braced ?? bare)!);
      if (op === '-') return value ? value : (word ?? '');
      if (op === '+') return value ? (word ?? '') : '';
      return value ?? '';
    },
  );
}

/** The stages of a Dockerfile; `args` are the build's `--build-arg`s (they override `ARG` defaults). */
export function stages(text: string, args: ReadonlyArray<readonly [string, string]>): Stage[] {
  return read(text, args).stages;
}

/** An image a Dockerfile pulls in: a stage base, a `COPY --from`, a `RUN --mount` source. */
export interface ImageUse {
  ref: string;
  line: number;
  /** `FROM`, `COPY --from`, `RUN --mount from` */
  via: string;
}

/**
 * Every image the Dockerfile uses, stages resolved: a `FROM` naming an earlier stage, and a
 * `--from` naming a stage (by name or index), are not images.
 */
export function imageUses(text: string, args: ReadonlyArray<readonly [string, string]>): ImageUse[] {
  return read(text, args).uses;
}

function read(text: string, args: ReadonlyArray<readonly [string, string]>): { stages: Stage[]; uses: ImageUse[] } {
  const given = new Map(args);
  const globals = new Map<string, string>();
  const result: Stage[] = [];
  const uses: ImageUse[] = [];
  const isStage = (name: string) => /^\d+$/.test(name) || result.some((s) => s.name === name.toLowerCase());
  const { list, syntax } = instructions(text);
  // The frontend image reads (and so decides) everything else: it is an image the build uses.
  if (syntax) uses.push({ ref: syntax.image, line: syntax.line, via: '# syntax=' });
  for (const ins of list) {
    if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      const from = /(?:^|\s)--from=(\S+)/.exec(ins.args)?.[1];
      if (from && !isStage(expand(from, globals))) uses.push({ ref: expand(from, globals), line: ins.line, via: `${ins.keyword} --from` });
      continue;
    }
    if (ins.keyword === 'RUN') {
      for (const m of ins.args.matchAll(/(?:^|\s)--mount=(\S+)/g)) {
        const from = /(?:^|,)from=([^,]+)/.exec(m[1]!)?.[1];
        if (from && !isStage(expand(from, globals))) uses.push({ ref: expand(from, globals), line: ins.line, via: 'RUN --mount from' });
      }
      continue;
    }
    if (ins.keyword === 'ARG' && result.length === 0) {
      for (const decl of ins.args.split(/\s+/)) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        const fallback = eq < 0 ? undefined : decl.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2');
        const value = given.get(name) ?? (fallback === undefined ? undefined : expand(fallback, globals));
        if (value !== undefined) globals.set(name, value);
      }
    } else if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      const from = expand(words[0] ?? '', globals);
      if (!isStage(from) && from.toLowerCase() !== 'scratch') uses.push({ ref: from, line: ins.line, via: 'FROM' });
      result.push({ from, name: as > 0 ? words[as + 1]?.toLowerCase() : undefined, line: ins.line });
    }
  }
  return { stages: result, uses };
}

/**
 * The image the built stage (the `target`, else the last) ultimately starts from: `FROM` chains
 * through earlier stages are followed. Undefined for `scratch` or a Dockerfile without `FROM`.
 */
export function baseImage(all: readonly Stage[], target: string | undefined): Stage | undefined {
  let stage = target ? all.find((s) => s.name === target.toLowerCase()) : all[all.length - 1];
  for (let hops = 0; stage && hops <= all.length; hops++) {
    const from = stage.from.toLowerCase();
    const earlier = all
      .slice(0, all.indexOf(stage))
      .reverse()
      .find((s) => s.name === from);
    if (!earlier) return from === 'scratch' ? undefined : stage;
    stage = earlier;
  }
  return undefined;
}

/** 1-based lines of the `RUN` instructions: what needs the build platform's own binaries (or their emulation). */
export function runLines(text: string): number[] {
  return instructions(text)
    .list.filter((i) => i.keyword === 'RUN')
    .map((i) => i.line);
}
