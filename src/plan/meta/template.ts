/**
 * The part of Handlebars that docker/metadata-action's tag expressions use: `{{name}}` and
 * `{{name 'FORMAT' tz='Zone'}}`, names looked up in a table of values and helpers; a name that is
 * not there renders empty, as in Handlebars. Blocks (`{{#if}}`) and partials are refused by name.
 * Dates are formatted with Moment's tokens (YYYY, MM, DD, HH, mm, ss, …) in a time zone. Pure.
 */

/** A value, or a helper called with its quoted arguments and `key='value'` options. */
export type TemplateValue = string | number | boolean | readonly unknown[] | ((args: Array<string | undefined>, hash: Record<string, string>) => string);

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const ARG = /'([^']*)'|"([^"]*)"|([A-Za-z_][\w-]*)=(?:'([^']*)'|"([^"]*)"|(\S+))|(\S+)/g;

function call(expr: string, values: Readonly<Record<string, TemplateValue>>): string {
  const [name = '', ...rest] = expr.trim().split(/(?<=^\S+)\s+/);
  if (/^[#/>^!&]|^else$/.test(name))
    throw new TemplateError(`{{${expr.trim()}}}: blocks, partials and comments are not supported (only {{name}} and {{date 'FORMAT'}})`);
  const args: Array<string | undefined> = [];
  const hash: Record<string, string> = {};
  for (const m of (rest[0] ?? '').matchAll(ARG)) {
    if (m[3] !== undefined) hash[m[3]] = m[4] ?? m[5] ?? m[6] ?? '';
    else if (m[7] !== undefined) {
      // An unquoted argument is a name looked up, as in Handlebars ({{date YYYYMMDD}} gets no format, so the default one).
      if (!/^[A-Za-z_][\w.-]*$/.test(m[7])) throw new TemplateError(`{{${expr.trim()}}}: '${m[7]}' is neither a quoted argument nor a name`);
      const v = Object.hasOwn(values, m[7]) ? values[m[7]] : undefined;
      args.push(typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
    } else args.push(m[1] ?? m[2] ?? '');
  }
  const v = Object.hasOwn(values, name) ? values[name] : undefined;
  if (v === undefined) return '';
  if (typeof v === 'function') return v(args, hash);
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Renders `template`; `{{{x}}}` is `{{x}}` (tags are sanitised afterwards, nothing is HTML). */
export function renderTemplate(template: string, values: Readonly<Record<string, TemplateValue>>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) break;
    const triple = template.startsWith('{{{', open);
    const close = template.indexOf(triple ? '}}}' : '}}', open);
    if (close < 0) throw new TemplateError(`'${template}' has a {{ without its }}`);
    out += template.slice(i, open) + call(template.slice(open + (triple ? 3 : 2), close), values);
    i = close + (triple ? 3 : 2);
  }
  return out + template.slice(i);
}

/** True when the whole pattern is `{{raw}}` (metadata-action then keeps a pre-release's raw form). */
export const isRawStatement = (pattern: string) => /^\{\{\s*raw\s*\}\}$/.test(pattern);

const TOKENS = /\[([^\]]*)\]|YYYY|YY|MM?|DD?|HH?|hh?|mm?|ss?|SSS|A|a|ZZ?|X|x/g;

/** A date in Moment's format tokens, in `tz` (an IANA zone, default UTC). */
export function formatDate(date: Date, format: string, tz = 'UTC'): string {
  let parts: Record<string, string>;
  try {
    parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(date)
        .map((p) => [p.type, p.value]),
    );
  } catch {
    throw new TemplateError(`tz='${tz}' is not a time zone (an IANA name such as Europe/Paris)`);
  }
  const [Y, Mo, D, H, Mi, S] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
  const offsetMin = Math.round((Date.UTC(Y!, Mo! - 1, D!, H!, Mi!, S!) - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const zone = (sep: string) => `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}${sep}${pad(Math.abs(offsetMin) % 60)}`;
  const h12 = H! % 12 || 12;
  const table: Record<string, string> = {
    YYYY: String(Y),
    YY: pad(Y! % 100),
    MM: pad(Mo!),
    M: String(Mo),
    DD: pad(D!),
    D: String(D),
    HH: pad(H!),
    H: String(H),
    hh: pad(h12),
    h: String(h12),
    mm: pad(Mi!),
    m: String(Mi),
    ss: pad(S!),
    s: String(S),
    SSS: pad(date.getUTCMilliseconds(), 3),
    A: H! < 12 ? 'AM' : 'PM',
    a: H! < 12 ? 'am' : 'pm',
    Z: zone(':'),
    ZZ: zone(''),
    X: String(Math.floor(date.getTime() / 1000)),
    x: String(date.getTime()),
  };
  return format.replace(TOKENS, (t, literal: string | undefined) => literal ?? table[t] ?? t);
}

/** The `date`/`commit_date` helper of metadata-action: `{{date 'YYYYMMDD' tz='Asia/Tokyo'}}`. */
export function dateHelper(date: Date): TemplateValue {
  return (args, hash) => {
    for (const k of Object.keys(hash)) if (k !== 'tz') throw new TemplateError(`unknown ${k} attribute of a date (only tz)`);
    const tz = hash.tz ?? 'UTC';
    // Moment's default format: ISO 8601, with a literal Z in UTC.
    return formatDate(date, args[0] ?? (tz === 'UTC' ? 'YYYY-MM-DDTHH:mm:ss[Z]' : 'YYYY-MM-DDTHH:mm:ssZ'), tz);
  };
}
