/**
 * @docker/actions-toolkit's getInputList cases (its __tests__/util.test.ts, ported as data by
 * scripts/port-anchor-tables.mjs): the same raw input with the same options gives the same entries.
 * Property: a list input reads as build-push-action reads it — one entry per CSV record where it
 * ignores commas (cache-to: type=gha,mode=max stays one entry), quoted entries spanning lines,
 * "" a quote, untrimmed secrets keeping their newlines. Nearest real workflow: the multi-line
 * secrets and cache-from blocks of build-push-action's README.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inputScope, inputList, parsePairs, readInputList, type ListOptions } from './read.js';
import { seeded, testSeed } from '../../test/support/random.js';

interface Case {
  name: string;
  input: string;
  opts: { ignoreComma?: boolean; comment?: string; commentNoInfix?: boolean; quote?: string | boolean; trimWhitespace?: boolean };
  expected: string[];
}
const table = JSON.parse(readFileSync(new URL('../../test/fixtures/anchors/actions-toolkit-lists.json', import.meta.url), 'utf8')) as {
  source: string;
  cases: Case[];
};

/** actions-toolkit's options in Hoist's words. */
const optionsOf = (o: Case['opts']): ListOptions => ({
  ...(o.ignoreComma ? { ignoreComma: true } : {}),
  ...(o.comment ? { comment: true, commentInfix: !o.commentNoInfix } : {}),
  ...(o.quote === false ? { quote: false } : {}),
  ...(o.trimWhitespace === false ? { trim: false } : {}),
});

describe(`getInputList cases (${table.source})`, () => {
  it('has every case it was ported with', () => expect(table.cases.length).toBe(22));
  it.each(table.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(readInputList(c.input, optionsOf(c.opts))).toEqual(c.expected);
  });
});

describe('list inputs as Hoist reads them', () => {
  const scopeOf = (inputs: Record<string, string>) => inputScope((n) => inputs[n] ?? '', '/ws', {});
  it('keeps type=gha,mode=max one cache entry, and a quoted multi-line build-arg one value', () => {
    const s = scopeOf({ 'cache-to': 'type=gha,mode=max\ntype=registry,ref=ghcr.io/a/b:cache,mode=max', 'build-args': 'A=1,2\n"ML=a\nb"\n# note\nFOO=bar#baz' });
    expect(inputList(s, 'cache-to', { ignoreComma: true, comment: true })).toEqual(['type=gha,mode=max', 'type=registry,ref=ghcr.io/a/b:cache,mode=max']);
    expect(parsePairs(s, 'build-args', /^\w+$/, 'NAME')).toEqual([
      ['A', '1,2'],
      ['ML', 'a\nb'],
      ['FOO', 'bar#baz'],
    ]);
    expect(s.issues).toEqual([]);
  });
  it('splits secret-envs on commas, as build-push-action does', () => {
    const s = scopeOf({ 'secret-envs': 'a=A_ENV,b=B_ENV\nc=C_ENV' });
    expect(parsePairs(s, 'secret-envs', /^\w+$/, 'ID', true)).toEqual([
      ['a', 'A_ENV'],
      ['b', 'B_ENV'],
      ['c', 'C_ENV'],
    ]);
  });
  it('says an unclosed quote once, by input, without the value', () => {
    const s = scopeOf({ 'build-args': 'TOKEN="s3cr3t-value\nB=2' });
    expect(parsePairs(s, 'build-args', /^\w+$/, 'NAME')).toEqual([
      ['TOKEN', '"s3cr3t-value'],
      ['B', '2'],
    ]);
    const t = scopeOf({ 'build-args': '"TOKEN=s3cr3t-value\nB=2' });
    expect(parsePairs(t, 'build-args', /^\w+$/, 'NAME')).toEqual([]);
    expect(t.issues).toEqual([{ input: 'build-args', message: expect.stringMatching(/^cannot be read \(CSV_QUOTE_NOT_CLOSED.*double quotes/) }]);
    expect(JSON.stringify(t.issues)).not.toContain('s3cr3t');
  });
});

/**
 * Generated entries (a seeded generator: commas, quotes, `#`, `=`, spaces, newlines, CRLF), written
 * as a workflow author writes them for build-push-action — an entry holding a newline, a comma or
 * starting with a quote in double quotes, quotes doubled — read back entry for entry. Property:
 * what one entry says stays one entry, whatever it holds.
 */
/** One sequence for the 200 cases (replay the whole describe): a fixed seed, HOIST_TEST_SEED by hand. */
const SEED = testSeed(0x5eed);

describe(`generated list inputs round-trip (seed ${SEED})`, () => {
  const { int: rand } = seeded(SEED);
  const ALPHABET = ['a', 'Z', '0', '=', ',', '"', '#', ' ', '\n', '-', '/', ':', 'é', '\r\n'];
  const entry = () => {
    let s = `K${rand(100)}=`;
    for (let i = rand(12); i > 0; i--) s += ALPHABET[rand(ALPHABET.length)];
    return s.replace(/[\s]+$/, 'x'); // trailing whitespace of an entry is trimmed, as by build-push-action
  };
  const written = (e: string) => (/[\n",]|^\s/.test(e) ? `"${e.replaceAll('"', '""')}"` : e);
  it.each(Array.from({ length: 200 }, (_, i) => i))('case %i', () => {
    const entries = Array.from({ length: 1 + rand(5) }, entry);
    const raw = entries.map(written).join(rand(2) ? '\n' : '\r\n');
    expect(readInputList(raw, { ignoreComma: true }).map((e) => e.replaceAll('\r\n', '\n'))).toEqual(entries.map((e) => e.replaceAll('\r\n', '\n').trim()));
  });
});
