/**
 * `hoist completion bash|zsh|fish`: a completion script generated from the verbs table, as the
 * help pages and "did you mean" are — the verbs, their subcommands (`tags list`), each verb's flags.
 * zsh loads the bash function through bashcompinit (its own documented bridge).
 */
import { flagsOf, type Verb } from './verbs/verb.js';

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/** Verb → its flags (`--images`, …) and subcommands. */
type FlagTable = Readonly<Record<string, { flags: readonly string[]; subcommands: readonly string[] }>>;

function bash(table: FlagTable): string {
  const cases = Object.entries(table)
    .map(([verb, { flags, subcommands }]) => `    ${verb}) words="${[...flags, ...subcommands].join(' ')}" ;;`)
    .join('\n');
  return [
    '# hoist completion for bash: source <(hoist completion bash)',
    '_hoist() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" words',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${Object.keys(table).join(' ')} help --help --version" -- "$cur"))`,
    '    return',
    '  fi',
    '  case "${COMP_WORDS[1]}" in',
    cases,
    `    help) words="${Object.keys(table).join(' ')}" ;;`,
    '    *) words="" ;;',
    '  esac',
    '  case "$cur" in',
    '    -*|"") COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;',
    '    *) COMPREPLY=($(compgen -W "$words" -- "$cur")); [ ${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$cur")) ;;',
    '  esac',
    '}',
    'complete -F _hoist hoist',
    '',
  ].join('\n');
}

function fish(table: FlagTable): string {
  const verbs = Object.keys(table);
  const lines = ['# hoist completion for fish: hoist completion fish | source', 'complete -c hoist -f'];
  lines.push(`complete -c hoist -n '__fish_use_subcommand' -a '${verbs.join(' ')}'`);
  for (const [verb, { flags, subcommands }] of Object.entries(table)) {
    for (const flag of flags) lines.push(`complete -c hoist -n '__fish_seen_subcommand_from ${verb}' -l ${flag.slice(2)}`);
    if (subcommands.length) lines.push(`complete -c hoist -n '__fish_seen_subcommand_from ${verb}' -a '${subcommands.join(' ')}'`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, verbs: readonly Verb[]): string {
  const table: FlagTable = Object.fromEntries(verbs.map((v) => [v.name, { flags: flagsOf(v), subcommands: v.subcommands ?? [] }]));
  if (shell === 'fish') return fish(table);
  if (shell === 'zsh')
    return `# hoist completion for zsh: source <(hoist completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bash(table).split('\n').slice(1).join('\n')}`;
  return bash(table);
}
