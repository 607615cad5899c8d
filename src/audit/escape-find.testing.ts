/** For the escape families' tests: what the escape scan finds of one value in a text. */
import { compile } from './audit.js';
import { EscapeScan } from './escapes.js';

/** The forms each finding of `value` in `text` was read through (`encoding, escapes`), each once, in the order first found. */
export function findIn(value: string, text: string | Buffer): string[] {
  const { automaton, families, span } = compile([{ name: 'secret', value }]);
  const found = new Set<string>();
  const scan = new EscapeScan(automaton, families, span, (m) => {
    if (m.tag.kind === 'secret') found.add([m.tag.encoding, m.escapes].filter(Boolean).join(', '));
  });
  scan.write(Buffer.from(text));
  return [...found];
}
