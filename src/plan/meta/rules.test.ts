/**
 * docker/metadata-action's tag.test.ts and flavor.test.ts tables (ported as data by
 * scripts/port-anchor-tables.mjs): each rule line parses to the same type and attributes —
 * defaults (pr- and sha- prefixes, nightly, short sha, priorities) included — or is refused as
 * it refuses it, and rules sort by priority as its Transform does. Property: a metadata-action
 * `tags:`/`flavor:` input is read as metadata-action reads it. Nearest real workflow: the tags
 * block of metadata-action's README, pasted into Hoist's step. Also: the template subset the
 * rules use (helpers with quoted and unquoted arguments, Moment tokens in a time zone).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TagError } from '../../core/errors.js';
import { parseFlavor, parseTagRule, parseTagRules } from '../../inputs/tag-rules.js';
import { dateHelper, formatDate, renderTemplate } from './template.js';
import { parsePep440 } from './pep440.js';

interface Rows<I, E> {
  group: string;
  input: I;
  expected: E;
  invalid: boolean;
}
const table = JSON.parse(readFileSync(new URL('../../../test/fixtures/anchors/metadata-action-rules.json', import.meta.url), 'utf8')) as {
  tag: Array<Rows<string | string[], unknown>>;
  flavor: Array<Rows<string[], unknown>>;
};
const strip = (r: { type: string; attrs: Record<string, string> }) => ({ type: r.type, attrs: r.attrs });

const parses = table.tag.filter((r) => r.group === 'parse');
const sorts = table.tag.filter((r) => r.group === 'transform');

describe("metadata-action's tag.test.ts rows", () => {
  it.each(parses.filter((r) => !r.invalid).map((r) => [r.input as string, r.expected] as const))('%s', (line, expected) => {
    expect(strip(parseTagRule(line))).toEqual(expected);
  });
  it.each(parses.filter((r) => r.invalid).map((r) => r.input as string))('refuses %s', (line) => {
    expect(() => parseTagRule(line)).toThrow(TagError);
  });
  it.each(sorts.filter((r) => !r.invalid).map((r) => [(r.input as string[]).join(' | '), r] as const))('sorts %s by priority', (_n, row) => {
    expect(parseTagRules(row.input as string[]).map(strip)).toEqual(row.expected);
  });
  it.each(sorts.filter((r) => r.invalid).map((r) => (r.input as string[]).join(' | ')))('refuses the rules %s', (lines) => {
    expect(() => parseTagRules(lines.split(' | '))).toThrow(TagError);
  });
});

describe("metadata-action's flavor.test.ts rows", () => {
  it.each(table.flavor.filter((r) => !r.invalid).map((r) => [r.input.join(' | '), r.expected] as const))('%s', (lines, expected) => {
    expect(parseFlavor(lines.split(' | '))).toEqual(expected);
  });
  it.each(table.flavor.filter((r) => r.invalid).map((r) => r.input.join(' | ')))('refuses %s', (lines) => {
    expect(() => parseFlavor(lines.split(' | '))).toThrow(TagError);
  });
});

describe('the template subset', () => {
  const at = new Date('2020-01-10T00:30:00.000Z');
  it.each([
    ["{{date 'YYYYMMDD'}}", '20200110'],
    ["{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}", '20200110-093000'],
    ['{{date \'YYYY-MM-DD[T]HH:mm\' tz="America/New_York"}}', '2020-01-09T19:30'],
    ['{{date YYYYMMDD}}', '2020-01-10T00:30:00Z'], // an unquoted argument is a name: unset, so Moment's default format
    ['{{ branch }}-{{sha}}', 'main-abc1234'],
    ['{{{branch}}}', 'main'],
    ['{{unknown}}x', 'x'],
  ])('%s → %s', (template, out) => {
    expect(renderTemplate(template, { branch: 'main', sha: 'abc1234', date: dateHelper(at) })).toBe(out);
  });
  it.each(['{{#if branch}}x{{/if}}', '{{> partial}}', '{{branch', "{{date 'X' zone='UTC'}}"])('refuses %s by name', (template) => {
    expect(() => renderTemplate(template, { branch: 'main', date: dateHelper(at) })).toThrow(/not supported|without its|unknown zone attribute/);
  });
  it('formats offsets and refuses an unknown zone', () => {
    expect(formatDate(at, 'Z ZZ', 'Asia/Kolkata')).toBe('+05:30 +0530');
    expect(() => formatDate(at, 'YYYY', 'Mars/Olympus')).toThrow(/not a time zone/);
  });
});

describe('PEP 440, as metadata-action reads it', () => {
  it.each([
    ['1.2.3rc2', { clean: '1.2.3rc2', isPrerelease: true }],
    ['v1.2.3-RC.2', { clean: '1.2.3rc2', isPrerelease: true }],
    ['1.0dev4', { clean: '1.0.dev4', isDevrelease: true, isPrerelease: true }],
    ['1.2post1', { clean: '1.2.post1', isPostrelease: true }],
    ['1.1beta2', { clean: '1.1b2' }],
    ['1!2.0', { clean: '1!2.0', major: 2, minor: 0, patch: 0 }],
    ['1.2', { clean: '1.2', major: 1, minor: 2, patch: 0, isPrerelease: false }],
  ])('%s', (raw, expected) => expect(parsePep440(raw)).toMatchObject(expected));
  it.each(['1.2.3-beta+x+y', 'release1', '20200110-RC2x'])('%s is not PEP 440', (raw) => expect(parsePep440(raw)).toBeUndefined());
});
