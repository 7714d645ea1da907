import { netemArgs, netemProblems, tbfArgs, type NetemParams } from './netem-params.js';

/**
 * Two network namespaces joined by one veth pair on a /30 that exists only inside them: the
 * client's end and the server's end. Each side's netem shapes what that side sends (egress), so
 * clientToServer sits on the client's veth and serverToClient on the server's.
 */
export interface Topology {
  /** Unique per run: namespaces and links carry it, so runs never collide and teardown is exact. */
  id: string;
  client: { ns: string; dev: string; address: string };
  server: { ns: string; dev: string; address: string };
  /** The prefix length of the test subnet. */
  prefix: number;
}

/** Interface names are at most 15 bytes (IFNAMSIZ - 1). */
const ID_PATTERN = /^[a-z0-9]{1,10}$/;

export function topology(id: string, subnet = 0): Topology {
  if (!ID_PATTERN.test(id)) throw new Error(`topology id must be 1-10 of a-z 0-9, got "${id}"`);
  if (!Number.isInteger(subnet) || subnet < 0 || subnet > 63) throw new Error(`subnet must be 0..63, got ${subnet}`);
  // 10.201.<subnet>.0/30: private, and only ever configured inside the two namespaces.
  const base = `10.201.${subnet}`;
  return {
    id,
    client: { ns: `aeronet-c-${id}`, dev: `ac${id}`, address: `${base}.2` },
    server: { ns: `aeronet-s-${id}`, dev: `as${id}`, address: `${base}.1` },
    prefix: 30,
  };
}

export type Command = readonly string[];

export interface TopologyPlan {
  /** In order; the manifest records them exactly as run. */
  setup: Command[];
  /**
   * Always safe to run, also after a partial setup: every command tolerates what is already gone
   * (the runner ignores their failures). Deleting a namespace deletes the veth end inside it.
   */
  teardown: Command[];
}

export interface LinkImpairments {
  clientToServer?: NetemParams;
  serverToClient?: NetemParams;
}

/** Every problem with a pair of directions' parameters; [] when tc will take them. */
export function impairmentProblems(i: LinkImpairments): string[] {
  return [...(i.clientToServer ? netemProblems(i.clientToServer, 'clientToServer') : []), ...(i.serverToClient ? netemProblems(i.serverToClient, 'serverToClient') : [])];
}

/** The qdisc commands of one side: netem at the root, tbf as its child when asked for. */
export function qdiscCommands(ns: string, dev: string, p: NetemParams, verb: 'add' | 'change' | 'replace' = 'add', seed?: number): Command[] {
  const cmds: Command[] = [['tc', '-n', ns, 'qdisc', verb, 'dev', dev, 'root', 'handle', '1:', 'netem', ...netemArgs(p, seed)]];
  const tbf = tbfArgs(p);
  if (tbf !== null) cmds.push(['tc', '-n', ns, 'qdisc', verb, 'dev', dev, 'parent', '1:1', 'handle', '10:', ...tbf]);
  return cmds;
}

/**
 * The commands that build the topology with its impairments, and the ones that take it down.
 * `seeds` (per direction) are passed to netem only where the running tc supports `seed`.
 */
export function topologyPlan(t: Topology, impairments: LinkImpairments, seeds?: { clientToServer: number; serverToClient: number }): TopologyPlan {
  const problems = impairmentProblems(impairments);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const { client: c, server: s } = t;
  const setup: Command[] = [
    ['ip', 'netns', 'add', c.ns],
    ['ip', 'netns', 'add', s.ns],
    ['ip', 'link', 'add', c.dev, 'netns', c.ns, 'type', 'veth', 'peer', 'name', s.dev, 'netns', s.ns],
    ['ip', '-n', c.ns, 'addr', 'add', `${c.address}/${t.prefix}`, 'dev', c.dev],
    ['ip', '-n', s.ns, 'addr', 'add', `${s.address}/${t.prefix}`, 'dev', s.dev],
    ['ip', '-n', c.ns, 'link', 'set', 'lo', 'up'],
    ['ip', '-n', s.ns, 'link', 'set', 'lo', 'up'],
    ['ip', '-n', c.ns, 'link', 'set', c.dev, 'up'],
    ['ip', '-n', s.ns, 'link', 'set', s.dev, 'up'],
  ];
  if (impairments.clientToServer) setup.push(...qdiscCommands(c.ns, c.dev, impairments.clientToServer, 'add', seeds?.clientToServer));
  if (impairments.serverToClient) setup.push(...qdiscCommands(s.ns, s.dev, impairments.serverToClient, 'add', seeds?.serverToClient));
  const teardown: Command[] = [
    // Processes first (a server still inside keeps the namespace alive as a mount of its own).
    ['ip', 'netns', 'pids', c.ns],
    ['ip', 'netns', 'pids', s.ns],
    ['ip', 'netns', 'del', c.ns],
    ['ip', 'netns', 'del', s.ns],
  ];
  return { setup, teardown };
}

/** A command as one shell-quoted line, for manifests and logs. */
export function commandLine(cmd: Command): string {
  return cmd.map((w) => (/^[A-Za-z0-9_./:%=@+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
