/** Where the audited image goes besides the registries, and what the run reports back. */
import { parseOutputs, type OutputSpec } from '../oci/export.js';
import { optional, parseBool, parseLines, parsePairs, type InputScope } from './read.js';

export interface DeliverySettings {
  push: boolean;
  /** `load`: put the image into the local Docker daemon under its fixed tags. */
  load: boolean;
  /** `outputs`: copies of the image as files (`type=docker|oci,dest=…`). */
  outputs: OutputSpec[];
  /** `github-token`: the pull request comment, and ghcr.io when no other credentials are there. */
  githubToken: string | undefined;
  prComment: boolean;
}

export function parseDelivery(scope: InputScope): DeliverySettings {
  const { specs, errors } = parseOutputs(parseLines(scope.read('outputs')), scope.abs);
  for (const message of errors) scope.issues.push({ input: 'outputs', message });
  return {
    push: parseBool(scope, 'push', true),
    load: parseBool(scope, 'load', false),
    outputs: specs,
    githubToken: optional(scope, 'github-token'),
    prComment: parseBool(scope, 'pr-comment', false),
  };
}

/** The user's labels and annotations, and the `created` input (resolved in `plan/metadata.ts`). */
export interface MetadataSettings {
  labels: Array<[string, string]>;
  annotations: Array<[string, string]>;
  created: string;
}

export function parseMetadata(scope: InputScope): MetadataSettings {
  return {
    labels: parsePairs(scope, 'labels', /^[^\s=]+$/, 'KEY'),
    annotations: parsePairs(scope, 'annotations', /^[^\s=]+$/, 'KEY'),
    created: scope.read('created'),
  };
}
