// The `hoist` command's own dialect and help, on the shipped dist/cli.js: help per verb with
// examples (`hoist help VERB`, `hoist VERB --help`), "did you mean" for verbs and flags (exit 2),
// -v, --quiet, NO_COLOR on a real terminal, aligned flag columns, and messages that name flags and
// variables rather than the Action's inputs. Nearest real-world variants: a developer's first
// `hoist help build`, a typo in a Jenkinsfile, a CI log viewer without colour support.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hoist, lab, ROOT, uniqueRepo } from './lab.js';

const cwd = tmpdir();
const VERBS = ['build', 'promote', 'merge', 'stale', 'push', 'tags', 'audit', 'inspect', 'completion'];

describe('help', () => {
  it.each(VERBS)('hoist help %s and hoist VERB --help: the same page, its flags and examples, exit 0', async (verb) => {
    const a = await hoist(['help', verb], { cwd });
    const b = await hoist([verb, '--help'], { cwd });
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout).toBe(b.stdout);
    const examples = a.stdout.split('\nExamples:\n')[1] ?? '';
    expect(examples).toMatch(new RegExp(`^ {2}(\\S+=\\S+ )?hoist ${verb} `, 'm'));
    expect(a.stdout).not.toContain('Commands:'); // not the top-level page
  });

  it('the top page and the usage error list every command; -v the version; the exit-code table is on it', async () => {
    const top = await hoist(['--help'], { cwd });
    for (const v of VERBS) expect(top.stdout).toMatch(new RegExp(`^  ${v} +\\S`, 'm'));
    expect(top.stdout).toMatch(/^ {2}3 +could not check or could not finish/m);
    const v = await hoist(['-v'], { cwd });
    expect([v.code, v.stdout]).toEqual([0, expect.stringMatching(/^hoist \d+\.\d+\.\d+\n$/)]);
    const dash = await hoist(['--bogus'], { cwd });
    expect(dash.code).toBe(2);
    for (const verb of VERBS) expect(dash.stderr).toContain(verb);
  });

  it('every flag of build --help has its text in its own column (two spaces at least, or on the next line)', async () => {
    const page = (await hoist(['build', '--help'], { cwd })).stdout.split('\n');
    const flagLines = page.filter((l) => /^ {2}--\S/.test(l));
    expect(flagLines.length).toBeGreaterThan(40);
    // Each flag line either has its text after two spaces at least, or has none and the next line holds it.
    const misplaced = page.flatMap((line, i) => {
      const flag = /^ {2}--[a-z0-9-]+ (?:VALUE|PATH|\[true\|false\])( *)(.*)$/.exec(line);
      if (!flag) return [];
      const ok = flag[2] ? flag[1]!.length >= 2 : /^ {36}\S/.test(page[i + 1] ?? '');
      return ok ? [] : [line];
    });
    expect(misplaced).toEqual([]);
  });
});

describe('did you mean, exit 2, nothing ran', () => {
  it.each([
    [['biuld', '--images', 'x'], /unknown command 'biuld': did you mean build\?/],
    [['help', 'promot'], /unknown command 'promot': did you mean promote\?/],
    [['build', '--imagez', 'x'], /--imagez: no such flag: did you mean --images\?/],
    [['tags', 'list', 'r/a', '--digset'], /--digset: no such flag: did you mean --digest\?/],
    [['audit', 'r/a:1', '--audit-value-file', 'f'], /--audit-value-file: no such flag: did you mean --audit-values-file\?/],
    [['stale', '--hierachy', 'h.yml'], /--hierachy: no such flag: did you mean --hierarchy\?/],
  ])('%j', async (args, message) => {
    const r = await hoist(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('the CLI speaks its own dialect, quietly when asked, in colour only when wanted', () => {
  it('a registry asking for a login names HOIST_REGISTRY_AUTH and --registry-auth-file, not registry-auth; --quiet keeps only the error', async () => {
    const { tls } = lab().registries; // basic auth: no credentials given
    const repo = `${tls.host}/${uniqueRepo('help/login')}`;
    const args = ['tags', 'list', repo, '--registry-ca', `${tls.host}=${tls.ca}`, '--retries', '0'];
    const r = await hoist(args, { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the registry requires a login: add it to HOIST_REGISTRY_AUTH or --registry-auth-file (REGISTRY=USERNAME:PASSWORD)');
    expect(r.stderr).not.toMatch(/\bto registry-auth\b|set [a-z-]+: /);
    const q = await hoist([...args, '--quiet'], { cwd });
    expect(q.code).toBe(3);
    expect(
      q.stderr
        .split('\n')
        .filter(Boolean)
        .every((l) => /^(error|warning):/.test(l)),
    ).toBe(true);
    // A run that logs: stale's per-image lines go with --quiet (-q anywhere on the line), the result stays.
    const image = `${lab().registries.plain.host}/lab/busybox:1.36`;
    const loud = await hoist(['stale', '--images', image, '--insecure-registries', lab().registries.plain.host], { cwd });
    expect([loud.code, loud.stderr]).toEqual([0, expect.stringMatching(/^ok {2}.*busybox:1\.36: /m)]);
    const quiet = await hoist(['stale', '-q', '--images', image, '--insecure-registries', lab().registries.plain.host], { cwd });
    expect([quiet.code, quiet.stderr, quiet.stdout]).toEqual([0, '', '']);
  });

  it('on a terminal, errors are red unless NO_COLOR is set', async () => {
    const cmd = `"${process.execPath}" "${join(ROOT, 'dist/cli.js')}" tags list 127.0.0.1:1/a/b --insecure-registries 127.0.0.1:1 --retries 0`;
    const tty = (env: Record<string, string>) =>
      promisify(execFile)('script', ['-qec', cmd, '/dev/null'], { cwd, env: { ...process.env, TERM: 'xterm', ...env } }).catch(
        (e: { stdout: string; code: number }) => ({ stdout: e.stdout, code: e.code }),
      );
    const coloured = await tty({});
    expect(coloured.stdout).toContain('\u001b[31merror:');
    const plain = await tty({ NO_COLOR: '1' });
    expect(plain.stdout).toMatch(/^error: /m);
    expect(plain.stdout).not.toContain('\u001b[');
  });
});

describe('hoist completion', () => {
  const complete = async (words: string[]) => {
    const script = join(cwd, `hoist-completion-${process.pid}.bash`);
    await writeFile(script, (await hoist(['completion', 'bash'], { cwd })).stdout);
    const line = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _hoist; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return (await promisify(execFile)('bash', ['-c', line])).stdout.split('\n').filter(Boolean);
  };

  it("bash: verbs, each verb's flags, tags' subcommands, from the same table as the help", async () => {
    expect(await complete(['hoist', 'pr'])).toEqual(['promote']);
    expect(await complete(['hoist', 'build', '--ima'])).toEqual(['--images']);
    expect(await complete(['hoist', 'build', '--mou'])).toEqual([]); // RUN --mount in a description is no flag
    expect(await complete(['hoist', 'tags', 'pr'])).toEqual(['prune']);
    expect(await complete(['hoist', 'inspect', '--r'])).toEqual(expect.arrayContaining(['--raw', '--retries', '--registry-ca']));
    expect(await complete(['hoist', 'audit', '--ra'])).toEqual([]); // inspect's flag, not audit's
  });

  it.each(['build', 'promote', 'merge', 'stale', 'push'])('every flag it completes for %s is one %s takes', async (verb) => {
    const script = (await hoist(['completion', 'bash'], { cwd })).stdout;
    const flags = new RegExp(`^ {4}${verb}\\) words="([^"]*)"`, 'm').exec(script)![1]!.split(' ');
    expect(flags.length).toBeGreaterThan(5);
    // Every flag given a value, then --help: the page prints only if parsing accepted every flag.
    const r = await hoist([verb, ...flags.filter((f) => f !== '--help' && f !== '--json').flatMap((f) => [f, 'x']), '--help'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('zsh (through bashcompinit) and fish scripts carry the same table; an unknown shell is exit 2', async () => {
    const zsh = (await hoist(['completion', 'zsh'], { cwd })).stdout;
    expect(zsh).toMatch(/^autoload -U \+X bashcompinit && bashcompinit$/m);
    expect(zsh).toContain('complete -F _hoist hoist');
    const fish = (await hoist(['completion', 'fish'], { cwd })).stdout;
    expect(fish).toContain("complete -c hoist -n '__fish_seen_subcommand_from build' -l images");
    expect(fish).toContain("complete -c hoist -n '__fish_seen_subcommand_from tags' -a 'list delete prune'");
    const bad = await hoist(['completion', 'powershell'], { cwd });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('completion takes one shell: bash, zsh, fish')]);
  });
});
