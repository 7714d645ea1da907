import { WIRE_CLIENT_IP, WIRE_SERVER_IP } from '../../artifacts/wire-to-pcap.js';
import type { CaptureConnections, PlacedSegment } from './capture-connections.js';
import { readFolderCapture, readLines } from './folder-files.js';
import { labelArrows, splitFaults } from './label-arrows.js';
import { proxyDecisionFaults, type Decision, type ProxyEventEntry } from './proxy-decisions.js';
import { relayArrows, type PendingFault, type RelayArrows } from './proxy-relay.js';
import { connectionMessages } from './protocol/connection-messages.js';
import { round } from './single-point.js';
import type { Side, Timeline, TimelineArrow } from './timeline.js';

interface AppliedToxic {
  type: string;
  stream?: string;
  toxicity?: number;
  attributes?: Record<string, number>;
  at?: number;
  removedAt?: number;
}

interface LegRecord {
  connection: number;
  leg: 'client' | 'server';
  clientPort: number;
}

/**
 * A proxy artifact's timeline: capture.pcap holds both legs of every proxied connection
 * (wire-to-pcap.ts: client 10.0.1.2 <-> proxy 10.0.1.3 <-> server 10.0.1.1), which become
 * client/server arrows through the proxy (proxy-relay.ts). Faults: the toxics in effect and every
 * recorded decision (proxy-decisions.ts), bytes the proxy never passed on, and the messages a
 * slicer cut. Time 0 is the capture's first packet.
 */
export async function proxyTimeline(dir: string, manifest: Record<string, unknown>, timeline: Timeline): Promise<void> {
  const toxics = Array.isArray(manifest['toxics']) ? (manifest['toxics'] as AppliedToxic[]) : [];
  for (const t of toxics) timeline.params.push(describeToxic(t));
  const proxy = manifest['proxy'] as { kind?: string; url?: string } | undefined;
  if (proxy?.kind) timeline.params.push(`proxy: ${proxy.kind}${proxy.url ? ` at ${proxy.url}` : ''}`);
  const events = readLines(dir, 'events.log');
  timeline.log = events?.lines ?? [];
  for (const w of Array.isArray(manifest['captureWarnings']) ? (manifest['captureWarnings'] as string[]) : []) timeline.notes.push(`capture warning: ${w}`);

  const capture = await readFolderCapture(dir, 'capture.pcap', timeline.notes);
  if (capture === null) return;
  timeline.origin = 'the first packet of capture.pcap (the proxy\'s clock)';
  timeline.source = 'capture.pcap (both legs, from the bytes the proxy relayed)';
  const legs = pairLegs(capture.cc, Array.isArray(manifest['legs']) ? (manifest['legs'] as LegRecord[]) : []);
  const byConnection = new Map<number, PlacedSegment[]>();
  for (const s of capture.cc.segments) {
    if (s.pureAck) continue;
    const list = byConnection.get(s.connection);
    if (list) list.push(s);
    else byConnection.set(s.connection, [s]);
  }
  const segmentsOf = (index: number | undefined, from: Side): PlacedSegment[] => (index === undefined ? [] : (byConnection.get(index) ?? []).filter((s) => s.from === from));
  const relays: Array<{ n: number; up: RelayArrows; down: RelayArrows }> = [];
  const pending: PendingFault[] = [];
  const arrows: TimelineArrow[] = [];
  for (const { n, client, server } of legs) {
    // Upstream: what the proxy read from the client (client leg) and wrote to the server (server leg).
    const up = relayArrows({ connection: n, sender: 'client', source: segmentsOf(client, 'client'), forward: segmentsOf(server, 'client') });
    const down = relayArrows({ connection: n, sender: 'server', source: segmentsOf(server, 'server'), forward: segmentsOf(client, 'server') });
    relays.push({ n, up, down });
    arrows.push(...up.arrows, ...down.arrows);
    pending.push(...up.faults, ...down.faults);
    const flow = capture.cc.connections[client ?? server!]!.flow;
    timeline.connections.push({ index: n, client: client !== undefined ? `${flow.client.address}:${flow.client.port}` : 'client', server: 'server (through the proxy)', protocol: 'none', startMs: round(flow.startMs) });
  }
  // Time order (arrival, or send for what never arrived); ids are the order.
  arrows.sort((a, b) => (a.arriveMs ?? a.sendMs) - (b.arriveMs ?? b.sendMs) || a.sendMs - b.sendMs);
  arrows.forEach((a, i) => (a.id = i));
  timeline.arrows = arrows;
  timeline.pureAcks = capture.cc.segments.filter((s) => s.pureAck).length;

  // Labels: the messages each sender sent (its leg's stream, complete even where the proxy cut it), on the arrow that carried each one's last byte.
  for (const { n, client, server } of legs) {
    const cl = client !== undefined ? capture.cc.connections[client]! : undefined;
    const sl = server !== undefined ? capture.cc.connections[server]! : undefined;
    const empty = Buffer.alloc(0);
    const m = connectionMessages(cl?.fromClient.bytes ?? empty, sl?.fromServer.bytes ?? empty, sl?.fromServer.ended ?? true, { client: (cl?.fromClient.notJoined ?? 0) > 0, server: (sl?.fromServer.notJoined ?? 0) > 0 });
    const conn = timeline.connections.find((c) => c.index === n);
    if (conn) conn.protocol = m.protocol;
    for (const note of m.notes) timeline.notes.push(`c${n} ${note}`);
    for (const from of ['client', 'server'] as const) {
      const mine = arrows.filter((a) => a.connection === n && a.from === from && a.length > 0);
      const spanned = labelArrows(arrows, arrowAtOffset(mine), from === 'client' ? m.fromClient : m.fromServer, from, n);
      timeline.faults.push(...splitFaults(arrows, spanned));
    }
  }

  const decisions = Array.isArray(manifest['decisions']) ? (manifest['decisions'] as Decision[]) : null;
  const proxyLog = readLines(dir, 'proxy-events.log');
  const proxyEvents: ProxyEventEntry[] = [];
  for (const line of proxyLog?.lines ?? []) {
    try {
      const e = JSON.parse(line) as ProxyEventEntry & { log?: string };
      if (e.log === 'event') proxyEvents.push(e);
    } catch {
      // A cut or hand-edited line: the rest still reads.
    }
  }
  if (decisions === null) timeline.notes.push('no decisions: the proxy (a real Toxiproxy?) does not report its random choices');
  const d = proxyDecisionFaults(decisions ?? [], proxyEvents, toxics, relays, arrows, timeline.connections);
  pending.push(...d.faults);
  timeline.notes.push(...d.notes);
  for (const p of pending) timeline.faults.push(p.arrow ? { ...p.fault, arrow: p.arrow.id } : p.fault);
  if (arrows.some((a) => a.origin === 'proxy')) timeline.notes.push('flat arrows marked "proxy" were sent by the proxy itself (its SYN-ACK before it dials the server, a close a toxic caused)');
}

/** Which capture connection is each proxied connection's client leg and server leg. */
function pairLegs(cc: CaptureConnections, records: readonly LegRecord[]): Array<{ n: number; client?: number; server?: number }> {
  const byNumber = new Map<number, { n: number; client?: number; server?: number }>();
  const counters = { client: 0, server: 0 };
  cc.connections.forEach((c, index) => {
    const leg: 'client' | 'server' | null = c.flow.client.address === WIRE_CLIENT_IP ? 'client' : c.flow.server.address === WIRE_SERVER_IP ? 'server' : null;
    if (leg === null) return;
    counters[leg]++;
    // The manifest's legs name each leg's real client port; without them, the n-th of each kind pair up.
    const n = records.find((r) => r.leg === leg && r.clientPort === c.flow.client.port)?.connection ?? counters[leg];
    const entry = byNumber.get(n) ?? { n };
    entry[leg] = index;
    byNumber.set(n, entry);
  });
  return [...byNumber.values()].sort((a, b) => a.n - b.n);
}

/** The arrow holding stream byte `offset` among one direction's data arrows (those never delivered come last). */
function arrowAtOffset(arrows: readonly TimelineArrow[]): (offset: number) => number | undefined {
  const delivered = arrows.filter((a) => a.arriveMs !== null).sort((a, b) => a.offset - b.offset);
  const lost = arrows.filter((a) => a.arriveMs === null).sort((a, b) => a.offset - b.offset);
  return (offset) => (holding(delivered, offset) ?? holding(lost, offset))?.id;
}

/** Binary search over arrows sorted by offset, each holding [offset, offset + length). */
function holding(sorted: readonly TimelineArrow[], offset: number): TimelineArrow | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const a = sorted[mid]!;
    if (offset < a.offset) hi = mid - 1;
    else if (offset >= a.offset + a.length) lo = mid + 1;
    else return a;
  }
  return undefined;
}

function describeToxic(t: AppliedToxic): string {
  const attrs = Object.entries(t.attributes ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
  const when = typeof t.at === 'number' ? ` (added ${t.at.toFixed(1)} ms into the run${typeof t.removedAt === 'number' ? `, removed at ${t.removedAt.toFixed(1)} ms` : ''})` : '';
  return `toxic ${t.type} ${t.stream ?? 'downstream'}${typeof t.toxicity === 'number' && t.toxicity !== 1 ? ` toxicity ${t.toxicity}` : ''}: ${attrs || 'no attributes'}${when}`;
}
