// The integration suite runs against the lab (test/lab/lab.sh up). If the lab is not there, the
// suite fails here, loudly: it never passes by skipping.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { labFile } from './lab.js';

export default function setup(): void {
  if (!existsSync(labFile())) {
    throw new Error(`the test lab is not running (${labFile()} is missing): start it with 'bash test/lab/lab.sh up'`);
  }
  try {
    execFileSync('bash', ['test/lab/lab.sh', 'status'], { stdio: 'pipe' });
  } catch (e) {
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    throw new Error(`the test lab is not healthy; 'bash test/lab/lab.sh up' starts what is down:\n${out}`);
  }
}
