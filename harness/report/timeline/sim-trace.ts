import type { Side, TimelineArrow, TimelineFault } from './timeline.js';

/**
 * The sim's events.log (harness/sim/trace.ts: `<virtual ms, 3 decimals, padded> <subject> <event>`)
 * read back. Subjects are `cN` (the connection: open, rst from X, the server's notes) and
 * `cN c->s` / `cN s->c` (one direction's link: data, fin, fault ...), as harness/sim/link.ts and
 * test-socket.ts write them.
 */
export interface TraceLine {
  timeMs: number;
  connection: number;
  /** The sender of the link the line is about; null for a connection line. */
  from: Side | null;
  event: string;
}

const LINE = /^\s*(\d+(?:\.\d+)?) c(\d+)(?: (c->s|s->c))? (.+)$/;

export function parseSimTrace(lines: readonly string[]): TraceLine[] {
  const out: TraceLine[] = [];
  for (const line of lines) {
    const m = LINE.exec(line);
    if (m === null) continue;
    out.push({ timeMs: Number(m[1]), connection: Number(m[2]), from: m[3] === undefined ? null : m[3] === 'c->s' ? 'client' : 'server', event: m[4]! });
  }
  return out;
}

const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');
const linkName = (from: Side) => (from === 'client' ? 'c->s' : 's->c');

/**
 * The faults the sim traced. A link's fault line is written where it acts: a stall or a hostile
 * fault when a segment arrives (at the receiver), a reset point when the sender's write reaches it,
 * EAGAIN/EINTR on the writing or the reading end. `arrows` (sorted by arrival) lets a fault point
 * at the delivery it held back.
 */
export function simTraceFaults(trace: readonly TraceLine[], arrows: readonly TimelineArrow[]): TimelineFault[] {
  const faults: TimelineFault[] = [];
  const nextDelivery = (connection: number, from: Side, atMs: number): number | undefined =>
    arrows.find((a) => a.connection === connection && a.from === from && a.length > 0 && (a.arriveMs ?? a.sendMs) >= atMs - 1e-9)?.id;
  for (const t of trace) {
    const base = { atMs: t.timeMs, connection: t.connection };
    if (t.from === null) {
      const rst = /^rst from (client|server)$/.exec(t.event);
      if (rst) faults.push({ ...base, kind: 'reset', side: rst[1] as Side, text: `c${t.connection} reset by the ${rst[1]}` });
      continue;
    }
    const m = /^fault (.+)$/.exec(t.event);
    if (m === null) continue;
    const what = m[1]!;
    const where = linkName(t.from);
    let f: TimelineFault | null = null;
    let x: RegExpExecArray | null;
    if ((x = /^stall (\d+(?:\.\d+)?)ms$/.exec(what))) {
      f = { ...base, kind: 'stall', untilMs: t.timeMs + Number(x[1]), side: other(t.from), text: `stall ${x[1]} ms (${where}): arrived bytes held from the ${other(t.from)}` };
      const arrow = nextDelivery(t.connection, t.from, t.timeMs);
      if (arrow !== undefined) f.arrow = arrow;
    } else if ((x = /^reset-after-bytes (\d+)$/.exec(what))) {
      f = { ...base, kind: 'reset', side: t.from, text: `reset point: ${x[1]} B sent ${where}, the ${t.from} resets` };
    } else if ((x = /^(EAGAIN|EINTR) (read|write)$/.exec(what))) {
      f = { ...base, kind: 'syscall', side: x[2] === 'write' ? t.from : other(t.from), text: `${x[1]} on ${x[2]} (${where})` };
    } else if ((x = /^reorder (\d+) before (\d+)$/.exec(what))) {
      f = { ...base, kind: 'reorder', side: other(t.from), text: `hostile: ${x[1]} B delivered before ${x[2]} B (${where})` };
    } else if ((x = /^corrupt byte (\d+) bit (\d+)$/.exec(what))) {
      f = { ...base, kind: 'corrupt', side: other(t.from), text: `hostile: byte ${x[1]} bit ${x[2]} flipped (${where})` };
    } else if ((x = /^duplicate (\d+)$/.exec(what))) {
      f = { ...base, kind: 'duplicate', side: other(t.from), text: `hostile: ${x[1]} B delivered twice (${where})` };
    } else {
      f = { ...base, kind: 'syscall', side: t.from, text: `${what} (${where})` };
    }
    if (f.arrow === undefined && f.kind !== 'syscall' && f.kind !== 'reset') {
      const arrow = nextDelivery(t.connection, t.from, t.timeMs);
      if (arrow !== undefined) f.arrow = arrow;
    }
    faults.push(f);
  }
  return faults;
}

/**
 * Arrows from the trace alone (no capture to read): each delivery (`data N`, `fin`) arrives at its
 * line's time; a reset is drawn from the side that reset. No bytes, so no protocol labels.
 */
export function simTraceArrows(trace: readonly TraceLine[], latencyMs: (connection: number, from: Side) => number | null): TimelineArrow[] {
  const arrows: TimelineArrow[] = [];
  const offsets = new Map<string, number>();
  for (const t of trace) {
    const seen = deliveryOf(t);
    if (seen === null) continue;
    const { from, length, flags } = seen;
    const key = `${t.connection}/${from}`;
    const offset = offsets.get(key) ?? 0;
    offsets.set(key, offset + length);
    // The open and a reset happen at once; data and FIN crossed the link.
    const latency = length > 0 || flags.includes('FIN') ? latencyMs(t.connection, from) : null;
    arrows.push({
      id: arrows.length,
      connection: t.connection,
      from,
      sendMs: latency !== null && latency > 0 ? Math.round((t.timeMs - latency) * 1000) / 1000 : t.timeMs,
      sendTiming: latency !== null && latency > 0 ? 'estimated' : 'flat',
      arriveMs: t.timeMs,
      length,
      flags,
      offset,
      labels: [],
    });
  }
  return arrows;
}

/** What a trace line delivered: a connection's open (the client's SYN), a reset, data, a FIN; null for anything else. */
function deliveryOf(t: TraceLine): { from: Side; length: number; flags: TimelineArrow['flags'] } | null {
  if (t.from === null) {
    if (t.event === 'open') return { from: 'client', length: 0, flags: ['SYN'] };
    const rst = /^rst from (client|server)$/.exec(t.event);
    return rst ? { from: rst[1] as Side, length: 0, flags: ['RST'] } : null;
  }
  const data = /^data (\d+)/.exec(t.event);
  if (data) return { from: t.from, length: Number(data[1]), flags: [] };
  return t.event === 'fin' ? { from: t.from, length: 0, flags: ['FIN'] } : null;
}
