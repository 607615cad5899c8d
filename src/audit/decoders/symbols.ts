/**
 * C++ symbols as the Itanium ABI mangles them (`_ZN13MacroAssembler4movqEP8Register`), which fill
 * the symbol tables of every C++ binary (`.dynstr`, `.strtab`) and of the libraries built from it.
 * Each is a run of base64url characters of 40 and more, so the encoded-run scan would decode it —
 * in binary content at all four alignments — and route what it gives as content of its own: the
 * JDK's libjvm.so holds 29,071 such runs, 28,587 of them mangled names, and its audit spent the
 * 20 s per-file bound on them (42% in GC) and was named as not fully audited. A mangled name is
 * told by its grammar: length-prefixed names (`<n><n identifier characters>`) between the ABI's
 * letters, the names written in words. A base64url run of random bytes starts with `_Z` about one
 * time in 4,096, and then almost never parses so (the property test counts it).
 */

/**
 * Whether a run's head is written in words: qualified names and paths (`java/util/concurrent/
 * ConcurrentHashMap`, a class file's constant pool, `/src/hotspot/share/runtime/…` in a binary's
 * strings). Seven in ten of its characters stand in lower-case runs of three and more: 99.5% of the
 * class and resource names of the machine's jars do; base64 of random bytes or of printable text
 * never did in 200,000 tries of each, but base64 of lower-case words (richest in lower case) does
 * about once in 150,000 (4 in 600,000 seeded tries). Harmless for the audit: a run not accepted is
 * still routed when it decodes to text (runs-scan.ts), as symbols.test checks.
 */
export function isWords(head: string): boolean {
  let inWords = 0;
  let lowers = 0;
  for (let i = 0; i <= head.length; i++) {
    if (i < head.length && isLower(head.charCodeAt(i))) lowers++;
    else {
      // snake_case, kebab-case, a path: `_`, `-` or `/` beside a lower-case letter separates words, in words too.
      if (i < head.length && SEPARATOR.has(head.charCodeAt(i)) && (isLower(head.charCodeAt(i - 1)) || isLower(head.charCodeAt(i + 1)))) inWords++;
      if (lowers >= 3) inWords += lowers;
      lowers = 0;
    }
  }
  return inWords * 10 >= head.length * 7;
}

/** `_`, `-` and `/`: the separators of snake_case and kebab-case names and of paths. */
const SEPARATOR: ReadonlySet<number> = new Set([0x5f, 0x2d, 0x2f]);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isIdentifier = (c: number) => isDigit(c) || isLower(c) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;

/**
 * Whether a run whose first characters are `head` is a mangled C++ symbol: `_Z` (or macOS's `__Z`),
 * then, up to the head's end, only the ABI's letters, substitutions (`S3_`, `T0_`) and
 * length-prefixed names; two names covering a third of the head or one covering most of it, one
 * of them holding a word (four lower-case letters in a row) — random characters make short names of
 * mixed case.
 */
export function isMangledSymbol(head: string): boolean {
  const start = head.startsWith('_Z') ? 2 : head.startsWith('__Z') ? 3 : 0;
  if (!start) return false;
  let names = 0;
  let covered = 0;
  let word = false;
  let i = start;
  while (i < head.length) {
    const c = head.charCodeAt(i);
    if (c === 0x53 || c === 0x54) {
      // A substitution or template parameter: S_, S3_, SA_, T_, T0_ (and St, Sa, Ss…: one letter more).
      i++;
      while (i < head.length && (isDigit(head.charCodeAt(i)) || (head.charCodeAt(i) >= 0x41 && head.charCodeAt(i) <= 0x5a))) i++;
      if (head.charCodeAt(i) === 0x5f) i++;
      continue;
    }
    if ((c === 0x43 || c === 0x44) && isDigit(head.charCodeAt(i + 1))) {
      i += 2; // a constructor or destructor: C1, C2, D0, D1, D2
      continue;
    }
    if (c === 0x4c && isLower(head.charCodeAt(i + 1)) && /^n?\d+E/.test(head.slice(i + 2, i + 24))) {
      i = head.indexOf('E', i + 2) + 1; // a literal of a builtin type: Lb0E, Li1E, Lin1E
      continue;
    }
    if (c >= 0x31 && c <= 0x39) {
      let n = 0;
      let j = i;
      while (j < head.length && j - i < 4 && isDigit(head.charCodeAt(j))) n = n * 10 + head.charCodeAt(j++) - 0x30;
      if (j === head.length) break; // the length at the head's very end
      const first = head.charCodeAt(j);
      if (isDigit(first) || !isIdentifier(first)) return false;
      const end = Math.min(j + n, head.length);
      let lowers = 0;
      for (let k = j; k < end; k++) {
        const d = head.charCodeAt(k);
        if (!isIdentifier(d)) return false;
        lowers = isLower(d) ? lowers + 1 : 0;
        if (lowers >= 4) word = true;
      }
      names++;
      covered += end - i;
      i = end;
      continue;
    }
    // The ABI's one-letter codes (N…E nesting, K const, P pointer, R reference, builtin types v i c b…), `_` of a
    // substitution or discriminator; a character of no name or code (base64url's `-`, a `0` that begins no length) ends it.
    if (isIdentifier(c) && !isDigit(c)) i++;
    else return false;
  }
  // Two names over a third of it (std:: abbreviations and one-letter codes take the rest), or one name over most of it (`_ZL35pipeline_class_…`).
  return word && ((names >= 2 && covered * 3 >= head.length - start) || (names === 1 && covered * 5 >= (head.length - start) * 4));
}
