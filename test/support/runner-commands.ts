/**
 * The GitHub runner's reading of a step's output, ported from actions/runner (commit 258d6c8):
 * `ProcessInvoker.StartReadStream` (lines as .NET's `ReadLine` splits them: `\n`, `\r\n`, a lone
 * `\r`), `OutputManager.OnDataReceived` (a line is tried when it holds `##[` or `::`),
 * `ActionCommand.TryParseV2` (`::cmd props::data` after `TrimStart`) and `TryParse` (legacy
 * `##[cmd props]data` anywhere in the line), and `ActionCommandManager.TryProcessCommand` (commands
 * registered case-insensitively; `stop-commands` pauses everything until its token comes back).
 *
 * The runner's `IndexOf`/`StartsWith(string)` are culture-sensitive (ICU): characters ICU ignores
 * match nothing and are skipped inside a match. That is modelled as skipping default-ignorable
 * code points and C0/C1 controls — the characters Hoist must assume the runner may skip.
 */

export const REGISTERED = [
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
];

/** .NET's `char.IsWhiteSpace` (what `TrimStart()` removes): Unicode White_Space. */
export const DOTNET_WHITESPACE = [
  ...'\t\n\u000b\f\r \u0085\u00a0\u1680',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
];

const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}]/u;
const isIgnorable = (c: string) => c !== '\t' && IGNORABLE.test(c);

/** Culture-sensitive `IndexOf(needle, from)`: the index where the match's first real character is. */
export function cultureIndexOf(hay: string, needle: string, from = 0): number {
  for (let i = from; i < hay.length; i++) {
    if (isIgnorable(hay[i]!)) continue;
    let j = i;
    let k = 0;
    while (k < needle.length && j < hay.length) {
      if (isIgnorable(hay[j]!)) j++;
      else if (hay[j] === needle[k]) {
        j++;
        k++;
      } else break;
    }
    if (k === needle.length) return i;
  }
  return -1;
}

const trimStart = (s: string) => {
  let i = 0;
  while (i < s.length && DOTNET_WHITESPACE.includes(s[i]!)) i++;
  return s.slice(i);
};

export interface ParsedCommand {
  command: string;
  data: string;
}

function tryParseV2(line: string, registered: Set<string>): ParsedCommand | undefined {
  const message = trimStart(line);
  // StartsWith("::"), culture-sensitive: the first real characters are `::`; the command is still read from index 2.
  let first = 0;
  while (first < message.length && isIgnorable(message[first]!)) first++;
  if (cultureIndexOf(message, '::', first) !== first) return undefined;
  const end = cultureIndexOf(message, '::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!registered.has(command.toLowerCase())) return undefined;
  return { command: command.toLowerCase(), data: message.slice(end + 2) };
}

function tryParseLegacy(line: string, registered: Set<string>): ParsedCommand | undefined {
  const prefix = cultureIndexOf(line, '##[');
  if (prefix < 0) return undefined;
  const rb = line.indexOf(']', prefix);
  if (rb < 0) return undefined;
  const info = line.slice(prefix + 3, rb);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!registered.has(command.toLowerCase())) return undefined;
  return { command: command.toLowerCase(), data: line.slice(rb + 1) };
}

/** Every command the runner would process in `output`, in order (the fence's own included). */
export function runnerCommands(output: string): ParsedCommand[] {
  const registered = new Set(REGISTERED);
  const processed: ParsedCommand[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    if (!line || (cultureIndexOf(line, '##[') < 0 && cultureIndexOf(line, '::') < 0)) continue;
    const cmd = tryParseV2(line, registered) ?? tryParseLegacy(line, registered);
    if (!cmd) continue;
    if (stopToken !== undefined) {
      if (cmd.command === stopToken) {
        registered.delete(stopToken);
        stopToken = undefined;
        processed.push(cmd);
      }
      continue;
    }
    if (cmd.command === 'stop-commands') {
      stopToken = cmd.data.toLowerCase();
      registered.add(stopToken);
    }
    processed.push(cmd);
  }
  return processed;
}
