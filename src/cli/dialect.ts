/**
 * The command line's own spelling of what the pipelines say in the Action's: a message made deep
 * down names an input as a workflow spells it (`set audit: warn`, `add it to registry-auth`, `with
 * registry-ca`); the CLI's front door rewrites each such phrase to the flag or the environment
 * variable a shell user has (`--audit warn`, `HOIST_REGISTRY_AUTH or --registry-auth-file`).
 * Only names of real inputs are rewritten, and only in those phrases: a tag or an image named
 * `audit` stays as it is.
 */
import { SECRET_INPUTS } from '../secrets/inputs.js';
import { BUILD_FLAGS, MERGE_FLAGS, PROMOTE_FLAGS, PUSH_FLAGS, STALE_FLAGS } from './inputs.generated.js';

const INPUTS = new Set([...BUILD_FLAGS, ...PROMOTE_FLAGS, ...MERGE_FLAGS, ...STALE_FLAGS, ...PUSH_FLAGS].map((f) => f.name));

const envName = (input: string) => `HOIST_${input.toUpperCase().replaceAll('-', '_')}`;

/** How a shell user gives an input: its flag, or for secret material its variable and its file flag. */
export function cliSpelling(input: string, value?: string): string {
  if (SECRET_INPUTS.has(input)) return `${envName(input)} or --${input}-file${value ? ` (${value})` : ''}`;
  return value === undefined ? `--${input}` : `--${input} ${value}`;
}

const known = (name: string) => INPUTS.has(name);

/** The message with every Action-dialect phrase naming an input spelled as the CLI's. */
export function cliDialect(message: string): string {
  return (
    message
      // "set audit: warn", "Set secret-cache: rebuild", "is required with sign: key"
      .replace(/\b([Ss]et|with) ([a-z][a-z0-9-]*): ([A-Za-z0-9._-]+)/g, (all, verb: string, name: string, value: string) =>
        known(name) ? `${verb} ${cliSpelling(name, value)}` : all,
      )
      // "set version, tags, or run on a commit", "set buildkit-host to a BuildKit daemon", "give hierarchy-plan or hierarchy-entry":
      // each input of the list the verb names, up to the first word that is none
      .replace(/\b([Ss]et|[Gg]ive) ([a-z][a-z0-9-]*(?:(?:,? (?:and|or) |, )[a-z][a-z0-9-]*)*)(?![:=/.-]\w)/g, (_all, verb: string, list: string) => {
        let on = true;
        return `${verb} ${list.replace(/[a-z][a-z0-9-]*/g, (word) => {
          if (word === 'and' || word === 'or') return word;
          on &&= known(word);
          return on ? cliSpelling(word) : word;
        })}`;
      })
      // "add it to registry-auth (REGISTRY=USERNAME:PASSWORD)", "list it in insecure-registries", "trust the CA with registry-ca",
      // "check the access of the credentials from registry-auth" (a 401 on a push)
      .replace(/\b(to|in|with|from) ([a-z][a-z0-9-]*)\b(?![:=/.-]\w)/g, (all, word: string, name: string) =>
        known(name) && name.includes('-') ? `${word} ${cliSpelling(name)}` : all,
      )
      // "(or give full references in tags)", "not in images: add it there", "(set them in labels to keep them)", "leave it out of outputs":
      // a one-word input only where the phrase ends with it, so "in images of the build" stays
      .replace(/\b(in|out of) ([a-z]+)(?=[):,]|\s+to\s|$)/g, (all, word: string, name: string) => (known(name) ? `${word} ${cliSpelling(name)}` : all))
      // "(tags come from version/tags)"
      .replace(/\bfrom version\/tags\b/g, 'from --version/--tags')
      // "(require-pinned-base)", "(allowed-base-images: registry.acme/golden/*)": the policy's findings
      .replace(/\(([a-z][a-z0-9-]*)(\)|: )/g, (all, name: string, after: string) => (known(name) && name.includes('-') ? `(${cliSpelling(name)}${after}` : all))
  );
}
