// Property: of the places one value was found at, the most precise is kept — a member over its
// archive, a decoded run over the encoded text — but a text reader's copy (`!(<label> at N)`) that
// holds the value just as the text around it did (the same finding) is no more precise than the text.
// Nearest real-world variant: lzop/compress units whose `.env` has a `# …` comment wrapped into the
// next line (the wrapped-text reader routed a copy, and the finding moved into it).
import { describe, expect, it } from 'vitest';
import { mostPrecise, type Finding } from './audit.js';

const leak = (where: string, what = 'token'): Finding => ({ severity: 'leak', what, fingerprint: 'fp', where });
const kept = (...fs: Finding[]) => mostPrecise(fs).map((f) => f.where);

describe('mostPrecise', () => {
  it.each([
    ['a member over its archive', [leak('app.tar'), leak('app.tar!/etc/.npmrc')], ['app.tar!/etc/.npmrc']],
    ['a decoded stream over its file', [leak('app.env.gz'), leak('app.env.gz!')], ['app.env.gz!']],
    ['a value at an offset over its file', [leak('fw.bin'), leak('fw.bin@4096!/etc/app.conf')], ['fw.bin@4096!/etc/app.conf']],
    ['a decoded run over its encoded text', [leak('release.yaml', 'token, base64'), leak('release.yaml!(base64 at 120)')], ['release.yaml!(base64 at 120)']],
    ['the text over a copy holding the same finding', [leak('app.env'), leak('app.env!(wrapped text at 9272)')], ['app.env']],
    ["a stream's content over a copy of it", [leak('app.env.lzo!'), leak('app.env.lzo!(wrapped text at 10212)')], ['app.env.lzo!']],
    [
      'a member over a copy of it, inside an archive',
      [leak('x.tar'), leak('x.tar!/etc/.env'), leak('x.tar!/etc/.env!(wrapped text at 9)')],
      ['x.tar!/etc/.env'],
    ],
    ['a copy that found what the text did not', [leak('notes.txt!(wrapped text at 40)')], ['notes.txt!(wrapped text at 40)']],
    [
      'a copy with an escape read over a text holding the value escaped otherwise',
      [leak('a.json', 'token, JSON \\u-escaped'), leak('a.json!(wrapped text at 2)')],
      ['a.json!(wrapped text at 2)'],
    ],
    [
      'a run found in a copy as in the text (HOIST_TEST_SEED=1: an ascii85 run read in a joined-literals copy too)',
      [leak('srv/f!(ascii85 at 6)'), leak('srv/f!(joined literals at 0)!(ascii85 at 6)')],
      ['srv/f!(ascii85 at 6)'],
    ],
    ["the same, the copy's offsets its own", [leak('srv/f!(base64 at 1030)'), leak('srv/f!(wrapped text at 1000)!(base64 at 30)')], ['srv/f!(base64 at 1030)']],
    [
      "a decoder's output over its file, the same finding in both (a pickle's strings)",
      [leak('cache.pkl'), leak('cache.pkl!(strings)')],
      ['cache.pkl!(strings)'],
    ],
    [
      'an unfolded manifest over the manifest',
      [leak('a.jar!/META-INF/MANIFEST.MF'), leak('a.jar!/META-INF/MANIFEST.MF!(unfolded)')],
      ['a.jar!/META-INF/MANIFEST.MF!(unfolded)'],
    ],
    ['a decoded run over its text, the same finding in both', [leak('f'), leak('f!(base64 at 3)')], ['f!(base64 at 3)']],
    ['a copy whose run is found nowhere else', [leak('srv/f!(joined literals at 0)!(ascii85 at 6)')], ['srv/f!(joined literals at 0)!(ascii85 at 6)']],
  ])('%s', (_, findings, expected) => {
    expect(kept(...findings)).toEqual(expected);
  });
});
