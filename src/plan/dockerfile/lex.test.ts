/**
 * BuildKit's shell-lexer test data (frontend/dockerfile/shell: envVarTest, wordsTest and the tables of
 * lex_test.go), run through Hoist's lexer: the same expansion, the same words, the same refusals.
 * Property: every operator BuildKit has expands as BuildKit expands it. Nearest real-world variant: a
 * release file name such as `something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LexError, patternRegex, processWord, processWords, reversePattern } from './lex.js';

/** The result, or 'error' where the lexer refuses (as BuildKit's test files write it). */
const outcome = <T>(f: () => T): T | 'error' => {
  try {
    return f();
  } catch (e) {
    if (e instanceof LexError) return 'error';
    throw e;
  }
};
const root = join(import.meta.dirname, '../../../test/fixtures/buildkit-parser');
/** `EnvsFromSlice`: `k=v`, or `k` alone set to "". */
const envs = (list: string[]) => new Map(list.map((e) => [e.split('=')[0]!, e.includes('=') ? e.slice(e.indexOf('=') + 1) : '']));

describe('envVarTest: ProcessWord of each line (Unix rows)', () => {
  const env = envs(['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL=']);
  const rows = readFileSync(join(root, 'envVarTest'), 'utf8')
    .split('\n')
    .map((l, i) => [l, i + 1] as const)
    .filter(([l]) => !l.startsWith('#') && l.trim())
    .map(
      ([l, n]) =>
        [
          n,
          ...l
            .trim()
            .split('|')
            .map((p) => p.trim()),
        ] as [number, string, string, string],
    )
    .filter(([, platform]) => platform === 'A' || platform === 'U');
  it.each(rows)('line %i (%s): %s → %s', (_n, _p, source, expected) => {
    expect(outcome(() => processWord(source, env).result)).toBe(expected);
  });
});

// BuildKit's TestShellParser4Words loops over two modes but reads the file once: its second mode
// (raw quotes, unset variables kept) sees no line, so only the plain mode is BuildKit's expectation.
describe('wordsTest: ProcessWords of each line', () => {
  const lines = readFileSync(join(root, 'wordsTest'), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  {
    const env: string[] = [];
    const rows: Array<[number, string, string[], Map<string, string>]> = [];
    lines.forEach((line, i) => {
      if (line.startsWith('#')) return;
      if (line.startsWith('ENV ')) return void env.push(line.slice(3).replace(/^ +/, ''));
      const [test, expected] = line.split('|') as [string, string];
      rows.push([i + 1, test.trim(), expected.replace(/^ +/, '').split(','), envs(env)]);
    });
    it.each(rows)('line %i %s', (_n, test, expected, e) => {
      let result: string[];
      try {
        result = processWords(test, e);
      } catch {
        result = ['error'];
      }
      expect(result).toEqual(expected);
    });
  }
});

describe('lex_test.go tables', () => {
  it('convertShellPatternToRegex: escapes and refusals', () => {
    expect(patternRegex('\\*', true, true).test('*')).toBe(true);
    expect(patternRegex('(()[]{\\}^$.\\*\\?|\\\\', true, true).test('(()[]{}^$.*?|\\')).toBe(true);
    for (const bad of ['\\', '\\x', '\\\\\\']) expect(() => patternRegex(bad, true, true)).toThrow(LexError);
  });

  it('reversePattern keeps escapes before what they escape', () => {
    const cases: Record<string, string> = { 'a\\*c': 'c\\*a', '\\\\\\ab': 'b\\a\\\\', 'ab\\': '\\ba', '👽\\🚀🖖': '🖖\\🚀👽', '\\\\b': 'b\\\\' };
    for (const [p, want] of Object.entries(cases)) expect(reversePattern(p)).toBe(want);
  });

  it('mandatory variables: ${VAR:?msg} and ${VAR?msg}', () => {
    const set = envs(['VAR=plain', 'ARG=x']);
    const empty = envs(['VAR=', 'ARG=x']);
    const unset = envs(['ARG=x']);
    expect(processWord('${VAR:?message here$ARG}', set).result).toBe('plain');
    expect(() => processWord('${VAR:?message here$ARG}', empty)).toThrow('message herex');
    expect(() => processWord('${VAR:?message here$ARG}', unset)).toThrow('message herex');
    expect(processWord('${VAR?message here$ARG}', set).result).toBe('plain');
    expect(processWord('${VAR?message here$ARG}', empty).result).toBe('');
    expect(() => processWord('${VAR?message here$ARG}', unset)).toThrow('message herex');
  });

  it('getEnv: "foo" alone is set to "", the last of a name wins', () => {
    expect(processWord('$foo', envs(['foo'])).matched.has('foo')).toBe(true);
    expect(processWord('$car', envs(['foo=bar', 'car=hat', 'car=bike'])).result).toBe('bike');
  });

  // TestProcessWithMatches: input, envs, expected (undefined: refused), matched, unmatched
  const table: Array<[string, Record<string, string>, string | undefined, string[], string[]]> = [
    ['x', { DUMMY: 'dummy' }, 'x', [], []],
    ['x ${UNUSED}', { DUMMY: 'dummy' }, 'x ', [], ['UNUSED']],
    ['x ${FOO}', { FOO: 'y' }, 'x y', ['FOO'], []],
    ['${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx  ccc', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx bbb ccc', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO:-}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO'], []],
    ['${FOO:-}', {}, '', [], ['FOO']],
    ['${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa bbb ', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa  ', ['FOO', 'BAR'], ['BAZ']],
    ['${FOO?aaa}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO'], []],
    ['${BAR?bbb}', { FOO: 'xxx', BAR: '' }, '', ['BAR'], []],
    ['${BAZ?ccc}', { FOO: 'xxx', BAR: '' }, undefined, [], ['BAZ']],
    ['${FOO:?aaa}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO'], []],
    ['${BAR:?bbb}', { FOO: 'xxx', BAR: '' }, undefined, [], []],
    ['${BAZ:?ccc}', { FOO: 'xxx', BAR: '' }, undefined, [], ['BAZ']],
    ['${BAZ:?}', { FOO: 'xxx', BAR: '' }, undefined, [], ['BAZ']],
    ['${FOO=aaa}', { FOO: 'xxx', BAR: '' }, undefined, [], []],
    ['${FOO=:aaa}', { FOO: 'xxx', BAR: '' }, undefined, [], []],
    ['${FOO=}', {}, undefined, [], []],
    ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x', ['FOO'], []],
    ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx', ['FOO'], []],
    ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y', ['FOO'], []],
    ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy', ['FOO', 'BAR'], []],
    ['${FOO#$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['FOO', 'BAR'], []],
    ['${FOO#}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO##*x}', { FOO: 'xxyy' }, 'yy', ['FOO'], []],
    ['${FOO##}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO#?\\?}', { FOO: '???y' }, '?y', ['FOO'], []],
    ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.', ['FOO'], ['ABC']],
    ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a', ['FOO'], []],
    ['${FOO%}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO%%$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['FOO', 'BAR'], []],
    ['${FOO:#}', {}, undefined, [], []],
    ['${FOO:##}', {}, undefined, [], []],
    ['${FOO:%}', {}, undefined, [], []],
    ['${FOO:%%}', {}, undefined, [], []],
    ['${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, '/foo.*/*.txt - /foo..*.txt', ['FOO', 'NEEDLE'], []],
    ['${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, '/tmp/bar.txt - /bar.txt', ['FOO', 'NEEDLE'], []],
    [
      '${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}',
      { FOO: '/a/foo/b/c.txt', NEEDLE: '/?/', REPLACEMENT: '/' },
      '/foo/b/c.txt - /foo/c.txt',
      ['FOO', 'NEEDLE', 'REPLACEMENT'],
      [],
    ],
    [
      '${FOO/$NEEDLE/$REPLACEMENT}',
      { FOO: 'http://google.de', NEEDLE: 'http://', REPLACEMENT: 'https://' },
      'https://google.de',
      ['FOO', 'NEEDLE', 'REPLACEMENT'],
      [],
    ],
    ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt', ['FOO'], []],
    ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy', ['FOO', 'BAR'], []],
    ['${FOO//ww}', { FOO: 'xxyy' }, undefined, [], []],
    ['${FOO//}', { FOO: 'xxyy' }, undefined, [], []],
    ['${FOO///}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
    ['${FOO///}', {}, '', [], ['FOO']],
  ];
  it.each(table)('ProcessWordWithMatches %s', (input, env, expected, matched, unmatched) => {
    const r = outcome(() => processWord(input, new Map(Object.entries(env))));
    const seen = r === 'error' ? 'error' : { result: r.result, matched: [...r.matched].sort(), unmatched: [...r.unmatched].sort() };
    expect(seen).toEqual(expected === undefined ? 'error' : { result: expected, matched: [...matched].sort(), unmatched: [...unmatched].sort() });
  });

  it('the release-file pattern of TestProcessWithMatchesPlatform', () => {
    const release = 'something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz';
    const base = { VERSION: 'v1.2.3', TARGETOS: 'linux' };
    expect(processWord(release, new Map(Object.entries({ ...base, TARGETARCH: 'arm', TARGETVARIANT: 'v7' }))).result).toBe(
      'something-v1.2.3.linux-arm-v7.tar.gz',
    );
    expect(processWord(release, new Map(Object.entries({ ...base, TARGETARCH: 'arm64', TARGETVARIANT: '' }))).result).toBe(
      'something-v1.2.3.linux-arm64.tar.gz',
    );
    expect(processWord(release, new Map(Object.entries({ ...base, TARGETARCH: 'arm64' }))).result).toBe('something-v1.2.3.linux-arm64.tar.gz');
  });
});
