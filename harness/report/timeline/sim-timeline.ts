import { readFolderCapture, readLines } from './folder-files.js';
import { splitFaults } from './label-arrows.js';
import { round, singlePointArrows } from './single-point.js';
import { parseSimTrace, simTraceArrows, simTraceFaults } from './sim-trace.js';
import type { Side, Timeline } from './timeline.js';

/** One direction's derived fault parameters, as the sim manifest records them (write-artifact.ts). */
type LinkParams = Record<string, number | null | object>;
interface SimFaultEntry {
  connection: number;
  clientToServer: LinkParams;
  serverToClient: LinkParams;
}

/** The client ports the sim's capture gives connection N (capture-to-pcap.ts: 40000 + N). */
const SIM_CLIENT_PORT_BASE = 40000;

/**
 * A sim artifact's timeline: arrows from capture.pcap (synthesized at delivery time, on virtual
 * ms), falling back to events.log's deliveries; faults from events.log (stalls, resets, hostile
 * faults, syscall errors) and splits from the messages that arrived in several segments; the
 * manifest's derived parameters as `params`, and their base latency for the send-time estimate.
 */
export async function simTimeline(dir: string, manifest: Record<string, unknown>, timeline: Timeline): Promise<void> {
  const entries = Array.isArray(manifest['faults']) ? (manifest['faults'] as SimFaultEntry[]) : [];
  const overrides = (manifest['overrides'] ?? {}) as Record<string, Partial<Record<'clientToServer' | 'serverToClient', LinkParams>>>;
  const params = (connection: number, from: Side): LinkParams | undefined => {
    const key = from === 'client' ? 'clientToServer' : 'serverToClient';
    const derived = entries.find((e) => e.connection === connection)?.[key];
    if (derived === undefined) return undefined;
    return { ...derived, ...(overrides[String(connection)]?.[key] ?? {}) };
  };
  const latencyMs = (connection: number, from: Side): number | null => {
    const v = params(connection, from)?.['latencyMs'];
    return typeof v === 'number' ? v : null;
  };
  for (const e of entries) {
    for (const from of ['client', 'server'] as const) {
      const p = params(e.connection, from);
      if (p !== undefined) timeline.params.push(`c${e.connection} ${from === 'client' ? 'c->s' : 's->c'}: ${describeLink(p)}`);
    }
  }
  if (Object.keys(overrides).length > 0) timeline.params.push(`overrides (a shrunk schedule): ${JSON.stringify(overrides)}`);

  const events = readLines(dir, 'events.log');
  if (events === null) timeline.notes.push('no events.log in the artifact folder');
  else if (events.truncated) timeline.notes.push('events.log is large: only its head was read');
  const trace = parseSimTrace(events?.lines ?? []);
  timeline.log = events?.lines ?? [];
  timeline.origin = 'virtual time 0 (the sim clock)';

  const capture = await readFolderCapture(dir, 'capture.pcap', timeline.notes);
  if (capture !== null) {
    const built = singlePointArrows(capture.cc, {
      shiftMs: capture.firstRecordMs,
      latencyMs,
      // The synthesized handshake happens at the connection's open, and a reset at once.
      instant: (flags, length) => length === 0 && (flags.includes('SYN') || flags.includes('RST')),
      connectionId: (index, client) => {
        const port = Number(/:(\d+)$/.exec(client)?.[1]);
        return port > SIM_CLIENT_PORT_BASE && port < SIM_CLIENT_PORT_BASE + 20000 ? port - SIM_CLIENT_PORT_BASE : index + 1;
      },
    });
    timeline.source = 'capture.pcap (synthesized from the sim\'s deliveries)';
    timeline.arrows = built.arrows;
    timeline.connections = built.connections;
    timeline.pureAcks = built.pureAcks;
    timeline.notes.push(...built.notes);
    timeline.faults.push(...splitFaults(built.arrows, built.spanned));
  } else if (trace.length > 0) {
    timeline.source = 'events.log (deliveries; no bytes, so no protocol labels)';
    timeline.arrows = simTraceArrows(trace, latencyMs);
    const opened = new Set<number>();
    for (const t of trace) {
      if (t.event === 'open' && !opened.has(t.connection)) {
        opened.add(t.connection);
        timeline.connections.push({ index: t.connection, client: `c${t.connection}`, server: 'server', protocol: 'unknown', startMs: t.timeMs });
      }
    }
  }
  timeline.faults.push(...simTraceFaults(trace, timeline.arrows));
  if (timeline.arrows.some((a) => a.sendTiming === 'estimated')) timeline.notes.push('send times are estimated: the sim traces deliveries, so each arrow starts at its arrival minus the link\'s base latency (jitter and stalls only ever add to it)');
  const virtualMs = manifest['virtualMs'];
  if (typeof virtualMs === 'number') timeline.endMs = Math.max(timeline.endMs, round(virtualMs));
}

/** "maxSegment 14 B, latency 13 ms + jitter ≤ 7 ms, stall 0.2 % × 74 ms, ..." */
function describeLink(p: LinkParams): string {
  const parts: string[] = [];
  const n = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : null);
  const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;
  if (n('maxSegment') !== null) parts.push(`segments ≤ ${n('maxSegment')} B`);
  if (n('coalesce')) parts.push(`coalesce ${pct(n('coalesce')!)}`);
  if (n('latencyMs') !== null) parts.push(`latency ${n('latencyMs')} ms${n('jitterMs') ? ` + jitter ≤ ${n('jitterMs')} ms` : ''}`);
  if (n('stallChance')) parts.push(`stall ${pct(n('stallChance')!)} × ${n('stallMs')} ms`);
  if (n('windowBytes') !== null) parts.push(`window ${n('windowBytes')} B`);
  if (n('resetAfterBytes') !== null) parts.push(`reset after ${n('resetAfterBytes')} B`);
  if (n('eagainChance')) parts.push(`EAGAIN ${pct(n('eagainChance')!)}`);
  if (n('eintrChance')) parts.push(`EINTR ${pct(n('eintrChance')!)}`);
  const hostile = p['hostile'];
  if (hostile !== null && typeof hostile === 'object') parts.push(`hostile ${Object.entries(hostile).map(([k, v]) => `${k} ${pct(Number(v))}`).join(', ')}`);
  return parts.join(', ');
}
