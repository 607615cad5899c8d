/** What is built: the context, the Dockerfile, the stage, build arguments and named contexts. */
import { ENV_KEY, optional, parsePairs, type InputScope } from './read.js';

export interface SourceSettings {
  /** Build context directory (absolute). */
  context: string;
  /** Dockerfile path (absolute). */
  file: string;
  /** `target`: the stage the outputs describe (default: the last stage). */
  target: string | undefined;
  buildArgs: Array<[string, string]>;
  /** `name` → an absolute directory, or a `docker-image://…` / `oci-layout://…` reference. */
  buildContexts: Array<[string, string]>;
}

export function parseSource(scope: InputScope): SourceSettings {
  const context = scope.abs(scope.read('context').trim() || '.');
  const file = optional(scope, 'file');
  const contexts = parsePairs(scope, 'build-contexts', /^[A-Za-z0-9_.-]+$/, 'NAME');
  return {
    context,
    file: file ? scope.abs(file) : scope.abs(`${context}/Dockerfile`),
    target: optional(scope, 'target'),
    buildArgs: parsePairs(scope, 'build-args', ENV_KEY, 'NAME'),
    buildContexts: contexts.map(([k, v]) => [k, /^[a-z-]+:\/\//.test(v.trim()) ? v.trim() : scope.abs(v.trim())]),
  };
}
