/**
 * The entry @github/local-action runs (it needs the action's logic as a `run()` export, from the
 * sources, so it can swap @actions/core for its own): the same `main()` the bundle runs.
 */
import { main } from './main.js';

export async function run(): Promise<void> {
  await main();
}
