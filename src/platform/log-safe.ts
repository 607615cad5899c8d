/**
 * Text from outside Hoist — a tool's output (BuildKit, buildah, docker, git, a `RUN` step), a
 * registry's error body — made safe to print on a CI log. Every adapter passes every message
 * through here, so no byte of it can steer the GitHub runner, the GitLab log or a terminal:
 *
 * - the GitHub runner reads a line (split at `\n`, `\r\n` and a lone `\r`, as .NET's `ReadLine`)
 *   as a command when it holds `##[` anywhere (legacy `##[cmd]`) or starts with `::` once .NET's
 *   `TrimStart` removed Unicode white space (U+0085, U+00A0, U+2028, …); its checks are
 *   culture-sensitive, so characters ICU ignores (U+200B, U+FEFF, U+00AD, C0 controls) may sit
 *   inside those markers. `githubLogText` fences a message holding any such line with
 *   `::stop-commands::` and a token nobody can guess, so the runner processes nothing in it.
 * - GitLab folds its log at `section_start:`/`section_end:` markers and renders ANSI escapes;
 *   a terminal obeys escapes (OSC 52 writes the clipboard).
 *
 * Every platform: a carriage return inside a message is a line break (never an overwrite),
 * escape sequences are dropped, other C0/C1 controls and the Unicode line separators are shown
 * as `\xNN` / `\uNNNN`, and `##[`, `section_start:` and `section_end:` get a word joiner
 * (U+2060) inside them, so they read the same and match nothing.
 */
import { randomBytes } from 'node:crypto';

/** CSI (`ESC [ … final`), OSC/DCS/APC/PM/SOS (to BEL or ESC \), and two-byte escapes; also their 8-bit forms. */
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
/** What is left of the controls after the escapes, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;
const MARKERS = /##\[|section_(start|end):/g;
const WORD_JOINER = '\u2060';

const shown = (c: string) => {
  const code = c.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One line made inert: escapes dropped, controls shown, markers broken. */
function inertLine(line: string): string {
  return line
    .replace(ESCAPES, '')
    .replace(CONTROLS, shown)
    .replace(MARKERS, (m) => (m === '##[' ? `##${WORD_JOINER}[` : `${m.slice(0, -1)}${WORD_JOINER}:`));
}

/** The message's lines, each inert; `\r\n`, `\r` and `\n` all end a line. */
export function inertLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map(inertLine);
}

/** The message as inert text, lines joined with `\n`. */
export function logText(text: string): string {
  return inertLines(text).join('\n');
}

/**
 * Whether the runner would try a line as a command: `::` or `##[` in it once every character ICU
 * may ignore is taken out (an over-approximation of the runner's own gate, which checks the line
 * for either before it parses; `::` anywhere also covers one after .NET's trimmed white space).
 */
export function commandLike(line: string): boolean {
  const bare = line.replace(/[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/gu, '');
  return bare.includes('::') || bare.includes('##[');
}

/**
 * A message for GitHub's log: inert, and fenced with `::stop-commands::<token>` … `::<token>::`
 * when any of its lines could be read as a workflow command.
 */
export function githubLogText(text: string, token: () => string = () => randomBytes(16).toString('hex')): string {
  const lines = inertLines(text);
  if (!lines.some(commandLike)) return lines.join('\n');
  const t = token();
  return [`::stop-commands::${t}`, ...lines, `::${t}::`].join('\n');
}

/**
 * A value as JSON that passes through `logText` unchanged (so `--json` output stays JSON): the
 * controls JSON.stringify leaves raw — DEL, C1, U+2028/9, which `logText` would show as `\x7f`, not
 * a JSON escape — written as `\uNNNN`. A file name or zip member read from an image's bytes can hold them.
 */
export function jsonText(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
