/**
 * What a Dockerfile says about its stages and the images it uses, read exactly as BuildKit reads it
 * (src/plan/dockerfile/: its parser, shell lexer and stage rules), for the base label, the base-image
 * policy, hierarchy pinning and the emulation check. Every `FROM` is expanded with BuildKit's
 * predefined platform arguments for the platform being built, global `ARG`s and the build's
 * arguments; `COPY --from=<image>`, `RUN --mount=…,from=<image>` and the frontend image (`# syntax=`,
 * or a `BUILDKIT_SYNTAX` build argument) are images it uses. Where BuildKit refuses the file, this
 * throws a {@link DockerfileError} naming the line. Pure.
 */
import { evaluate, structure, type BuildView, type ImageUse, type Stage } from './dockerfile/read.js';
import { detectSyntax, DockerfileError } from './dockerfile/directives.js';
import { parse } from './dockerfile/parse.js';

export { DockerfileError };
export type { BuildView, ImageUse, Stage } from './dockerfile/read.js';

type Args = ReadonlyArray<readonly [string, string]>;

/** The stages of a Dockerfile for one build; `args` are the build's `--build-arg`s (they override `ARG` defaults). */
export function stages(text: string, args: Args, view: BuildView = {}): Stage[] {
  return evaluate(structure(text), text, args, view).stages;
}

/**
 * The frontend named by `BUILDKIT_SYNTAX` or the syntax directive when it is not BuildKit's
 * Dockerfile frontend (docker/dockerfile, docker/dockerfile-upstream): BuildKit hands such a file
 * to that image unread, so the frontend is the one image known to be used.
 */
function otherFrontend(text: string, args: Args): ImageUse | undefined {
  const arg = new Map(args).get('BUILDKIT_SYNTAX');
  const s = arg === undefined ? detectSyntax(text) : undefined;
  const ref = arg === undefined ? s?.image : arg.trim().split(' ')[0];
  if (!ref || ref === 'dockerfile.v0' || /^(?:(?:docker\.io|index\.docker\.io)\/)?docker\/dockerfile(?:-upstream)?(?:[:@]|$)/.test(ref)) return undefined;
  return { ref, line: s?.line || undefined, via: arg === undefined ? `${s!.form === 'json' ? '"syntax":' : `${s!.form} syntax=`}` : 'BUILDKIT_SYNTAX' };
}

/** Which builds to read: every platform built (none: the build machine's) and every target. */
export interface UsesOptions {
  platforms?: readonly string[];
  targets?: ReadonlyArray<string | undefined>;
  buildPlatform?: string;
}

/**
 * Every image the Dockerfile uses in any of the builds (each platform, each target), stages
 * resolved: a `FROM` naming an earlier stage, and a `--from` naming a stage, are not images.
 */
export function imageUses(text: string, args: Args, o: UsesOptions = {}): ImageUse[] {
  let s;
  try {
    s = structure(text);
  } catch (e) {
    const frontend = otherFrontend(text, args);
    if (e instanceof DockerfileError && frontend) return [frontend];
    throw e;
  }
  const seen = new Map<string, ImageUse>();
  for (const platform of o.platforms?.length ? o.platforms : [undefined]) {
    for (const target of o.targets?.length ? o.targets : [undefined]) {
      for (const use of evaluate(s, text, args, { platform, target, buildPlatform: o.buildPlatform }).uses) {
        seen.set(`${use.via}\u0000${use.ref}\u0000${use.line ?? ''}`, use);
      }
    }
  }
  return [...seen.values()];
}

/**
 * The image the built stage (the `target`, else the last) ultimately starts from: `FROM` chains
 * through earlier stages are followed. Undefined for `scratch` or an unknown target.
 */
export function baseImage(all: readonly Stage[], target: string | undefined): Stage | undefined {
  let stage = target ? all.find((s) => s.name === target.toLowerCase()) : all[all.length - 1];
  for (let hops = 0; stage && hops <= all.length; hops++) {
    const from = stage.from;
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
  return parse(text)
    .children.filter((n) => n.value.toLowerCase() === 'run')
    .map((n) => n.startLine!);
}
