/** A command line Hoist cannot run: exit 2, with a one-line message and where that verb's help is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The verb whose help page the message points to. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** parseArgs's error as a one-line usage error naming the flag (`--imagez: no such flag`). */
export function usageFromParseArgs(e: unknown, command?: string): UsageError {
  const flag = /'(--?[a-z0-9-]+)/i.exec((e as Error).message)?.[1];
  const message = (e as Error).message;
  // `--retries -1`: parseArgs takes the value for a flag; it is written `--retries=-1`.
  const dashed = /argument is ambiguous/.test(message) && flag ? `needs a value; one that begins with '-' is written ${flag}=VALUE` : undefined;
  const what = (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 'no such flag' : (dashed ?? 'needs a value');
  return new UsageError(flag ? `${flag}: ${what}` : message.split('\n')[0]!, command);
}
