/** The outputs, for a person: one line each, lists indented under their name. */
export function humanSummary(outputs: ReadonlyMap<string, string>): string {
  const shown = ['digest', 'version', 'tags', 'signatures', 'bytes-sent', 'imageid'].filter((k) => outputs.get(k));
  return shown
    .map(
      (k) =>
        `${k.padEnd(11)}${outputs
          .get(k)!
          .split('\n')
          .join(`\n${' '.repeat(11)}`)}`,
    )
    .join('\n');
}
