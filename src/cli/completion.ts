/**
 * `hoist completion bash|zsh|fish`: a completion script generated from the same flag table as the
 * help pages and "did you mean" — the verbs, `tags`' subcommands, each verb's flags. zsh loads the
 * bash function through bashcompinit (its own documented bridge).
 */
export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/** Verb → its flags (`--images`, …). */
export type FlagTable = Readonly<Record<string, readonly string[]>>;

const TAGS_SUBCOMMANDS = ['list', 'delete', 'prune'];

function bash(table: FlagTable): string {
  const cases = Object.entries(table)
    .map(([verb, flags]) => `    ${verb}) words="${[...flags, ...(verb === 'tags' ? TAGS_SUBCOMMANDS : [])].join(' ')}" ;;`)
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
  for (const [verb, flags] of Object.entries(table)) {
    for (const flag of flags) lines.push(`complete -c hoist -n '__fish_seen_subcommand_from ${verb}' -l ${flag.slice(2)}`);
    if (verb === 'tags') lines.push(`complete -c hoist -n '__fish_seen_subcommand_from tags' -a '${TAGS_SUBCOMMANDS.join(' ')}'`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, table: FlagTable): string {
  if (shell === 'fish') return fish(table);
  if (shell === 'zsh')
    return `# hoist completion for zsh: source <(hoist completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bash(table).split('\n').slice(1).join('\n')}`;
  return bash(table);
}
