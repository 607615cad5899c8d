/**
 * A corpus script's wait for something it started in the background (a server's port file, a
 * process's `ready` mark, a socket): polled while the process lives, for up to a minute, and the
 * script failed with a clear message when it never comes. A bare poll loop (`for i in $(seq 1 50);
 * do [ -s port ] && break; sleep 0.1; done`) gives up after a few seconds and goes on as if ready:
 * on a loaded machine (load 11 on 2 cores: python3 through pyenv's shim took 2 s of curl-trace's 5)
 * the script then fails on an empty port, or — gcore's — dumps a process not yet holding the value,
 * and the round reports a miss that is the script's. `bareWait` names such a loop in a script.
 */

/** The bound on a wait: 1200 polls of 50 ms. */
const POLLS = 1200;

/**
 * Bash that waits until `test` (a bash test, e.g. `[ -s port ]`) holds while the process whose pid is in `pid`
 * (e.g. `$!`, `$P`) lives, up to a minute; the script fails, naming `what`, when it does not.
 */
export const awaitReady = (test: string, pid: string, what: string) =>
  `for _ in $(seq 1 ${POLLS}); do ${test} && break; kill -0 ${pid} 2> /dev/null || break; sleep 0.05; done
${test} || { echo "corpus: ${what} was not ready (${test}): it exited or took over a minute" >&2; exit 1; }`;

/** `awaitReady`'s loop, for `bareWait` to pass over. */
const READY_LOOP = new RegExp(
  `for _ in \\$\\(seq 1 ${POLLS}\\); do (.+?) && break; kill -0 \\S+ 2> /dev/null \\|\\| break; sleep 0\\.05; done\\n\\1 \\|\\| \\{`,
  'g',
);

/**
 * The first shell `sleep` in `script` outside `awaitReady`'s loop, or undefined: a poll or a pause that bets on
 * the machine's speed. (`time.sleep(` of a program in a here-document is no shell sleep.)
 */
export function bareWait(script: string): string | undefined {
  const rest = script.replace(READY_LOOP, '');
  return /(?:^|[\s;&|({])(sleep\s+[\d.]+[smhd]?)/m.exec(rest)?.[1];
}
