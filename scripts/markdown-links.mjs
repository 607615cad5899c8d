// Relative links in Markdown that lead nowhere: a file that is not in the project, or a #anchor no
// heading of the target makes (anchors as GitHub makes them: lower case, punctuation dropped,
// spaces to -, a repeated heading numbered -1, -2). Links in code spans and fenced code are not
// links; http(s) and mailto links are not checked.
//   node scripts/markdown-links.mjs FILE...   (exit 1 on a dead link)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The text outside fenced code blocks and code spans, line for line. */
function prose(text) {
  let fence;
  return text.split('\n').map((line) => {
    const open = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (open && open[1][0] === fence[0]) fence = undefined;
      return '';
    }
    if (open) {
      fence = open[1];
      return '';
    }
    return line.replace(/(`+)[\s\S]*?\1/g, '');
  });
}

/** The anchors GitHub gives a Markdown text's headings. */
export function anchors(text) {
  const seen = new Map();
  const out = new Set();
  let fence;
  for (const line of text.split('\n')) {
    const open = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (open && open[1][0] === fence[0]) fence = undefined;
      continue;
    }
    if (open) fence = open[1];
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m || fence) continue;
    const slug = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** Every dead relative link of the Markdown file at `path`, as `line N: target (why)`. */
export function deadLinks(path) {
  const text = readFileSync(path, 'utf8');
  const problems = [];
  prose(text).forEach((line, i) => {
    for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split('#');
      const full = file ? resolve(dirname(path), file) : path;
      if (!existsSync(full)) {
        problems.push(`line ${i + 1}: ${target} (no such file)`);
        continue;
      }
      if (anchor && full.endsWith('.md') && statSync(full).isFile() && !anchors(readFileSync(full, 'utf8')).has(anchor)) {
        problems.push(`line ${i + 1}: ${target} (no heading makes #${anchor})`);
      }
    }
  });
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let bad = 0;
  for (const file of process.argv.slice(2)) {
    for (const p of deadLinks(join(process.cwd(), file))) {
      console.error(`${file}: ${p}`);
      bad++;
    }
  }
  process.exit(bad ? 1 : 0);
}
