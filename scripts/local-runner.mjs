// Runs dist/index.js the way the GitHub runner does, for the demo: inputs arrive as
// DEMO_INPUT_<NAME_WITH_UNDERSCORES> (bash cannot export INPUT_TAG-LATEST) and become
// INPUT_<NAME-WITH-DASHES> inside this process, so no value passes through argv. With `post`,
// the state the main step saved (GITHUB_STATE file) becomes STATE_* variables first.
//   node scripts/local-runner.mjs main|post
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const phase = process.argv[2];
if (phase !== 'main' && phase !== 'post') throw new Error('usage: local-runner.mjs main|post');
for (const [k, v] of Object.entries(process.env)) {
  if (!k.startsWith('DEMO_INPUT_')) continue;
  process.env[`INPUT_${k.slice('DEMO_INPUT_'.length).replaceAll('_', '-')}`] = v;
  delete process.env[k];
}
if (phase === 'post') {
  const lines = readFileSync(process.env.GITHUB_STATE, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value = [];
    while (++i < lines.length && lines[i] !== m[2]) value.push(lines[i]);
    process.env[`STATE_${m[1]}`] = value.join('\n');
  }
}
await import(fileURLToPath(new URL('../dist/index.js', import.meta.url)));
