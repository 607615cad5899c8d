/**
 * The `outputs` input: where the built image is also written (a Docker archive, an OCI layout as a
 * directory or a tar). Only the parsing, apart from `export.ts`, so that reading the inputs does not
 * load the archive writer (tar-stream) a run may never need.
 */
/** One `outputs` entry: `type=docker,dest=img.tar`, `type=oci,dest=dir`, `type=oci,dest=img.tar,tar=true`. */
export interface OutputSpec {
  type: 'docker' | 'oci';
  dest: string;
  tar: boolean;
}

/** The attributes an `outputs` line may have. */
const OUTPUT_KEYS = ['type', 'dest', 'tar'];

/**
 * Parses `outputs` lines; filesystem exporters (`local`, `tar`) and `registry` are refused with the
 * way to get them. `type=docker` without a dest loads the image into the Docker daemon, as buildx
 * does (build-push-action's `outputs: type=docker`): `load` says so.
 */
export function parseOutputs(lines: readonly string[], abs: (p: string) => string): { specs: OutputSpec[]; errors: string[]; load: boolean } {
  const specs: OutputSpec[] = [];
  const errors: string[] = [];
  let load = false;
  for (const line of lines) {
    const fields = Object.fromEntries(
      line.split(',').map((kv) => {
        const eq = kv.indexOf('=');
        return eq < 0 ? [kv.trim(), ''] : [kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()];
      }),
    );
    const type = fields.type ?? '';
    // Any other attribute (compression=zstd, oci-mediatypes, name) would be dropped without a word:
    // the copy is the image as built and audited, whatever the line asks of it.
    const other = Object.keys(fields).filter((k) => !OUTPUT_KEYS.includes(k));
    if (other.length && (type === 'docker' || type === 'oci'))
      errors.push(
        `'${line}': ${other.map((k) => `'${k}'`).join(', ')} is not taken: outputs takes ${OUTPUT_KEYS.join(', ')} (the image is written as it was built and audited)`,
      );
    else if (type === 'registry' || type === 'image') errors.push(`'${line}': pushing is what images and push do; leave it out of outputs`);
    else if (type === 'local' || type === 'tar') errors.push(`'${line}': a filesystem export (type=${type}) is not supported: use type=oci or type=docker`);
    else if (type !== 'docker' && type !== 'oci') errors.push(`'${line}': type must be docker or oci`);
    else if (!fields.dest && type === 'docker') load = true;
    else if (!fields.dest) errors.push(`'${line}': dest= is missing (an OCI layout is written to a directory or a tar)`);
    else
      specs.push({ type, dest: abs(fields.dest), tar: type === 'docker' || (fields.tar !== 'false' && (fields.tar === 'true' || /\.tar$/.test(fields.dest))) });
  }
  return { specs, errors, load };
}
