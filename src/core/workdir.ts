/**
 * The step's private directory (0700, removed when the work ends or the step is cancelled): where
 * builds write their layouts and secret files. `pipeline/workdir.ts` makes one; stages receive it.
 */

export interface Workdir {
  dir: string;
  /** Runs `stop` when the work ends or the step is cancelled, before the directory is removed. */
  onEnd(stop: () => void): void;
}
