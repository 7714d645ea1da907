/**
 * Bookkeeping for every child process a benchmark starts, so none outlives the benchmark: not on
 * success, not on a thrown error, not on Ctrl-C. Servers are started in their own process group
 * (detached) so that a wrapper command (`sh -c ...`, `npm start`) is killed together with the
 * server it started; the group id is the child's pid, so this only ever signals processes we made.
 */
import type { ChildProcess } from 'node:child_process';

interface Tracked {
  child: ChildProcess;
  /** True when the child leads its own process group and the whole group should be signalled. */
  group: boolean;
}

const live = new Set<Tracked>();
let handlersInstalled = false;

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function signal(t: Tracked, sig: NodeJS.Signals): void {
  const pid = t.child.pid;
  if (pid === undefined) return;
  try {
    // A negative pid signals the process group led by `pid` (we made it with detached: true).
    process.kill(t.group ? -pid : pid, sig);
  } catch {
    // ESRCH: already gone. Nothing else can fail here for our own children.
  }
}

/** Registers a child; it is forgotten automatically once it has exited. */
export function track(child: ChildProcess, options: { group: boolean }): void {
  const t: Tracked = { child, group: options.group };
  live.add(t);
  child.once('exit', () => {
    // A group leader's exit does not end the group; stragglers (a wrapper's grandchild) get killed.
    if (t.group) signal(t, 'SIGKILL');
    live.delete(t);
  });
}

/**
 * Stops one child: SIGTERM so a server can close gracefully, then SIGKILL after `graceMs`.
 * Resolves once the child has exited.
 */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  const t = [...live].find((x) => x.child === child) ?? { child, group: false };
  if (!alive(child)) {
    if (t.group) signal(t, 'SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signal(t, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    signal(t, 'SIGKILL');
    await exited;
  }
}

/** Synchronous last resort, safe inside process 'exit' handlers: SIGKILL everything still tracked. */
export function killAllNow(): void {
  for (const t of live) signal(t, 'SIGKILL');
}

/**
 * Makes sure tracked children die with us: on normal exit, on SIGINT/SIGTERM/SIGHUP (exit code
 * 128+n as a shell would report), and on an uncaught error. Idempotent.
 */
export function installCleanupHandlers(onSignal?: (sig: NodeJS.Signals) => void): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      onSignal?.(sig);
      killAllNow();
      process.exit(codes[sig]);
    });
  }
}

/** For tests and diagnostics. */
export function liveChildCount(): number {
  return live.size;
}
