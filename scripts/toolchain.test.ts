import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

describe('toolchain', () => {
  it('tests run on the Node the project brings (24), the runtime action.yml declares', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    const action = parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string; main: string; post: string } };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
  });
});
