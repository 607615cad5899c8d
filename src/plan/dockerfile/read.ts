/**
 * What BuildKit makes of a parsed Dockerfile's stages (instructions/parse.go, dockerfile2llb):
 * global `ARG`s expanded in order over the predefined platform arguments, build arguments replacing
 * their defaults; each `FROM` expanded with them, an earlier stage's name (exactly) or `scratch` not
 * an image; `COPY --from` and `RUN --mount=…,from=` naming a stage (by name, or index for COPY) or an
 * image; the frontend image of `BUILDKIT_SYNTAX` or `# syntax=`. BuildKit's refusals on the way are
 * {@link DockerfileError}s naming the line. Pure.
 */
import { parseReference } from '../../core/reference.js';
import { DockerfileError, detectSyntax } from './directives.js';
import { LexError, processWord } from './lex.js';
import type { Node } from './line-parsers.js';
import { parse } from './parse.js';
import { platformArgs } from './platform-args.js';

export interface Stage {
  /** The image or earlier stage named by `FROM`, arguments expanded. */
  from: string;
  /** `AS name`, lower-cased as BuildKit does. */
  name?: string;
  /** 1-based line of the `FROM` instruction. */
  line: number;
  /** Its last line (a continued `FROM` spans several). */
  endLine: number;
}

/** An image a Dockerfile pulls in: a stage base, a `COPY --from`, a `RUN --mount` source, the frontend. */
export interface ImageUse {
  ref: string;
  /** 1-based line; none for a `BUILDKIT_SYNTAX` build argument or a JSON document's `syntax`. */
  line?: number;
  /** `FROM`, `COPY --from`, `RUN --mount from`, `# syntax=`, `BUILDKIT_SYNTAX` */
  via: string;
}

/** Which build is read: the platform built (default: the build machine's), the machine's own platform, the target stage. */
export interface BuildView {
  platform?: string;
  buildPlatform?: string;
  target?: string;
}

const INSTRUCTIONS = new Set([
  'add',
  'arg',
  'cmd',
  'copy',
  'entrypoint',
  'env',
  'expose',
  'from',
  'healthcheck',
  'label',
  'maintainer',
  'onbuild',
  'run',
  'shell',
  'stopsignal',
  'user',
  'volume',
  'workdir',
]);
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
const values = (n: Node | undefined): string[] => (n ? [n.value, ...values(n.next)] : []);

interface RawStage {
  base: string;
  name?: string;
  platform?: string;
  line: number;
  endLine: number;
  /** `COPY --from` and `RUN --mount from` sources, as written. */
  sources: Array<{ from: string; via: 'COPY --from' | 'RUN --mount from'; line: number }>;
}

/** The flags of an instruction as BuildKit's BFlags reads them: `--name=value`, known names only when `known` is given. */
function flagValues(node: Node, line: number, known?: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of node.flags ?? []) {
    if (a === '--') break;
    if (!a.startsWith('--')) throw new DockerfileError(`arg should start with -- : ${a}`, line);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (known && !known.includes(name)) throw new DockerfileError(`unknown flag: --${name}`, line);
    if (known && out.has(name)) throw new DockerfileError(`duplicate flag specified: --${name}`, line);
    if (eq < 0) {
      if (known || ['from', 'mount'].includes(name)) throw new DockerfileError(`missing a value on flag: --${name}`, line);
      continue;
    }
    out.set(name, [...(out.get(name) ?? []), a.slice(eq + 1)]);
  }
  return out;
}

/** Go's encoding/csv fields of one record (`type=bind,"from=x,y"`). */
function csvFields(text: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      for (i++; ; i++) {
        if (i >= text.length) throw new DockerfileError(`failed to parse csv mounts: extraneous or missing " in quoted-field`, line);
        if (text[i] === '"' && text[i + 1] === '"') field += text[i++];
        else if (text[i] === '"') break;
        else field += text[i];
      }
      i++;
      if (i < text.length && text[i] !== ',') throw new DockerfileError(`failed to parse csv mounts: extraneous or missing " in quoted-field`, line);
    } else {
      const end = text.indexOf(',', i);
      field = text.slice(i, end < 0 ? undefined : end);
      if (field.includes('"')) throw new DockerfileError(`failed to parse csv mounts: bare " in non-quoted-field`, line);
      i = end < 0 ? text.length : end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

interface Structure {
  escape: string;
  metaArgs: Array<{ key: string; value?: string; line: number }>;
  stages: RawStage[];
}

/** The parse, checked as BuildKit's instruction parser checks it, down to what names images. */
export function structure(text: string): Structure {
  const { children, escape } = parse(text);
  const s: Structure = { escape, metaArgs: [], stages: [] };
  for (const node of children) {
    const line = node.startLine!;
    const keyword = node.value.toLowerCase();
    if (!INSTRUCTIONS.has(keyword)) throw new DockerfileError(`unknown instruction: ${node.value}`, line);
    const args = values(node.next);
    const stage = s.stages.at(-1);
    if (keyword === 'arg' && !stage) {
      if (!args.length) throw new DockerfileError('ARG requires at least one argument', line);
      for (const a of args) {
        const eq = a.indexOf('=');
        if (eq === 0) throw new DockerfileError('ARG names can not be blank', line);
        s.metaArgs.push(eq < 0 ? { key: a, line } : { key: a.slice(0, eq), value: a.slice(eq + 1), line });
      }
    } else if (keyword === 'from') {
      const flags = flagValues(node, line, ['platform']);
      let name: string | undefined;
      if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
        name = args[2]!.toLowerCase();
        if (!STAGE_NAME.test(name))
          throw new DockerfileError(`invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`, line);
      } else if (args.length !== 1) throw new DockerfileError('FROM requires either one or three arguments', line);
      s.stages.push({ base: args[0]!, name, platform: flags.get('platform')?.[0], line, endLine: node.endLine!, sources: [] });
    } else if (!stage) {
      throw new DockerfileError(`no build stage in current context (${node.value} before the first FROM)`, line);
    } else if (keyword === 'onbuild') {
      const trigger = (args[0] ?? node.next?.children?.[0]?.value ?? '').toUpperCase();
      if (trigger === 'ONBUILD') throw new DockerfileError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", line);
      if (trigger === 'FROM' || trigger === 'MAINTAINER') throw new DockerfileError(`${trigger} isn't allowed as an ONBUILD trigger`, line);
    } else if (keyword === 'copy' || keyword === 'add') {
      const from = flagValues(node, line).get('from');
      if (from && keyword === 'add') throw new DockerfileError('unknown flag: --from', line);
      if (from && from.length > 1) throw new DockerfileError('duplicate flag specified: --from', line);
      const v = from?.at(-1);
      if (v !== undefined && v !== '') stage.sources.push({ from: v, via: 'COPY --from', line });
    } else if (keyword === 'run') {
      for (const mount of flagValues(node, line).get('mount') ?? []) {
        let from = '';
        for (const field of csvFields(mount, line)) {
          const eq = field.indexOf('=');
          if (eq < 0 || field.slice(0, eq).toLowerCase() !== 'from') continue;
          from = field.slice(eq + 1);
          const dollar = from.indexOf('$');
          if (dollar >= 0 && dollar !== from.length - 1)
            throw new DockerfileError("'from' doesn't support variable expansion, define alias stage instead", line);
        }
        if (from) stage.sources.push({ from, via: 'RUN --mount from', line });
      }
    }
  }
  if (!s.stages.length) throw new DockerfileError('dockerfile contains no stages to build');
  checkCycles(s.stages);
  return s;
}

/** BuildKit's `validateCircularDependency`: a stage that needs itself through `COPY --from` or `RUN --mount from`, first found from the earliest stage. */
function checkCycles(all: readonly RawStage[]): void {
  const deps = all.map((st) =>
    st.sources.flatMap((src) => {
      const i = src.via === 'COPY --from' && /^[+-]?\d+$/.test(src.from) ? Number(src.from) : all.findIndex((o) => o.name === src.from.toLowerCase());
      return i >= 0 && i < all.length ? [{ stage: i, line: src.line }] : [];
    }),
  );
  const visited = new Set<number>();
  const path = new Set<number>();
  const visit = (i: number): number | undefined => {
    if (visited.has(i)) return undefined;
    visited.add(i);
    path.add(i);
    for (const d of deps[i]!) {
      if (path.has(d.stage)) return d.line;
      const line = visit(d.stage);
      if (line !== undefined) return line;
    }
    path.delete(i);
    return undefined;
  };
  all.forEach((st, i) => {
    const line = visit(i);
    if (line !== undefined) throw new DockerfileError(`circular dependency detected on stage: ${st.name ?? `stage-${i}`}`, line);
  });
}

const expand = (word: string, env: ReadonlyMap<string, string>, escape: string, line: number): string => {
  try {
    return processWord(word, env, { escape }).result;
  } catch (e) {
    if (e instanceof LexError) throw new DockerfileError(e.message, line);
    throw e;
  }
};

/** BuildKit's `ParseNormalizedNamed`, for a name that is not a stage: refused as it refuses it. */
function checkImage(ref: string, line: number): void {
  // A digest of another algorithm than sha256 is a reference too; its name is what is checked.
  let name = ref.replace(/@(?!sha256:)[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/, '');
  // A first component with upper-case letters is a registry host to Docker (`Nexus/app`), not a path.
  const first = /^([^/]+)\//.exec(name)?.[1];
  if (first && first !== first.toLowerCase() && !/[.:]/.test(first) && /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(first))
    name = `registry.invalid${name.slice(first.length)}`;
  try {
    parseReference(name);
  } catch (e) {
    throw new DockerfileError(`failed to parse stage name "${ref}": ${(e as Error).message}`, line);
  }
}

/** The stages and the images one build (one platform, one target) reads. */
export function evaluate(s: Structure, text: string, args: ReadonlyArray<readonly [string, string]>, view: BuildView): { stages: Stage[]; uses: ImageUse[] } {
  if (view.target && !s.stages.some((st) => st.name === view.target!.toLowerCase())) {
    const names = s.stages.flatMap((st) => (st.name ? [st.name] : []));
    throw new DockerfileError(
      `target stage "${view.target}" could not be found${names.length ? `: set target to one of the Dockerfile's stages (${names.join(', ')})` : ' (the Dockerfile names no stage)'}`,
      undefined,
      'target',
    );
  }
  const given = new Map(args);
  const env = platformArgs(view.platform, view.buildPlatform, view.target || s.stages.at(-1)!.name, given);
  for (const a of s.metaArgs) {
    const value = given.has(a.key) ? given.get(a.key) : a.value === undefined ? undefined : expand(a.value, env, s.escape, a.line);
    if (value !== undefined) env.set(a.key, value);
  }
  const uses: ImageUse[] = [];
  const syntaxArg = given.get('BUILDKIT_SYNTAX');
  if (syntaxArg !== undefined) {
    const image = syntaxArg.trim().split(' ')[0]!;
    if (image !== 'dockerfile.v0') uses.push({ ref: image, via: 'BUILDKIT_SYNTAX' });
  } else {
    const syntax = detectSyntax(text);
    if (syntax) uses.push({ ref: syntax.image, line: syntax.line || undefined, via: `${syntax.form === 'json' ? '"syntax":' : `${syntax.form} syntax=`}` });
  }
  const stages: Stage[] = [];
  const names = s.stages.map((st) => st.name);
  for (const st of s.stages) {
    const from = expand(st.base, env, s.escape, st.line);
    if (from === '') throw new DockerfileError(`base name (${st.base}) should not be blank`, st.line);
    if (st.platform !== undefined && expand(st.platform, env, s.escape, st.line) === '')
      throw new DockerfileError(`empty platform value from expression ${st.platform}`, st.line);
    if (!stages.some((earlier) => earlier.name === from) && from !== 'scratch') {
      checkImage(from, st.line);
      uses.push({ ref: from, line: st.line, via: 'FROM' });
    }
    stages.push({ from, name: st.name, line: st.line, endLine: st.endLine });
  }
  for (const st of s.stages) {
    for (const src of st.sources) {
      if (src.via === 'COPY --from') {
        if (expand(src.from, new Map(), s.escape, src.line) !== src.from)
          throw new DockerfileError(
            'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
            src.line,
          );
        if (/^[+-]?\d+$/.test(src.from)) {
          const i = Number(src.from);
          if (i < 0 || i >= s.stages.length) throw new DockerfileError(`invalid stage index ${i}`, src.line);
          continue;
        }
      }
      if (names.includes(src.from.toLowerCase()) || src.from === 'scratch') continue;
      checkImage(src.from, src.line);
      uses.push({ ref: src.from, line: src.line, via: src.via });
    }
  }
  // In the file's order: the frontend first, then by line.
  return { stages, uses: uses.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
}
