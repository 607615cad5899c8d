// The verbs table is the one source of the parser, the help pages, "did you mean" and completion:
// each verb's help page names exactly the flags the parser accepts for it, every verb has examples
// of itself, and the top page lists every verb. Nearest real-world variant: a flag added to a verb's
// declaration that its help page (or the completion script) never shows, or a flag its page shows
// that the parser then refuses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { helpText, parseCommandLine } from '../args.js';
import { didYouMean, examples, topHelp } from '../help.js';
import { VERB_TABLE } from './index.js';
import { flagsOf } from './verb.js';

const flagWords = (text: string) => [...new Set(text.match(/--[a-z][a-z0-9-]*/g) ?? [])];

describe('the verbs table', () => {
  it.each(VERB_TABLE.map((v) => [v.name, v] as const))('%s: every flag it declares is accepted by the parser', (_name, verb) => {
    for (const sub of verb.subcommands ?? [undefined]) {
      const flags = Object.entries(verb.options(sub))
        .filter(([name]) => !verb.hidden?.has(name))
        .flatMap(([name, o]) => (o.type === 'boolean' ? [`--${name}`] : [`--${name}`, 'x']));
      const argv = [verb.name, ...(sub ? [sub] : []), ...flags, '--help'];
      // --help after every flag: the page comes back only if parsing accepted each one.
      expect(verb.name === 'completion' ? parseCommandLine(['completion', '--help']) : parseCommandLine(argv)).toEqual({ help: verb.name });
    }
  });

  it.each(VERB_TABLE.filter((v) => v.help && v.name !== 'completion').map((v) => [v.name, v] as const))(
    "%s's own help page lists exactly the flags it declares (as completion offers them)",
    (_name, verb) => {
      const page = helpText(verb.name);
      const listed = page.split('\n').flatMap((l) => /^ {2}(?:-h, )?(--[a-z][a-z0-9-]*)/.exec(l)?.[1] ?? []);
      expect([...new Set(listed)].sort()).toEqual(flagsOf(verb));
    },
  );

  it.each(VERB_TABLE.filter((v) => v.usage).map((v) => [v.name, v] as const))(
    "%s's lines on the registry verbs' page name only flags it takes, and all its own",
    (_name, verb) => {
      const settings = ['--registry-auth-file', '--registry-ca', '--insecure-registries', '--retries', '--concurrency'];
      const own = flagsOf(verb).filter((f) => !settings.includes(f) && f !== '--help');
      expect(flagWords(verb.usage!).sort()).toEqual(own);
      expect(helpText(verb.name)).toContain(verb.usage!);
    },
  );

  // Nearest real-world variant: an input added to push/action.yml (keyless signing's fulcio-url)
  // that `hoist push` refused as an unknown flag, its list having been written out by hand.
  it.each([
    ['build', 'action.yml'],
    ['promote', 'promote/action.yml'],
    ['merge', 'merge/action.yml'],
    ['stale', 'stale/action.yml'],
    ['push', 'push/action.yml'],
  ])('%s takes every input of %s as a flag (a secret one as --NAME-file), or as its argument', (name, file) => {
    const verb = VERB_TABLE.find((v) => v.name === name)!;
    const inputs = Object.keys((parseYaml(readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8')) as { inputs: object }).inputs);
    const flags = flagsOf(verb);
    const missing = inputs
      .filter((i) => i !== 'hoist-mode' && !(name === 'push' && i === 'artefact')) // push's argument
      .filter((i) => !flags.includes(`--${i}`) && !flags.includes(`--${i}-file`));
    expect(missing).toEqual([]);
  });

  it('the top page lists every verb with its summary; every verb has examples of itself', () => {
    const top = topHelp('0.0.0');
    for (const verb of VERB_TABLE) {
      expect(top).toContain(`  ${verb.name.padEnd(12)}${verb.summary}`);
      expect(examples(verb.name)).toMatch(new RegExp(`^ {2}(\\S+=\\S+ )?(source <\\()?hoist ${verb.name} `, 'm'));
    }
  });

  it('"did you mean" chooses among the flags a verb declares, not another verb\'s', () => {
    const flags = (name: string) => flagsOf(VERB_TABLE.find((v) => v.name === name)!);
    expect(didYouMean('--digset', flags('tags'))).toBe('--digest');
    expect(didYouMean('--ra', flags('audit'))).toBeUndefined(); // inspect's --raw
    expect(flags('build')).not.toContain('--secrets'); // refused as a plain flag: only --secrets-file is offered
    expect(flags('build')).toContain('--secrets-file');
  });
});
