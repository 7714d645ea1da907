import type { PendingFault, RelayArrows } from './proxy-relay.js';
import { round } from './single-point.js';
import type { Side, TimelineArrow, TimelineConnection, TimelineFault } from './timeline.js';

/** A recorded random choice of a toxic (harness/proxy/model.ts ToxicDecision, as the manifest holds it). */
export interface Decision {
  /** ms since the proxy started. */
  at: number;
  proxy: string;
  connection: number;
  direction: 'upstream' | 'downstream';
  toxic: string;
  kind: 'toxicity' | 'jitter' | 'slice';
  value: number;
  active?: boolean;
}

/** A line of proxy-events.log with log "event": an API change (toxic added, proxy disabled, ...). */
export interface ProxyEventEntry {
  at: number;
  kind: string;
  proxy?: string;
  toxic?: string;
  detail?: Record<string, unknown>;
}

interface ToxicLike {
  name?: string;
  type: string;
  stream?: string;
  toxicity?: number;
  attributes?: Record<string, number>;
}

/**
 * The proxy's decisions on the diagram. Decisions carry the proxy's own clock, which the capture
 * does not share, so they are matched by order instead: a slicer's i-th slice on a connection's
 * direction is the i-th segment written that way (checked: the sizes must agree), a latency
 * toxic's i-th jitter draw is for the i-th read from the sender. Those matches also give the
 * offset between the two clocks, which places the toxicity draws and the API changes (toxic
 * added, proxy disabled) approximately; without a match a draw is marked at its connection's start
 * and the changes are listed in the notes.
 */
export function proxyDecisionFaults(
  all: readonly Decision[],
  events: readonly ProxyEventEntry[],
  toxics: readonly ToxicLike[],
  relays: ReadonlyArray<{ n: number; up: RelayArrows; down: RelayArrows }>,
  arrows: readonly TimelineArrow[],
  connections: readonly TimelineConnection[],
): { faults: PendingFault[]; notes: string[] } {
  const faults: PendingFault[] = [];
  const notes: string[] = [];
  // Connection numbers are per proxy: match the decisions of the proxy that made the most.
  const counts = new Map<string, number>();
  for (const d of all) counts.set(d.proxy, (counts.get(d.proxy) ?? 0) + 1);
  const proxy = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (counts.size > 1) notes.push(`decisions of ${counts.size} proxies: only "${proxy}"'s are placed on the diagram`);
  const decisions = all.filter((d) => d.proxy === proxy);
  const clockPairs: number[] = [];
  const toxicNamed = (name: string) => toxics.find((t) => (t.name ?? `${t.type}_${t.stream ?? 'downstream'}`) === name);
  const unplaced: Decision[] = [];
  const draws: Array<{ d: Decision; start: number; side: Side }> = [];

  for (const r of relays) {
    for (const direction of ['upstream', 'downstream'] as const) {
      const sender: Side = direction === 'upstream' ? 'client' : 'server';
      const relay = direction === 'upstream' ? r.up : r.down;
      const mine = decisions.filter((d) => d.connection === r.n && d.direction === direction);
      const written = arrows.filter((a) => a.connection === r.n && a.from === sender && a.length > 0 && a.arriveMs !== null);
      const start = connections.find((c) => c.index === r.n)?.startMs ?? 0;
      const bySource = new Map<string, Decision[]>();
      for (const d of mine) {
        const key = `${d.toxic}/${d.kind}`;
        const list = bySource.get(key);
        if (list) list.push(d);
        else bySource.set(key, [d]);
      }
      for (const [key, list] of bySource) {
        const kind = key.slice(key.lastIndexOf('/') + 1) as Decision['kind'];
        if (kind === 'toxicity') {
          // Placed below, once the clocks are aligned.
          for (const d of list) draws.push({ d, start, side: sender === 'client' ? 'server' : 'client' });
        } else if (kind === 'slice') {
          let i = 0;
          for (; i < list.length && i < written.length; i++) {
            const d = list[i]!;
            const a = written[i]!;
            if (a.length !== d.value) {
              notes.push(`c${r.n} ${direction}: ${d.toxic}'s slice ${i + 1} is ${d.value} B but segment ${i + 1} carried ${a.length} B; later slices are not placed`);
              break;
            }
            clockPairs.push(a.arriveMs! - d.at);
            faults.push({ arrow: a, fault: { kind: 'split', atMs: a.arriveMs!, connection: r.n, side: sender === 'client' ? 'server' : 'client', text: `${d.toxic}: slice of ${d.value} B` } });
          }
          unplaced.push(...list.slice(i));
        } else {
          const t = toxicNamed(list[0]!.toxic);
          const base = t?.attributes?.['latency'];
          let i = 0;
          for (; i < list.length && i < relay.reads.length; i++) {
            const d = list[i]!;
            const read = relay.reads[i]!;
            clockPairs.push(read.atMs - d.at);
            // The first arrow that read fed: delivered, or never delivered (a later toxic held it).
            const a = arrows.find((x) => x.connection === r.n && x.from === sender && x.length > 0 && x.sendTiming === 'captured' && x.sendMs === read.atMs);
            const held = typeof base === 'number' ? `: held ${base + d.value} ms (latency ${base}, jitter ${d.value >= 0 ? '+' : ''}${d.value})` : `: jitter ${d.value} ms`;
            faults.push({ ...(a ? { arrow: a } : {}), fault: { kind: 'delay', atMs: read.atMs, connection: r.n, side: sender, text: `${d.toxic}${held}` } });
          }
          unplaced.push(...list.slice(i));
        }
      }
    }
  }
  unplaced.push(...decisions.filter((d) => !relays.some((r) => r.n === d.connection)));

  // The proxy's clock against the capture's: the median of the matched pairs.
  const offset = clockPairs.length > 0 ? clockPairs.sort((a, b) => a - b)[clockPairs.length >> 1]! : null;
  for (const { d, start, side } of draws) {
    const t = toxicNamed(d.toxic);
    faults.push({ fault: { kind: 'toxic', atMs: offset === null ? start : round(d.at + offset), connection: d.connection, side, text: `${d.toxic} ${d.active === false ? 'does not act' : 'acts'} on c${d.connection} ${d.direction} (draw ${d.value.toFixed(3)}${typeof t?.toxicity === 'number' ? ` vs toxicity ${t.toxicity}` : ''})`, ...(offset === null ? {} : { inferred: true }) } });
  }
  // The API log's clock starts with the fault proxy, the decisions' with this proxy's runtime
  // (created with it, proxy-created): shift by that, then by the decisions' offset.
  const ours = events.filter((e) => e.proxy === undefined || e.proxy === proxy);
  const created = ours.find((e) => e.kind === 'proxy-created')?.at;
  const changes = ours.filter((e) => e.kind !== 'proxy-created' && e.kind !== 'proxy-deleted');
  if (offset === null || created === undefined) {
    if (changes.length > 0) notes.push(`proxy changes (the proxy's clock, not placed: nothing to align the clocks by): ${changes.map((e) => `${e.at.toFixed(1)} ms ${e.kind}${e.toxic ? ` ${e.toxic}` : ''}`).join('; ')}`);
  } else {
    for (const e of changes) {
      const fault: TimelineFault = { kind: 'toxic', atMs: round(e.at - created + offset), inferred: true, text: `${e.kind}${e.toxic ? ` ${e.toxic}` : ''}${e.detail ? ` ${JSON.stringify(e.detail)}` : ''} (time approximate: from the proxy's clock)` };
      faults.push({ fault });
    }
  }
  if (unplaced.length > 0) notes.push(`${unplaced.length} decision(s) not matched to a segment: ${unplaced.slice(0, 5).map((d) => `c${d.connection} ${d.toxic} ${d.kind} ${d.value}`).join(', ')}${unplaced.length > 5 ? ', ...' : ''}`);
  return { faults, notes };
}
