import { readFolderCapture, readLines } from './folder-files.js';
import { netemInference } from './netem-inference.js';
import { round, singlePointArrows } from './single-point.js';
import type { Side, Timeline } from './timeline.js';

type NetemLink = Partial<Record<'clientToServer' | 'serverToClient', Record<string, unknown>>>;

/**
 * A netem artifact's timeline: arrows from capture.pcap (tcpdump on the server's veth end; a
 * packet shows there after the sender's netem qdisc, so at about its arrival, and the send time is
 * estimated from the direction's netem delay), and the drops, retransmissions and repeated ACKs
 * read off that capture (netem-inference.ts). The link parameters and the tc commands are `params`.
 */
export async function netemTimeline(dir: string, manifest: Record<string, unknown>, timeline: Timeline): Promise<void> {
  const link = (manifest['link'] ?? {}) as NetemLink;
  for (const [key, name] of [['clientToServer', 'c->s'], ['serverToClient', 's->c']] as const) {
    const p = link[key];
    if (p !== undefined && Object.keys(p).length > 0) timeline.params.push(`${name}: ${describeNetem(p)}`);
  }
  const commands = Array.isArray(manifest['commands']) ? (manifest['commands'] as Array<{ line?: string }>) : [];
  for (const c of commands) if (typeof c.line === 'string' && /\bqdisc\b/.test(c.line)) timeline.params.push(c.line);
  if (typeof manifest['backend'] === 'string') timeline.params.push(`backend ${manifest['backend']}${manifest['kernel'] ? `, kernel ${String(manifest['kernel'])}` : ''}`);

  const events = readLines(dir, 'events.log');
  timeline.log = events?.lines ?? [];
  const capture = await readFolderCapture(dir, 'capture.pcap', timeline.notes);
  for (const w of Array.isArray(manifest['captureWarnings']) ? (manifest['captureWarnings'] as string[]) : []) timeline.notes.push(`capture warning: ${w}`);
  if (capture === null) return;
  timeline.origin = 'the first packet of capture.pcap (tcpdump on the server\'s veth)';
  const delay = (from: Side): number | null => {
    const v = link[from === 'client' ? 'clientToServer' : 'serverToClient']?.['delayMs'];
    return typeof v === 'number' ? v : null;
  };
  const built = singlePointArrows(capture.cc, { shiftMs: 0, latencyMs: (_c, from) => delay(from) });
  timeline.source = 'capture.pcap (tcpdump on the server\'s veth end)';
  timeline.arrows = built.arrows;
  timeline.connections = built.connections;
  timeline.pureAcks = built.pureAcks;
  timeline.notes.push(...built.notes);
  timeline.faults.push(...netemInference(capture.cc.segments, (i) => built.ids[i]!, (s) => round(s.segment.timeMs), (s) => built.arrowOfPacket.get(s.segment.packet)));
  if (built.arrows.some((a) => a.sendTiming === 'estimated')) timeline.notes.push('send times are estimated: a veth capture shows a packet after the sender\'s netem qdisc, so each arrow starts at its capture time minus the direction\'s netem delay');
  timeline.notes.push('drops, retransmissions and duplicate ACKs are inferred from the capture: netem records its parameters, not which packets it dropped');
}

/** "delayMs 15, gemodel pPct 2 rPct 28" */
function describeNetem(p: Record<string, unknown>): string {
  return Object.entries(p).map(([k, v]) => (v !== null && typeof v === 'object' ? `${k} ${Object.entries(v).map(([a, b]) => `${a} ${String(b)}`).join(' ')}` : `${k} ${String(v)}`)).join(', ');
}
