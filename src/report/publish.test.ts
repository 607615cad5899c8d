// The door every pipeline's report leaves by: outputs set once each in the report's order, the
// summary redacted here even on a platform that does not redact itself, and a summary the runner
// cannot take a warning (its message redacted too), never a failed run.
// Nearest real-world variant: GITHUB_STEP_SUMMARY on a full disk (or over the runner's 1 MiB limit)
// after the image was already promoted — the step must still say it succeeded.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingPlatform } from '../../test/support/pipeline.js';
import { Redactor } from '../secrets/redact.js';
import { publish } from './publish.js';

const SECRET = 'pw-5c1e7a0b9d2f';

async function door() {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-publish-'));
  const platform = recordingPlatform({}, { workspace: dir, tempDir: dir });
  const redactor = new Redactor();
  redactor.add(SECRET);
  return { platform, redactor };
}

describe('publish', () => {
  it('sets each output once, in order, and writes the summary with every secret removed', async () => {
    const fx = await door();
    await publish(fx, {
      outputs: [
        ['digest', 'sha256:abc'],
        ['tags', 'r.example/a:1\nr.example/a:latest'],
      ],
      summary: `### done\n\nlogged in with ${SECRET}\n`,
    });
    expect([...fx.platform.outputs]).toEqual([
      ['digest', 'sha256:abc'],
      ['tags', 'r.example/a:1\nr.example/a:latest'],
    ]);
    expect([...fx.platform.outputCounts.values()]).toEqual([1, 1]);
    expect(fx.platform.summaries).toHaveLength(1);
    expect(fx.platform.summaries[0]).not.toContain(SECRET);
    expect(fx.platform.summaries[0]).toMatch(/^### done\n\nlogged in with \S+\n$/);
  });

  it('a summary the runner refuses: a warning naming why, redacted; the outputs are set', async () => {
    const fx = await door();
    fx.platform.summary = async () => {
      throw new Error(`ENOSPC writing /runner/_temp/step_summary (${SECRET})`);
    };
    await publish(fx, { outputs: [['digest', 'sha256:abc']], summary: 'x' });
    expect(fx.platform.outputs.get('digest')).toBe('sha256:abc');
    expect(fx.platform.lines).toHaveLength(1);
    expect(fx.platform.lines[0]!.level).toBe('warning');
    expect(fx.platform.lines[0]!.text).toMatch(/^could not write the job summary: ENOSPC writing \/runner\/_temp\/step_summary \(\S+\)$/);
    expect(fx.platform.log()).not.toContain(SECRET);
  });
});
