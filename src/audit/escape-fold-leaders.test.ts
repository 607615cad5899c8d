// Property: a passphrase (words and spaces) in a comment block wrapped by the real Python textwrap —
// `# `, `// `, ` * `, `> `, `;; ` before every line, any width — is found, its spaces read where the
// wrapper made them a line break, the indentation and the leader; another passphrase is not; a
// leader-like text that is part of the value (`a # b` folded in YAML) is still found by YAML's
// folding. Nearest real-world variant: a generated Ansible vars file whose header comment names the
// vault passphrase (red team round 11: textwrap.fill with '# ').
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { findIn } from './escape-find.testing.js';
import { python } from './decoders/text-rewrite.testing.js';

const rand = seededPerTest(1114);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const passphrase = () => Array.from({ length: rand.int(8, 20) }, () => rand.chars(ALNUM, rand.int(3, 9))).join(' ');

/** `value` in a comment block wrapped by textwrap at `width`, `leader` before every line. */
const block = (value: string, leader: string, width: number) =>
  python(
    `import textwrap
v, leader, width = values
print(textwrap.fill('Vault passphrase: ' + v + ' (rotate yearly).', width=int(width), initial_indent=leader, subsequent_indent=leader))`,
    [value, leader, String(width)],
  );

describe(`a passphrase wrapped in a comment block (seed ${rand.seed})`, () => {
  it.each(['# ', '// ', ' * ', '> ', ';; ', '#   '])("leader '%s': found at any width, another passphrase not", (leader) => {
    for (let k = 0; k < 6; k++) {
      const value = passphrase();
      const text = block(value, leader, rand.int(30, 80));
      expect(findIn(value, text), text).toContainEqual(expect.stringContaining('wrapped in a comment'));
      expect(findIn(passphrase(), text)).toEqual([]);
    }
  });

  it('a value holding a leader-like # is still found where YAML folds it', () => {
    const value = `${passphrase()} # ${passphrase()}`;
    const cut = value.indexOf(' # ');
    const text = `key: >\n  ${value.slice(0, cut)}\n  # ${value.slice(cut + 3)}\n`;
    expect(findIn(value, text)).toContainEqual(expect.stringContaining('YAML folded'));
  });
});
