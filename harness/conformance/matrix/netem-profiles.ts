import type { LinkImpairments } from '../../../netns/topology.js';

/*
 * The netem columns' links: real kernel TCP between two namespaces over a shaped veth pair, so
 * the faults are the ones TCP hides from a correct server (retransmits, reordering, a bottleneck
 * queue), not ones that end connections. Both run in one User-Mode Linux guest boot.
 */

export interface NetemMatrixProfile {
  name: string;
  summary: string;
  link: LinkImpairments;
}

const lossy = { delayMs: 15, lossPct: 2, reorderPct: 20 };
// A 2 Mbit/s token bucket behind 5 ms of delay: a bottleneck whose queue fills and drops (tbf
// latency 400 ms), so TCP backs off and the server's writes wait for the window.
const narrow = { delayMs: 5, tbf: { rateKbit: 2000, burstBytes: 16_000, latencyMs: 400 } };

export const NETEM_MATRIX_PROFILES: readonly NetemMatrixProfile[] = [
  {
    // The link the netem layer's conformance scenarios use (scenarios/netem/conformance-*-lossy).
    name: 'lossy',
    summary: '2 % loss and 20 % reordering over 15 ms delay, each way',
    link: { clientToServer: lossy, serverToClient: { ...lossy } },
  },
  {
    name: 'narrow',
    summary: '2 Mbit/s token bucket (16 KB burst, 400 ms queue) behind 5 ms delay, each way',
    link: { clientToServer: narrow, serverToClient: { ...narrow, tbf: { ...narrow.tbf } } },
  },
];

export function netemMatrixProfile(name: string): NetemMatrixProfile | undefined {
  return NETEM_MATRIX_PROFILES.find((p) => p.name === name);
}

/**
 * Per wait, across a netem link. A lost segment costs a retransmission timeout (200 ms at least,
 * doubling), and a case makes several exchanges: the default 2 s would turn slow-but-correct
 * answers into failures. The netem layer's conformance scenarios use the same.
 */
export const NETEM_TIMEOUT_MS = 8000;

/** Names from a comma list ("all" for every profile); unknown names are returned to report. */
export function parseNetemProfiles(value: string): { profiles: NetemMatrixProfile[]; unknown: string[] } {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 1 && names[0] === 'all') return { profiles: [...NETEM_MATRIX_PROFILES], unknown: [] };
  const unknown = names.filter((n) => netemMatrixProfile(n) === undefined);
  return { profiles: [...new Set(names)].map(netemMatrixProfile).filter((p): p is NetemMatrixProfile => p !== undefined), unknown: names.length === 0 ? [''] : unknown };
}
