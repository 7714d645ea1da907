import { endpointText } from '../../replay/pcap-reader.js';
import { packetAt, type CaptureConnections, type JoinedStream } from './capture-connections.js';
import { labelArrows, type SpannedMessage } from './label-arrows.js';
import { connectionMessages } from './protocol/connection-messages.js';
import type { Side, TcpFlag, TimelineArrow, TimelineConnection } from './timeline.js';

export interface SinglePointOptions {
  /** Add to a segment's capture time (ms after the first record) to get timeline ms. */
  shiftMs: number;
  /** The base one-way latency of a connection's direction, to estimate send times; null: drawn flat. */
  latencyMs: (connection: number, from: Side) => number | null;
  /** Segments that were not delayed on the way (the sim synthesizes its handshake and resets at once). */
  instant?: (flags: readonly string[], length: number) => boolean;
  /** The connection's number as the layer names it (sim: cN from the client port), from its index. */
  connectionId?: (index: number, client: string) => number;
}

export interface SinglePointArrows {
  arrows: TimelineArrow[];
  connections: TimelineConnection[];
  spanned: SpannedMessage[];
  pureAcks: number;
  notes: string[];
  /** Arrow index of each packet that became an arrow. */
  arrowOfPacket: Map<number, number>;
  /** Connection id per capture connection index. */
  ids: number[];
}

/**
 * Arrows from a capture taken at one point, where a segment's capture time is its arrival (the
 * sim's synthesized capture is written at delivery; netem's tcpdump sees a packet after the
 * sender's netem qdisc, so both ends' captures show it at about its arrival). The send time is
 * estimated as arrival minus the direction's base latency (the real send was no later).
 */
export function singlePointArrows(cc: CaptureConnections, options: SinglePointOptions): SinglePointArrows {
  const ids = cc.connections.map((c, i) => options.connectionId?.(i, endpointText(c.flow.client)) ?? i + 1);
  const arrows: TimelineArrow[] = [];
  const arrowOfPacket = new Map<number, number>();
  let pureAcks = 0;
  for (const p of cc.segments) {
    if (p.pureAck) {
      pureAcks++;
      continue;
    }
    const id = ids[p.connection]!;
    const arriveMs = round(p.segment.timeMs + options.shiftMs);
    const latency = options.instant?.(p.flags, p.length) === true ? null : options.latencyMs(id, p.from);
    const sendMs = latency === null || latency <= 0 ? arriveMs : round(arriveMs - latency);
    arrowOfPacket.set(p.segment.packet, arrows.length);
    arrows.push({
      id: arrows.length,
      connection: id,
      from: p.from,
      sendMs,
      sendTiming: latency === null || latency <= 0 ? 'flat' : 'estimated',
      arriveMs,
      length: p.length,
      flags: shownFlags(p.flags),
      offset: p.offset,
      labels: [],
      packet: p.segment.packet,
    });
  }
  const connections: TimelineConnection[] = [];
  const spanned: SpannedMessage[] = [];
  const notes: string[] = [];
  cc.connections.forEach((c, i) => {
    const id = ids[i]!;
    const m = connectionMessages(c.fromClient.bytes, c.fromServer.bytes, c.fromServer.ended, { client: c.fromClient.notJoined > 0, server: c.fromServer.notJoined > 0 });
    for (const n of m.notes) notes.push(`c${id} ${n}`);
    for (const [who, s] of [['client', c.fromClient], ['server', c.fromServer]] as const) {
      if (s.notJoined > 0) notes.push(`c${id} ${who}: only the first ${s.bytes.length} of ${s.bytes.length + s.notJoined} B were decoded`);
    }
    const at = (stream: JoinedStream) => (offset: number) => {
      const packet = packetAt(stream, offset);
      return packet === null ? undefined : arrowOfPacket.get(packet);
    };
    spanned.push(...labelArrows(arrows, at(c.fromClient), m.fromClient, 'client', id));
    spanned.push(...labelArrows(arrows, at(c.fromServer), m.fromServer, 'server', id));
    connections.push({ index: id, client: endpointText(c.flow.client), server: endpointText(c.flow.server), protocol: m.protocol, startMs: round(c.flow.startMs + options.shiftMs) });
  });
  return { arrows, connections, spanned, pureAcks, notes, arrowOfPacket, ids };
}

/** SYN, FIN, RST; ACK only beside a SYN (a SYN-ACK): every other segment has it, so it says nothing. */
export function shownFlags(flags: readonly TcpFlag[]): TcpFlag[] {
  return flags.filter((f) => f === 'SYN' || f === 'FIN' || f === 'RST' || (f === 'ACK' && flags.includes('SYN')));
}

/** µs resolution: float noise never reaches the page. */
export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
