// zlib with a preset dictionary against whole real files (zlib-dict.ts), found by the real-filesystem sweep of session
// 53: TypeScript's compiler (as bokeh's wheel ships it, bokeh/server/static/js/compiler.js) names its diagnostics by
// identifiers of base64url's alphabet — `Reusing_resolution_of_module_0_from_1_of_old_program_…` — which the run reader
// decodes; those bytes (45 EB AC 8A …) read as a brotli stored meta-block whose output starts 78 3F AD EB 28 96: a zlib
// header with FDICT and a dictionary id. The sniff turned away decoded runs (`…!(base64 at N)`) but not what a stream
// found in one gave (`…!(base64 at N)!`), so each such identifier was named twice as not fully audited — "a zlib stream
// with a preset dictionary" and "a damaged zlib (preset dictionary) stream": 10 names in that one file, a clean text.
// Property: text made of such identifiers (an excerpt of the real file) gives no finding; a real FDICT stream
// (Python's zlib.compressobj(zdict=…)) as a file is still claimed and named. Nearest real-world variant: any bundle of
// TypeScript's compiler (typescript.js, tsserver.js) in an image's node_modules.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { auditFiles, has, SECRET } from './testing.js';
import { probeZlibDict } from './zlib-dict.js';

/** An excerpt of compiler.js in bokeh 3.9.2's wheel (TypeScript's diagnostic messages), byte for byte. */
const COMPILER_JS =
  'Scoped_package_detected_looking_in_0:A(6182,3,"Scoped_package_detected_looking_in_0_6182","Scoped package detected, looking in \'{0}\'"),' +
  'Reusing_resolution_of_module_0_from_1_of_old_program_it_was_successfully_resolved_to_2:A(6183,3,"Reusing_resolution_of_module_0_from_1_of_old_program_it_was_successfully_resolved_to_2_6183",' +
  "\"Reusing resolution of module '{0}' from '{1}' of old program, it was successfully resolved to '{2}'.\")," +
  'Reusing_resolution_of_module_0_from_1_of_old_program_it_was_not_resolved:A(6389,3,"Reusing_resolution_of_module_0_from_1_of_old_program_it_was_not_resolved_6389",' +
  "\"Reusing resolution of module '{0}' from '{1}' of old program, it was not resolved.\"),";

describe('zlib FDICT: what a stream found in a decoded run gave is not claimed', () => {
  it("TypeScript's diagnostic identifiers (an excerpt of the real compiler.js): no finding", async () => {
    expect(await auditFiles({ 'srv/static/js/compiler.js': COMPILER_JS })).toEqual([]);
  });

  it.runIf(has('python3'))('a real FDICT stream as a file (python3 zlib.compressobj(zdict=…)) is still claimed, named and read', async () => {
    const dict = '{"SERVICE":"BILLING","API_TOKEN":"';
    const script = `import sys, zlib
c = zlib.compressobj(6, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, ${JSON.stringify(dict)}.encode())
sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())`;
    const stream = execFileSync('python3', ['-c', script], { input: `{"SERVICE":"BILLING","API_TOKEN":"${SECRET}"}` });
    expect(probeZlibDict(stream.subarray(0, 512))).toBe(true);
    const found = await auditFiles({ 'var/cache/app/record.z': stream });
    expect(found.filter((f) => f.severity === 'leak')).toEqual([expect.objectContaining({ path: 'var/cache/app/record.z!' })]);
    expect(found.filter((f) => f.severity === 'limit').length).toBeGreaterThan(0);
  });
});
