/**
 * `.dockerignore` as BuildKit reads it (moby/patternmatcher): one pattern a line, `#` comments,
 * `!` re-includes, paths cleaned and relative to the context (a leading `/` dropped), `*` and `?`
 * within one path element, `[...]` classes, `**` any number of elements; the last matching pattern
 * decides, and a pattern that matches a directory excludes what is under it. Pure.
 */

interface Pattern {
  exclusion: boolean;
  re: RegExp;
}

function clean(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function toRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` matches zero or more directories; `**` at the end anything.
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body}]`; // `[^…]` negates, as in Go's filepath.Match
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export class DockerIgnore {
  readonly #patterns: Pattern[];

  constructor(text: string) {
    this.#patterns = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const exclusion = l.startsWith('!');
        const body = clean(exclusion ? l.slice(1).trim() : l);
        return { exclusion, re: toRegExp(body) };
      })
      .filter((p) => p.re.source !== '^$');
  }

  /** Whether `path` (relative, `/`-separated) is left out: the last pattern matching it or one of its parents decides. */
  ignored(path: string): boolean {
    const parents: string[] = [];
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) parents.push(parts.slice(0, i).join('/'));
    let out = false;
    for (const p of this.#patterns) {
      const hit = p.exclusion ? p.re.test(path) : parents.some((x) => p.re.test(x));
      if (hit) out = !p.exclusion;
    }
    return out;
  }

  /** A directory can be skipped whole: it is left out and no `!` pattern could bring anything under it back. */
  skipsDirectory(path: string): boolean {
    return this.ignored(path) && !this.#patterns.some((p) => p.exclusion);
  }
}
