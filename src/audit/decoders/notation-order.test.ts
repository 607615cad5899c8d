/**
 * The text notations' canonical order (`text-rewrite.ts` `following`): a copy a notation made is read only by the
 * notations after it in READ_ORDER, and by those BOTH_ORDERS reads after it too, none twice — so
 * each set of notations is applied once, in one order, where every order used to be (19,476 of the 118,939 contents the
 * router made of Debian's man1 pages were the same notations as another content of the page in another order).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, LayerRoutes, type RouteContext } from '../nested.js';
import { bytes, copiesOf, LABELS, WRITERS } from './notation-writers.testing.js';
import { backOf, BOTH_ORDERS, following, READ_ORDER } from './text-rewrite.js';
import { auditFiles, SECRET } from './testing.js';

/** Values a writer escapes differently: beyond ASCII and `@`, plain, and every character the writers escape. */
const VALUES = [
  bytes('tok-é7f3a@9c2e5b1d+/=value-Qm8Zr4Lx2Wp6Ny'),
  bytes('plainTok9f3aC2e5b1dQm8Zr4Lx2Wp6NyKk7Hh3'),
  bytes(`q"uo\\te'd-Zx81kP4mWt9vR2{b}<a>|~_%#$&^7Hh3`),
];
const CASES = VALUES.flatMap((value) =>
  LABELS.flatMap((outer) => ['', ...LABELS].filter((inner) => inner !== outer).map((inner) => ({ value, outer, inner }))),
);
/** The text of a case: the value written by `inner`'s writer, then that written by `outer`'s. */
const textOf = (c: (typeof CASES)[number]) => Buffer.from(WRITERS[c.outer]!(c.inner ? WRITERS[c.inner]!(c.value) : c.value), 'latin1');

/** The chains of the copies holding `value` (bytes), the text's own (no notation) included. */
const finds = (copies: Array<{ chain: string[]; text: Buffer }>, value: string) =>
  copies.filter((c) => c.text.toString('latin1').includes(value)).map((c) => c.chain);
const repeats = (chain: string[]) => new Set(chain).size < chain.length;

describe('the notations read in their canonical order', () => {
  // Property: a value written through any two notations, in either order, is found read in the canonical order
  // (BOTH_ORDERS kept) whenever reading in every order finds it — but where only a notation read twice over finds it
  // (`overstrike → Texinfo → Texinfo`): each notation reads a copy once. Nearest real-world variant: the man1 layer
  // below, and pandoc's man writer of a C literal (roff glyphs, then joined literals).
  it('finds a value written through any two notations in either order as every order did', async () => {
    let found = 0;
    const lost: string[] = [];
    for (const c of CASES) {
      const text = textOf(c);
      const all = finds(await copiesOf(text, 'all', 3), c.value);
      if (!all.length) continue;
      found++;
      const canonical = finds(await copiesOf(text, backOf(BOTH_ORDERS), 3), c.value);
      if (!canonical.length && !all.every(repeats)) lost.push(`${c.outer}(${c.inner}(value))`);
    }
    expect(lost).toEqual([]);
    expect(found).toBeGreaterThan(CASES.length / 2);
  });

  // Property: each pair BOTH_ORDERS keeps is one a case needs — without it a value written through the pair is lost.
  it('keeps both orders only for the pairs a case needs', async () => {
    const texts = CASES.map((c) => ({ c, text: textOf(c) }));
    const needless: string[] = [];
    for (const pair of BOTH_ORDERS) {
      const back = backOf(BOTH_ORDERS.filter((p) => p !== pair));
      let needed = false;
      for (const { c, text } of texts.filter(({ c }) => c.outer === pair[0] || c.inner === pair[0])) {
        if (!finds(await copiesOf(text, backOf(BOTH_ORDERS), 3), c.value).length) continue;
        if (!finds(await copiesOf(text, back, 3), c.value).length) needed = true;
        if (needed) break;
      }
      if (!needed) needless.push(pair.join(' → '));
    }
    expect(needless).toEqual([]);
  });

  it('reads a copy only by the notations after the one that made it, and the pairs kept both ways', () => {
    const all = LABELS.map((label) => ({ label }));
    const labels = (chain: string[]) => following(all, chain).map((n) => n.label);
    expect(labels([])).toEqual(LABELS);
    // The last in the order is followed only by the notations read both ways with it.
    const last = READ_ORDER[READ_ORDER.length - 1]!;
    expect(labels([last])).toEqual(LABELS.filter((l) => BOTH_ORDERS.some(([a, b]) => a === last && b === l)));
    // roff glyphs' copy is read by joined literals (pandoc's `\(dq` quotes around a C literal), not the other way.
    expect(labels(['roff glyphs'])).toContain('joined literals');
    expect(labels(['joined literals'])).not.toContain('roff glyphs');
    expect(labels(['roff glyphs', 'joined literals'])).not.toContain('roff glyphs');
    // Every notation has its place in the order.
    expect([...READ_ORDER].sort()).toEqual([...LABELS].sort());
  });
});

/** Every content the router makes of `files` (its real routing: decoders, runs, copies), by path. */
async function contentsOf(path: string, data: Buffer): Promise<string[]> {
  const paths: string[] = [];
  const cx: RouteContext = {
    limits: DEFAULT_LIMITS,
    open(p, depth, route) {
      paths.push(p);
      const router = route(p, depth);
      return { write: (b) => router.push(b), end: () => router.end() };
    },
    limit: () => undefined,
  };
  const routes = new LayerRoutes(cx);
  const file = routes.file(path);
  await file.push(data);
  await file.end();
  return paths;
}

/** The labels of the notations that made a content, from its path. */
const chainOf = (path: string) => [...path.matchAll(/!\(([^()]*) at \d+\)/g)].map((m) => m[1]!).filter((l) => LABELS.includes(l));

describe('contents of a text with k notations', () => {
  // Property: a text where k notations each have a place (and no pair of them is kept both ways) gives one copy for
  // each non-empty set of them, 2^k - 1, each set's labels in READ_ORDER: every order of each set was
  // routed before (3 + 6 + 6 = 15 copies for k = 3). Nearest real-world variant: the man page below.
  it('makes one copy for each set of notations, in the canonical order', async () => {
    // nroff's bold (overstrike), a roff glyph and a mail's long file name cut into RFC 2231 pieces, around the value.
    const text = Buffer.from(
      `NAME\n    t\bto\bok\bke\ben\bn is \\(lqthe key\\(rq, value ${SECRET} here\n` + WRITERS['RFC 2231 continuations']!('report-2026-Qm8Zr4Lx2Wp6.pdf'),
      'latin1',
    );
    const copies = (await contentsOf('doc.txt', text)).filter((p) => chainOf(p).length);
    const chains = copies.map(chainOf);
    const k = new Set(chains.flat()).size;
    expect(k).toBe(3);
    expect(chains.length).toBe(2 ** k - 1);
    for (const chain of chains) expect(chain).toEqual([...chain].sort((a, b) => READ_ORDER.indexOf(a) - READ_ORDER.indexOf(b)));
    expect(new Set(chains.map((c) => c.join())).size).toBe(chains.length);
  });

  // Nearest real-world variant: a real man page as Debian ships it (gzipped roff, git's git-commit.1: 146 contents
  // before), with a value pandoc's man writer would write in a C example (`\(dq` quotes around literals joined).
  const page = '/usr/share/man/man1/git-commit.1.gz';
  it.skipIf(!existsSync(page))('reads a real man page in the canonical order and still finds a value planted in it', async () => {
    const roff = gunzipSync(readFileSync(page)).toString('latin1');
    const at = roff.indexOf('\n.SH', 200) + 1;
    const [a, b] = [SECRET.slice(0, 15), SECRET.slice(15)].map((s) => s.replaceAll('-', '\\-'));
    const planted = `.nf\n\\f[C]\nconst char *key = \\(dq${a}\\(dq \\(dq${b}\\(dq;\n\\f[R]\n.fi\n`;
    const gz = gzipSync(Buffer.from(roff.slice(0, at) + planted + roff.slice(at), 'latin1'));
    const paths = await contentsOf('usr/share/man/man1/git-commit.1.gz', gz);
    const chains = paths.map(chainOf).filter((c) => c.length);
    // Every copy was made by notations in an order `following` allows: none read twice, each after the one before
    // it in the canonical order or kept both ways.
    for (const chain of chains)
      for (let i = 1; i < chain.length; i++)
        expect(
          following(
            LABELS.map((label) => ({ label })),
            chain.slice(0, i),
          ).map((n) => n.label),
        ).toContain(chain[i]);
    const findings = await auditFiles({ 'usr/share/man/man1/git-commit.1.gz': gz });
    const leaks = findings.filter((f) => f.severity === 'leak').map((f) => f.path);
    expect(leaks.length).toBeGreaterThan(0);
    for (const path of leaks) expect(path).toMatch(/^usr\/share\/man\/man1\/git-commit\.1\.gz!\(roff glyphs at \d+\)!\(joined literals at \d+\)$/);
  });
});
