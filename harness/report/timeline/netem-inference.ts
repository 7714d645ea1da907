import type { PlacedSegment } from './capture-connections.js';
import type { Side, TimelineFault } from './timeline.js';

/**
 * What a kernel capture says about a lossy link, read off the segments alone (netem records only
 * its parameters, never which packet it dropped). tcpdump on a veth sees a packet after the
 * sender's netem qdisc, so a dropped packet is never in the capture; what is:
 * - a gap: a segment starts past every byte seen so far in its direction (the bytes between were
 *   lost on the way);
 * - a fill: a segment carries bytes of an earlier gap (the retransmission, or a reordered one);
 * - a repeat: every byte already seen (a retransmission whose original did arrive, e.g. after a
 *   lost ACK; or netem's duplicate when the copy follows at once);
 * - duplicate ACKs: the receiver acknowledging the same byte again and again (it is missing what
 *   follows).
 * Every fault returned is marked inferred.
 */
export function netemInference(segments: readonly PlacedSegment[], connectionId: (index: number) => number, timeOf: (s: PlacedSegment) => number, arrowOf: (s: PlacedSegment) => number | undefined): TimelineFault[] {
  const faults: TimelineFault[] = [];
  const streams = new Map<string, { covered: Array<[number, number]>; maxEnd: number; last: { start: number; end: number; at: number } | null }>();
  const acks = new Map<string, { ack: number; window: number; run: number; firstDupAt: number }>();
  const flushAcks = (key: string, side: Side, connection: number) => {
    const a = acks.get(key);
    if (a !== undefined && a.run >= 2) {
      faults.push({ kind: 'dup-ack', atMs: a.firstDupAt, side, connection, inferred: true, text: `${a.run} duplicate ACKs from the ${side} for offset ${a.ack}: it is missing the bytes from there` });
    }
  };
  for (const p of segments) {
    const connection = connectionId(p.connection);
    const key = `${p.connection}/${p.from}`;
    const at = timeOf(p);
    // Repeated ACKs: pure ACKs with the same acknowledgement and window, one after another.
    if (p.pureAck && p.ackOffset !== null) {
      const a = acks.get(key);
      if (a !== undefined && a.ack === p.ackOffset && a.window === p.segment.window) {
        if (a.run === 0) a.firstDupAt = at;
        a.run++;
      } else {
        flushAcks(key, p.from, connection);
        acks.set(key, { ack: p.ackOffset, window: p.segment.window, run: 0, firstDupAt: at });
      }
      continue;
    }
    if (p.length > 0 || p.flags.includes('FIN') || p.flags.includes('RST')) {
      flushAcks(key, p.from, connection);
      acks.delete(key);
    }
    if (p.length === 0) continue;
    let s = streams.get(key);
    if (s === undefined) {
      s = { covered: [], maxEnd: p.offset < 0 ? p.offset : 0, last: null };
      streams.set(key, s);
    }
    const start = p.offset;
    const end = p.offset + p.length;
    const arrow = arrowOf(p);
    const base = { atMs: at, side: p.from, connection, inferred: true, ...(arrow !== undefined ? { arrow } : {}) };
    const newBytes = end - start - coveredBytes(s.covered, start, end);
    if (start > s.maxEnd) {
      faults.push({ ...base, kind: 'drop', text: `${start - s.maxEnd} B missing before this segment (offset ${s.maxEnd}): lost before the capture point` });
    } else if (newBytes === 0) {
      const copy = s.last !== null && s.last.start === start && s.last.end === end && at - s.last.at < 1;
      faults.push({ ...base, kind: copy ? 'duplicate' : 'retransmit', text: copy ? `the same ${end - start} B again at once: a duplicated packet` : `${end - start} B at offset ${start} sent again (all already seen)` });
    } else if (start < s.maxEnd) {
      faults.push({ ...base, kind: 'retransmit', text: `fills the gap at offset ${start} (${newBytes} new B): a retransmission, or a reordered segment` });
    }
    addCovered(s.covered, start, end);
    s.maxEnd = Math.max(s.maxEnd, end);
    s.last = { start, end, at };
  }
  for (const [key] of acks) {
    const [index, side] = key.split('/') as [string, Side];
    flushAcks(key, side, connectionId(Number(index)));
  }
  return faults;
}

/** Bytes of [start, end) already in the sorted, disjoint interval list. */
function coveredBytes(covered: ReadonlyArray<[number, number]>, start: number, end: number): number {
  let n = 0;
  // Walk back from the end: new data is usually past everything, so this stops at once.
  for (let i = covered.length - 1; i >= 0; i--) {
    const [a, b] = covered[i]!;
    if (b <= start) break;
    n += Math.max(0, Math.min(b, end) - Math.max(a, start));
  }
  return n;
}

function addCovered(covered: Array<[number, number]>, start: number, end: number): void {
  let i = covered.length;
  while (i > 0 && covered[i - 1]![0] > start) i--;
  covered.splice(i, 0, [start, end]);
  // Merge around the insertion point.
  let j = Math.max(0, i - 1);
  while (j < covered.length - 1) {
    const a = covered[j]!;
    const b = covered[j + 1]!;
    if (b[0] <= a[1]) {
      a[1] = Math.max(a[1], b[1]);
      covered.splice(j + 1, 1);
    } else if (j >= i) break;
    else j++;
  }
}
