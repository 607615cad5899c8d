/**
 * The corpus scripts themselves: every artifact script of every round, read as text (no tool
 * runs). A script whose pipeline ends in a reader that may quit early fails only when its writer is
 * slower — one CI run in several — so it is refused here, on every run, before any is made. The
 * readers are found the way bash reads the script (quotes, here-documents, comments, `$( … )`, `|&`,
 * `>( … )`), each named by the command it runs past `LC_ALL=C`, `timeout 5`, `(` or `{`.
 */
import { describe, expect, it } from 'vitest';
import { corpusScripts, earlyQuitter } from '../support/corpus/artifact.js';
import { valueOf } from '../support/corpus/variant-values.js';

describe('corpus scripts', () => {
  it('no artifact script of any round pipes into a reader that can quit early (grep -q/-m/-l, head, sed q, awk exit, dd count=, read …)', async () => {
    const scripts = await corpusScripts();
    expect(scripts.length).toBeGreaterThan(300);
    expect(scripts.filter((s) => earlyQuitter(s.script)).map((s) => `${s.id}: ${earlyQuitter(s.script)}`)).toEqual([]);
  });

  it.each([
    ['unzip -l app.jar | grep -q META-INF/REL.SF && cp app.jar "$OUT/"', 'grep -q META-INF/REL.SF'],
    ['ar t "$OUT/a.deb" | grep -qx data.tar.zst', 'grep -qx data.tar.zst'],
    ['x="$(sha256sum ../secret | head -c 28)"', 'head -c 28'],
    ['git log --oneline | egrep -m1 init', 'egrep -m1 init'],
    ['dpkg -l | grep --quiet acme', 'grep --quiet acme'],
    ['x=$(\n  unzip -l app.jar |\n    head -c 100\n)', 'head -c 100'],
    // Missed by the stop-46 guard, which cut stages at any | ; & ) and knew only a reader's first word:
    ['sha256sum ../secret | LC_ALL=C head -c 28 > id', 'LC_ALL=C head -c 28 > id'],
    ['unzip -l app.jar | /usr/bin/grep -q META-INF/REL.SF', '/usr/bin/grep -q META-INF/REL.SF'],
    ['git log | timeout 5 grep -m1 init > first', 'timeout 5 grep -m1 init > first'],
    ['unzip -l app.jar |& grep -q META-INF/REL.SF', 'grep -q META-INF/REL.SF'],
    ['x=$(ar t a.deb | { head -c 8; })', '{ head -c 8'],
    ['ar t a.deb | (grep -m1 data > first)', '(grep -m1 data > first)'],
    ["unzip -l app.jar | grep -E '(REL|SIG)\\.SF' -q", "grep -E '(REL|SIG)\\.SF' -q"],
    ['unzip -l app.jar | grep "$(cat name)" -q', 'grep "$(cat name)" -q'],
    ['tar -tzf app.tgz | grep -l package/.env > /dev/null', 'grep -l package/.env > /dev/null'],
    ['seq 1 3000 | sed 5q > top.txt', 'sed 5q > top.txt'],
    ["git log --oneline | awk 'NR == 1 { print; exit }' > first", "awk 'NR == 1 { print; exit }' > first"],
    ['sha256sum ../secret | dd bs=1 count=28 of=id 2> /dev/null', 'dd bs=1 count=28 of=id 2> /dev/null'],
    ['sha256sum ../secret | xxd -l 14 -p > id', 'xxd -l 14 -p > id'],
    ['cat app.bin | od -N 16 > magic', 'od -N 16 > magic'],
    ['git rev-parse HEAD | read -r head', 'read -r head'],
    ['tar -cf - root > >(head -c 512 > header)', 'head -c 512 > header'],
  ])('names the early reader in %s', (script, stage) => {
    expect(earlyQuitter(script)).toBe(stage);
  });

  it.each([
    'unzip -l app.jar | grep META-INF/REL.SF > /dev/null',
    'grep -q token app.env || true',
    'test -s a || grep -q token app.env',
    'sha256sum ../secret | cut -c1-28',
    "git verify-pack -v x.idx | awk '$1==b {f=1} END {exit !f}'",
    "seq 1 300 | sed 's/^/key/' | grep --line-number key > n.txt",
    "seq 1 300 | sed 's/q/Q/;s/$/=value/' > q.txt",
    'git log | while read -r l; do echo "$l"; done > log.txt',
    'gzip -c a | tee >(sha256sum > a.sum) > a.gz',
    'echo $(( 3 | 4 )) > n',
    'x=$(tar -tzf a.tgz 2>&1 | grep -c package) && test "$x" -gt 0',
    // Refused by the stop-46 guard: a pipe inside quotes, a here-document or a comment is not run; head -n -1 reads it all.
    'git log | head -n -1 > all-but-last',
    "printf 'unzip -l app.jar | head -c 3\\n' > check.sh",
    "cat > check.sh <<'EOF'\nunzip -l app.jar | grep -q META-INF\nit's a script the image ships\nEOF\nchmod +x check.sh",
    '# not run: unzip -l app.jar | grep -q META-INF\ncp app.jar "$OUT/"',
  ])('lets a pipeline that reads its whole input pass: %s', (script) => {
    expect(earlyQuitter(script)).toBeUndefined();
  });
});

describe("the rounds' values", () => {
  it("a value the artifact's tool changes is drawn again (icalendar writes a \\N of a text as a line break)", () => {
    // Without `avoid`, about 14 'unicode' values in 1000 hold a \N (a backslash before a drawn letter N).
    const drawn = Array.from({ length: 3000 }, () => valueOf('unicode', /\\N/));
    expect(drawn.filter((v) => v.includes('\\N'))).toEqual([]);
    expect(new Set(drawn).size).toBe(drawn.length);
    expect(Array.from({ length: 3000 }, () => valueOf('unicode')).some((v) => v.includes('\\N'))).toBe(true);
  });

  it('an avoid no draw escapes is an error naming the kind and the pattern, not a loop', () => {
    expect(() => valueOf('long', /\+/)).toThrow(/1000 draws of a 'long' value all match \/\\\+\/; loosen the artifact's avoid/);
  });
});
