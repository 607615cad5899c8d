// Property: no byte a tool or a registry prints can steer the GitHub runner, the GitLab log or a
// terminal. Real-world variant: a RUN step (or a dependency's install script) printing
// `::add-mask::`, `##[stop-commands]x`, a U+0085-prefixed `::warning::` or a `section_start:`
// line, and a registry's error body carrying the same with its newlines.
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../test/support/random.js';
import { DOTNET_WHITESPACE, REGISTERED, runnerCommands } from '../../test/support/runner-commands.js';
import { commandLike, githubLogText, jsonText, logText } from './log-safe.js';

const ICU_IGNORABLE = ['\u200b', '\ufeff', '\u00ad', '\u2060', '\u0000', '\u200d'];
const BREAKS = ['\n', '\r', '\r\n'];

/** Every member of the class the runner's rules allow, generated: command × form × lead × place. */
function members(): string[] {
  const out: string[] = [];
  for (const raw of REGISTERED) {
    for (const cmd of [raw, raw.toUpperCase()]) {
      const data = cmd.toLowerCase() === 'stop-commands' ? 'attacker' : 'sekrit-value';
      const forms = [`::${cmd}::${data}`, `::${cmd} file=a.ts,line=1::${data}`, `##[${cmd}]${data}`, `text before ##[${cmd} a=b]${data}`];
      for (const form of forms) {
        // `::` must start the line once .NET trimmed its white space (the command is read from index 2);
        // `##[` is found anywhere, characters ICU ignores before it included.
        const leads = ['', ...DOTNET_WHITESPACE.filter((c) => !'\n\r'.includes(c)), ...(form.includes('##[') ? ICU_IGNORABLE : [])];
        for (const lead of leads) {
          out.push(`${lead}${form}`);
          for (const br of BREAKS) out.push(`step 3/4 RUN ./install.sh${br}${lead}${form}`);
        }
        if (form.includes('##[')) out.push(`\u001b[32m${form}\u001b[0m`); // coloured by the tool: `##[` is found anywhere
      }
    }
  }
  // The closing `::` split by characters ICU skips: the runner's culture-sensitive IndexOf still finds it.
  out.push('::add-mask:\u200b:x', '::warning file=a:\u2060:x', ' ::error:\u00ad:x');
  return out;
}

describe('workflow commands in untrusted text (GitHub runner rules, ported in test/support/runner-commands.ts)', () => {
  const table = members();

  it('the generated table is the class: each member is a command to the runner when printed raw', () => {
    expect(table.length).toBeGreaterThan(2000);
    expect(table.filter((m) => runnerCommands(m).length === 0)).toEqual([]);
  });

  it('printed through githubLogText, no member reaches the runner, and a later add-mask still works', () => {
    let fenced = 0;
    for (const member of table) {
      const printed = githubLogText(member);
      const stream = `${printed}\n::add-mask::hoist-later-secret\n`;
      const commands = runnerCommands(stream);
      // Only Hoist's fence (stop, resume) and Hoist's own add-mask afterwards.
      const foreign = commands.filter((c) => !(c.command === 'stop-commands' || /^[0-9a-f]{32}$/.test(c.command) || c.data === 'hoist-later-secret'));
      expect(foreign, JSON.stringify(member)).toEqual([]);
      expect(commands.at(-1), JSON.stringify(member)).toEqual({ command: 'add-mask', data: 'hoist-later-secret' });
      if (printed.startsWith('::stop-commands::')) fenced++;
    }
    expect(fenced).toBeGreaterThan(table.length / 2);
  });

  it('an attacker stop-commands inside a fenced message cannot outlive the fence', () => {
    const printed = githubLogText('::stop-commands::pwned\n::add-mask::x\n##[pwned]');
    expect(runnerCommands(`${printed}\n::add-mask::later`).map((c) => c.command)).toEqual([
      'stop-commands',
      expect.stringMatching(/^[0-9a-f]{32}$/),
      'add-mask',
    ]);
  });

  it('plain lines pass unchanged and unfenced; IPv6 and C++ text is fenced, not altered', () => {
    expect(githubLogText('#5 [2/3] RUN make')).toBe('#5 [2/3] RUN make');
    const ipv6 = githubLogText('listening on [::1]:5000', () => 'f'.repeat(32));
    expect(ipv6.split('\n')).toEqual([`::stop-commands::${'f'.repeat(32)}`, 'listening on [::1]:5000', `::${'f'.repeat(32)}::`]);
    expect(commandLike('a:\u200b:b')).toBe(true);
  });
});

describe('log text on every platform', () => {
  const hostile = [
    '\u001b[0Ksection_start:1700000000:evil[collapsed=true]\r\u001b[0Kfake section',
    'section_end:1700000000:hoist_1\r\u001b[0K',
    '\u001b]52;c;ZWNobyBwd25lZA==\u0007clipboard',
    '\u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\',
    '\u009b2J\u009d0;title\u009c cleared',
    'progress 10%\rprogress 100%',
    'bell\u0007 back\u0008space nel\u0085 ls\u2028 ps\u2029 del\u007f',
    'deep ##[error]fake',
  ];
  it.each(hostile)('%j: no escape, control, carriage return or marker survives', (text) => {
    const out = logText(text);
    // eslint-disable-next-line no-control-regex -- the controls are what the test looks for
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(out).not.toMatch(/section_(start|end):|##\[/);
  });

  it('keeps what a reader needs: text, line breaks, visible names for controls', () => {
    expect(logText('progress 10%\rprogress 100%')).toBe('progress 10%\nprogress 100%');
    expect(logText('a\u0007b\u0085c')).toBe('a\\x07b\\x85c');
    expect(logText('\u001b[31mred\u001b[0m text')).toBe('red text');
    expect(logText('##[group]x')).toBe('##\u2060[group]x');
    expect(logText('tab\tkept')).toBe('tab\tkept');
  });
});

describe('--json output through the log filter', () => {
  // Property: any value's JSON, passed through logText as every CLI line is, still parses to the
  // same value — the controls JSON.stringify leaves raw (DEL, C1, U+2028/9) would otherwise be shown
  // as `\x7f`, which is no JSON escape. Nearest real-world variant: `hoist audit --json` naming a zip
  // member found by chance inside a JDK's classes.jsa, its name binary bytes read as Latin-1.
  const seed = testSeed(1);
  it(`parses back to the value for random strings of every code point below U+3000 (seed ${seed})`, () => {
    const rand = seeded(seed);
    for (let n = 0; n < 500; n++) {
      const value = Array.from({ length: 40 }, () => String.fromCharCode(rand.int(0x3000))).join('');
      expect(JSON.parse(logText(jsonText({ where: value, list: [value] })))).toEqual({ where: value, list: [value] });
    }
  });

  it('the zip member name of a chance match in classes.jsa', () => {
    const where = 'classes.jsa@9262016!/\u0000\u001e\u007f\u0001Þÿ8A\u0085\u2028';
    expect(logText(jsonText({ where }))).not.toContain('\\x');
    expect(JSON.parse(logText(jsonText({ where })))).toEqual({ where });
  });
});
