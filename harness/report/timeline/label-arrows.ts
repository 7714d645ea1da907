import type { ProtocolMessage } from './protocol/message.js';
import type { Side, TimelineArrow, TimelineFault } from './timeline.js';

/** A message spanning more than one segment, with the segments it spanned. */
export interface SpannedMessage {
  message: ProtocolMessage;
  from: Side;
  connection: number;
  firstArrow: number;
  lastArrow: number;
  segments: number;
}

/**
 * Put each message on the arrow whose arrival completed it: `arrowAt(offset)` names the arrow that
 * delivered a stream byte (single capture point: the packet that made it available, a
 * retransmission that filled a hole; proxy: the forwarded write holding it). Messages on bytes
 * with no arrow are skipped. Returns the messages that spanned several arrows (splits). `arrows`
 * must be in time order, with `id` their index.
 */
export function labelArrows(arrows: TimelineArrow[], arrowAt: (offset: number) => number | undefined, messages: readonly ProtocolMessage[], from: Side, connection: number): SpannedMessage[] {
  const spanned: SpannedMessage[] = [];
  for (const m of messages) {
    const last = arrowAt(Math.max(m.start, m.end - 1));
    if (last === undefined) continue;
    arrows[last]!.labels.push(m.text);
    const first = arrowAt(m.start) ?? last;
    if (first !== last) {
      // Count the arrows of this direction between the two: the segments the message arrived in.
      let segments = 0;
      for (let i = Math.min(first, last); i <= Math.max(first, last); i++) {
        const a = arrows[i]!;
        if (a.connection === connection && a.from === from && a.length > 0) segments++;
      }
      spanned.push({ message: m, from, connection, firstArrow: first, lastArrow: last, segments });
    }
  }
  return spanned;
}

/** A split fault per message that arrived in several segments (sim and proxy: where cutting is the fault). */
export function splitFaults(arrows: readonly TimelineArrow[], spanned: readonly SpannedMessage[]): TimelineFault[] {
  return spanned.map((s) => {
    const first = arrows[s.firstArrow]!;
    const last = arrows[s.lastArrow]!;
    return {
      kind: 'split' as const,
      atMs: first.arriveMs ?? first.sendMs,
      untilMs: last.arriveMs ?? last.sendMs,
      side: s.from === 'client' ? 'server' as const : 'client' as const,
      connection: s.connection,
      arrow: s.lastArrow,
      text: `${s.message.text}: arrived in ${s.segments} segments`,
    };
  });
}
