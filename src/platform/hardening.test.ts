// What untrusted text and a shared temp directory must not be able to do to the platforms.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateState } from './private-state.js';

describe('GitLab state between script and after_script', () => {
  it('survives from main to post in a private directory, and main starts afresh', () => {
    const parent = mkdtempSync(join(tmpdir(), 'hoist-st-'));
    const old = privateState(parent, '7', 'main');
    old.set('stale', 'from an earlier job');
    const main = privateState(parent, '7', 'main');
    main.set('workdir', '/tmp/hoist-abc');
    const post = privateState(parent, '7', 'post');
    expect([post.get('workdir'), post.get('stale')]).toEqual(['/tmp/hoist-abc', '']);
  });

  it('never writes through a planted link', () => {
    const parent = mkdtempSync(join(tmpdir(), 'hoist-st-'));
    const dir = join(parent, `hoist-state-${process.getuid!()}`);
    mkdirSync(dir, { mode: 0o700 });
    const target = join(parent, 'victim.txt');
    writeFileSync(target, 'keep');
    symlinkSync(target, join(dir, '8.json'));
    // The main phase removes the link (not what it points at), then writes its own file.
    privateState(parent, '8', 'main').set('workdir', '/x');
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });

  it('refuses a state directory that is a link or open to others', () => {
    const parent = mkdtempSync(join(tmpdir(), 'hoist-st-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'hoist-else-'));
    symlinkSync(elsewhere, join(parent, `hoist-state-${process.getuid!()}`));
    expect(() => privateState(parent, '9', 'main')).toThrow(/is not a private directory of this user/);
    const open = mkdtempSync(join(tmpdir(), 'hoist-st-'));
    mkdirSync(join(open, `hoist-state-${process.getuid!()}`));
    chmodSync(join(open, `hoist-state-${process.getuid!()}`), 0o777);
    expect(() => privateState(open, '9', 'main')).toThrow(/open to others/);
  });
});
