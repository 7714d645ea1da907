import type { PlacedSegment } from './capture-connections.js';
import { round, shownFlags } from './single-point.js';
import type { Side, TimelineArrow, TimelineFault } from './timeline.js';

/** One direction of a proxied connection, from its two legs in the proxy's capture. */
export interface RelayInput {
  connection: number;
  sender: Side;
  /** The sender's segments on its own leg (what the proxy read from it), in capture order. */
  source: readonly PlacedSegment[];
  /** The proxy's segments on the receiver's leg (what the receiver got), in capture order. */
  forward: readonly PlacedSegment[];
}

/** A fault on an arrow whose id is given once every arrow is in time order. */
export interface PendingFault {
  fault: TimelineFault;
  arrow?: TimelineArrow;
}

export interface RelayArrows {
  arrows: TimelineArrow[];
  faults: PendingFault[];
  /** The proxy's reads from the sender: a read the synthesis cut into several segments is one (same time, contiguous). */
  reads: Array<{ atMs: number; offset: number; length: number }>;
}

type Flag = 'SYN' | 'FIN' | 'RST';
const CONTROL: readonly Flag[] = ['SYN', 'FIN', 'RST'];

/**
 * A proxied direction as two-column arrows. The capture holds the proxy's view of both legs at
 * the real times it read and wrote (loopback on both sides, so the same as the endpoints'): an
 * arrow is what the receiver got (each segment the proxy wrote to it) and starts when the sender's
 * first byte of it was read; a toxic's delay is the slope, a slicer's cuts are arrows with one
 * start. What was read and never written (limit_data, timeout, the run's end) is an arrow that
 * never arrives. A SYN, FIN or RST the proxy wrote starts at the sender's own one when there is
 * one before it; otherwise the proxy sent it itself (arrow flat, `origin: 'proxy'`).
 */
export function relayArrows(input: RelayInput): RelayArrows {
  const { connection, sender } = input;
  const arrows: TimelineArrow[] = [];
  const faults: PendingFault[] = [];
  const reads = mergeReads(input.source.filter((s) => s.length > 0));
  const forwardedEnd = input.forward.reduce((n, s) => Math.max(n, s.offset + s.length), 0);
  const sourceControl = input.source.filter((s) => controlOf(s).length > 0);
  const used = new Set<PlacedSegment>();
  const arrow = (a: Omit<TimelineArrow, 'id' | 'connection' | 'from' | 'labels'>): TimelineArrow => {
    const made: TimelineArrow = { id: -1, connection, from: sender, labels: [], ...a };
    arrows.push(made);
    return made;
  };
  for (const w of input.forward) {
    const time = round(w.segment.timeMs);
    const flags = controlOf(w);
    if (w.length > 0) {
      const read = readAt(reads, w.offset);
      arrow({ sendMs: read?.atMs ?? time, sendTiming: read ? 'captured' : 'flat', arriveMs: time, length: w.length, flags: shown(w), offset: w.offset, packet: w.segment.packet });
    } else if (flags.length > 0) {
      // The sender's own SYN/FIN/RST this one passes on: the earliest unused one with a shared flag, not after it.
      const twin = sourceControl.find((s) => !used.has(s) && s.segment.timeMs <= w.segment.timeMs && controlOf(s).some((f) => flags.includes(f)));
      if (twin) used.add(twin);
      arrow({ sendMs: twin ? round(twin.segment.timeMs) : time, sendTiming: twin ? 'captured' : 'flat', arriveMs: time, length: 0, flags: shown(w), offset: w.offset, packet: w.segment.packet, ...(twin ? {} : { origin: 'proxy' as const }) });
    }
  }
  // Read from the sender, never written to the receiver.
  for (const r of reads) {
    const end = r.offset + r.length;
    if (end <= forwardedEnd) continue;
    const start = Math.max(r.offset, forwardedEnd);
    const a = arrow({ sendMs: r.atMs, sendTiming: 'captured', arriveMs: null, length: end - start, flags: [], offset: start });
    faults.push({ arrow: a, fault: { kind: 'drop', atMs: r.atMs, side: sender, connection, text: `${end - start} B the ${sender} sent never reached the ${sender === 'client' ? 'server' : 'client'}: held or discarded by the proxy` } });
  }
  for (const s of sourceControl) {
    if (used.has(s) || controlOf(s).includes('SYN')) continue;
    arrow({ sendMs: round(s.segment.timeMs), sendTiming: 'captured', arriveMs: null, length: 0, flags: shown(s), offset: s.offset, packet: s.segment.packet });
  }
  return { arrows, faults, reads };
}

function controlOf(s: PlacedSegment): Flag[] {
  return CONTROL.filter((f) => s.flags.includes(f));
}

/** The flags an arrow shows: its control bits, and ACK on a SYN-ACK. */
function shown(s: PlacedSegment): TimelineArrow['flags'] {
  return shownFlags(s.flags);
}

/** Segments at one instant with contiguous offsets were one read (the capture cuts large reads at 65495 B). */
function mergeReads(segments: readonly PlacedSegment[]): RelayArrows['reads'] {
  const reads: RelayArrows['reads'] = [];
  for (const s of segments) {
    const last = reads[reads.length - 1];
    const atMs = round(s.segment.timeMs);
    if (last !== undefined && last.atMs === atMs && last.offset + last.length === s.offset) last.length += s.length;
    else reads.push({ atMs, offset: s.offset, length: s.length });
  }
  return reads;
}

/** The read holding stream byte `offset` (reads are in offset order on a synthesized leg). */
function readAt(reads: RelayArrows['reads'], offset: number): RelayArrows['reads'][number] | undefined {
  let lo = 0;
  let hi = reads.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = reads[mid]!;
    if (offset < r.offset) hi = mid - 1;
    else if (offset >= r.offset + r.length) lo = mid + 1;
    else return r;
  }
  return undefined;
}
