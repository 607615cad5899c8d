/**
 * gdb's examine lines (`x`) as `runs-bytes.ts`'s ByteLists reads them: `ADDRESS <sym>:⇥UNIT⇥UNIT…`, joined by their
 * addresses there. Units: bytes in hex or decimal, or little-endian hex words of 2, 4 or 8 bytes.
 */
/** What every line of gdb's `x` holds before its first unit: `:`, a tab (then `0x`, a digit or a sign: `gdbTab`). */
const GDB_TAB = Buffer.from(':\t');

/** Whether a stretch holds a gdb `x` line's `:⇥` before a unit (`0x4b`, `97`, `-61`). */
export function gdbTab(stretch: Buffer): boolean {
  for (let i = stretch.indexOf(GDB_TAB); i >= 0; i = stretch.indexOf(GDB_TAB, i + 2)) {
    const c = stretch[i + 2];
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return true;
  }
  return false;
}

/**
 * A line of gdb's `x` (`0x555555558060 <buf>:⇥0x4b⇥0x46⇥…`, tab-separated): its address at a line's start and `:` (no
 * symbol), or `:` at the stretch's start (the address and `<symbol>` before it) — groups 1 and 2; or an address alone at
 * a line's start (group 3), the next line's, before its symbol. Its units: bytes in hex (`x/Nxb`, 8 a line) or decimal
 * (`x/Ndb` signed, `x/Nub`), or hex words (`x/Nxh`, `x/Nxw` — the form `x/16x` gives —, `x/Nxg`: 4, 8 or 16 digits,
 * zero-padded, little-endian on this machine's x86-64 and arm64).
 */
export const GDB_LINE = new RegExp(
  String.raw`(?:^|
)(?:(?:(0x[0-9a-f]{4,16}))?:	(0x[0-9a-f]{2}(?:	0x[0-9a-f]{2}){0,15}|-?\d{1,3}(?:	-?\d{1,3}){0,15}|0x[0-9a-f]{4}(?:	0x[0-9a-f]{4}){0,7}|0x[0-9a-f]{8}(?:	0x[0-9a-f]{8}){0,3}|0x[0-9a-f]{16}(?:	0x[0-9a-f]{16})?)(?=
?
|$)|(0x[0-9a-f]{4,16}) ?$)`,
  'g',
);

/** The bytes of one gdb `x` line's units (a hex word's little-endian), or undefined if a decimal one is no byte. */
export function gdbUnits(units: string): Buffer | undefined {
  const parts = units.split('\t');
  if (parts[0]!.startsWith('0x')) return Buffer.concat(parts.map((u) => Buffer.from(u.slice(2), 'hex').reverse()));
  const out = Buffer.alloc(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const n = Number(parts[i]);
    if (n < -128 || n > 255) return undefined;
    out[i] = n & 0xff;
  }
  return out;
}
