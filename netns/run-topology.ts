import { $ } from './shell.js';
import { commandLine, topologyPlan, type Command, type LinkImpairments, type Topology } from './topology.js';

/** What was run, in order, with how each command ended: the manifest's record of the link. */
export interface AppliedCommand {
  line: string;
  ok: boolean;
  /** tc's or ip's stderr when it failed. */
  error?: string;
}

/** A failed setup step: which command, and what it said. */
export class TopologyError extends Error {
  constructor(readonly command: string, readonly stderr: string) {
    super(`${command}: ${stderr.trim() || 'failed'}`);
    this.name = 'TopologyError';
  }
}

async function run(cmd: Command): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const r = await $`${cmd}`;
  return { ok: r.exitCode === 0, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Take a topology down whatever state it is in: kill what runs inside each namespace (a live
 * process keeps its namespace), then delete the namespaces, which deletes the veth ends in them.
 * Failures are ignored (something may never have been created); afterwards nothing of it is
 * left, which `leftovers` checks.
 */
export async function teardownTopology(t: Topology): Promise<void> {
  for (const ns of [t.client.ns, t.server.ns]) {
    const pids = await run(['ip', 'netns', 'pids', ns]);
    for (const pid of pids.stdout.split(/\s+/).filter((p) => /^[0-9]+$/.test(p))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const ns of [t.client.ns, t.server.ns]) await run(['ip', 'netns', 'del', ns]);
}

/** What of the topology still exists (namespaces, links): [] after a clean teardown. */
export async function leftovers(t: Topology): Promise<string[]> {
  const out: string[] = [];
  const list = await run(['ip', 'netns', 'list']);
  for (const ns of [t.client.ns, t.server.ns]) if (new RegExp(`^${ns}( |$)`, 'm').test(list.stdout)) out.push(`namespace ${ns}`);
  const links = await run(['ip', '-o', 'link', 'show']);
  for (const dev of [t.client.dev, t.server.dev]) if (new RegExp(`: ${dev}[@:]`).test(links.stdout)) out.push(`link ${dev} in the root namespace`);
  return out;
}

/**
 * Build the topology, run `fn`, and always take it down: also when a step fails, when `fn`
 * throws, and on SIGINT/SIGTERM (the handler tears down, then re-raises the signal).
 */
export async function withTopology<T>(t: Topology, impairments: LinkImpairments, fn: (applied: AppliedCommand[]) => Promise<T>, seeds?: { clientToServer: number; serverToClient: number }): Promise<T> {
  const plan = topologyPlan(t, impairments, seeds);
  const applied: AppliedCommand[] = [];
  let tornDown: Promise<void> | null = null;
  const teardown = (): Promise<void> => (tornDown ??= teardownTopology(t));
  const onSignal = (signal: NodeJS.Signals): void => {
    void teardown().then(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.kill(process.pid, signal);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const cmd of plan.setup) {
      const r = await run(cmd);
      const line = commandLine(cmd);
      applied.push(r.ok ? { line, ok: true } : { line, ok: false, error: r.stderr.trim() });
      if (!r.ok) throw new TopologyError(line, r.stderr);
    }
    return await fn(applied);
  } finally {
    await teardown();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Change one side's netem while it runs (a link that goes dark, then recovers). */
export async function changeNetem(cmds: readonly Command[]): Promise<AppliedCommand[]> {
  const out: AppliedCommand[] = [];
  for (const cmd of cmds) {
    const r = await run(cmd);
    out.push(r.ok ? { line: commandLine(cmd), ok: true } : { line: commandLine(cmd), ok: false, error: r.stderr.trim() });
    if (!r.ok) throw new TopologyError(commandLine(cmd), r.stderr);
  }
  return out;
}
