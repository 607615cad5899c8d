/** `hoist completion bash|zsh|fish`: a completion script made from the verbs table (completion.ts). */
import { completionScript, SHELLS, type Shell } from '../completion.js';
import { UsageError } from '../usage.js';
import { defineVerb, type Line } from './verb.js';

interface CompletionLine extends Line {
  shell: Shell;
}

export const completion = defineVerb<CompletionLine>({
  name: 'completion',
  summary: 'print a shell completion script (bash, zsh or fish) from the same flag table',
  examples: [
    'source <(hoist completion bash)   # in ~/.bashrc',
    'source <(hoist completion zsh)    # in ~/.zshrc',
    'hoist completion fish | source    # in ~/.config/fish/config.fish',
  ],
  options: () => ({}),
  // One word: a shell, or --help/-h; anything else (a flag too) is the one usage error.
  check: (args) => {
    if (args.length !== 1 || !(SHELLS.includes(args[0] as Shell) || args[0] === '--help' || args[0] === '-h'))
      throw new UsageError(`completion takes one shell: ${SHELLS.join(', ')}`);
  },
  parse: (_values, positionals) => ({ command: 'completion', json: false, shell: positionals[0] as Shell }),
  help: () => `Usage: hoist completion ${SHELLS.join('|')}    print a shell completion script (bash, zsh or fish) from the same flag table`,
  run: async (line, ctx) => {
    // Every verb's flags, from the table the help pages and "did you mean" read.
    ctx.streams.stdout.write(
      completionScript(
        line.shell,
        ctx.verbs.filter((v) => v.name !== 'completion'),
      ),
    );
    return 0;
  },
});
