/**
 * docker/metadata-action's `tags:` rules and `flavor:` lines, read as it reads them: each line is
 * CSV `key=value` attributes (`type=semver,pattern={{major}}.{{minor}}`), a bare field is the
 * value (`type=raw,foo`), a line without `type=` is `raw`; each type's required attributes,
 * defaults (pr- and sha- prefixes, nightly, short sha) and priority; rules sorted by priority,
 * highest first, ties in the order given. Bad rules throw a TagError naming the line. Pure.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { TagError } from '../core/errors.js';

export const RULE_TYPES = ['schedule', 'semver', 'pep440', 'match', 'edge', 'ref', 'raw', 'sha'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** One rule: its type and its attributes, defaults filled in. */
export interface TagRuleSpec {
  type: RuleType;
  attrs: Record<string, string>;
  /** The line as written, for messages. */
  line: string;
}

const PRIORITY: Record<RuleType, string> = { schedule: '1000', semver: '900', pep440: '900', match: '800', edge: '700', ref: '600', raw: '200', sha: '100' };

/** The first CSV record of a line (metadata-action reads one record per line). */
function fieldsOf(line: string, input: string): string[] {
  try {
    return ((parseCsv(line, { relax_column_count: true, skip_empty_lines: true }) as string[][])[0] ?? []).map(String);
  } catch {
    throw new TagError(`'${line}' is not comma-separated key=value attributes (a quote does not close)`, input);
  }
}

/** `key=value`, split at the first `=`; a field without one is `[field]`. */
const splitField = (f: string) => {
  const eq = f.indexOf('=');
  return (eq <= 0 ? [f] : [f.slice(0, eq), f.slice(eq + 1)]).map((x) => x.trim());
};

export function parseTagRule(line: string): TagRuleSpec {
  const attrs: Record<string, string> = {};
  let type: RuleType | undefined;
  for (const field of fieldsOf(line, 'tags')) {
    const [key, value] = splitField(field);
    if (value === undefined) attrs.value = key!;
    else if (key!.toLowerCase() === 'type') {
      if (!(RULE_TYPES as readonly string[]).includes(value))
        throw new TagError(`'${line}': unknown type '${value}' (one of ${RULE_TYPES.join(', ')})`, 'tags');
      type = value as RuleType;
    } else attrs[key!.toLowerCase()] = value;
  }
  type ??= 'raw';
  const need = (attr: string) => {
    if (!Object.hasOwn(attrs, attr)) throw new TagError(`'${line}': type=${type} needs ${attr}=`, 'tags');
  };
  const byDefault = (attr: string, value: string) => {
    if (!Object.hasOwn(attrs, attr)) attrs[attr] = value;
  };
  switch (type) {
    case 'schedule':
      byDefault('pattern', 'nightly');
      break;
    case 'semver':
    case 'pep440':
      need('pattern');
      byDefault('value', '');
      byDefault('match', '');
      break;
    case 'match':
      need('pattern');
      byDefault('group', '0');
      if (!/^\d+$/.test(attrs.group!)) throw new TagError(`'${line}': group=${attrs.group} is not a group number`, 'tags');
      byDefault('value', '');
      break;
    case 'edge':
      byDefault('branch', '');
      break;
    case 'ref':
      need('event');
      if (!['branch', 'tag', 'pr'].includes(attrs.event!)) throw new TagError(`'${line}': event=${attrs.event} is not branch, tag or pr`, 'tags');
      if (attrs.event === 'pr') byDefault('prefix', 'pr-');
      break;
    case 'raw':
      need('value');
      break;
    case 'sha':
      byDefault('prefix', 'sha-');
      byDefault('format', 'short');
      if (!['short', 'long'].includes(attrs.format!)) throw new TagError(`'${line}': format=${attrs.format} is not short or long`, 'tags');
      break;
  }
  byDefault('enable', 'true');
  byDefault('priority', PRIORITY[type]);
  return { type, attrs, line };
}

/** metadata-action's rules when its `tags` input is empty (Hoist's own auto-tags play that part). */
export const DEFAULT_RULES = ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'] as const;

/** The rules of a `tags:` input, highest priority first (a stable sort: ties keep their order). */
export function parseTagRules(lines: readonly string[]): TagRuleSpec[] {
  return lines.map(parseTagRule).sort((a, b) => Number(b.attrs.priority) - Number(a.attrs.priority));
}

/** metadata-action's `flavor:`: latest=auto|true|false, prefix=…[,onlatest=…], suffix=…[,onlatest=…]. */
export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

export function parseFlavor(lines: readonly string[]): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false };
  for (const line of lines) {
    let onlatestFor: 'prefix' | 'suffix' | undefined;
    for (const field of fieldsOf(line, 'flavor')) {
      const parts = field.split('=').map((x) => x.trim());
      if (parts.length === 1) throw new TagError(`'${line}' is not key=value (latest=, prefix=, suffix=, onlatest=)`, 'flavor');
      const [key = '', value = ''] = [parts[0]!.toLowerCase(), parts[1]];
      if (key === 'latest') {
        if (!['auto', 'true', 'false'].includes(value)) throw new TagError(`'${line}': latest=${value} is not auto, true or false`, 'flavor');
        flavor.latest = value as Flavor['latest'];
      } else if (key === 'prefix' || key === 'suffix') {
        flavor[key] = value;
        onlatestFor = key;
      } else if (key === 'onlatest') {
        if (!['true', 'false'].includes(value)) throw new TagError(`'${line}': onlatest=${value} is not true or false`, 'flavor');
        if (onlatestFor) flavor[`${onlatestFor}Latest`] = value === 'true';
      } else throw new TagError(`'${line}': unknown flavor '${key}' (latest, prefix, suffix, onlatest)`, 'flavor');
    }
  }
  return flavor;
}
