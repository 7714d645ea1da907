import { endpointText, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpSegment } from '../../replay/pcap-reader.js';
import { seqDiff, tcpFlows, type DirectionStream, type TcpConnection } from '../../replay/tcp-flows.js';
import type { Side, TcpFlag } from './timeline.js';

/** Per direction, at most this many bytes are joined for protocol decoding (the rest is counted). */
export const DEFAULT_DECODE_LIMIT = 32 * 1024 * 1024;

/** One captured segment, placed in its connection and direction. */
export interface PlacedSegment {
  segment: TcpSegment;
  /** Index into CaptureConnections.connections. */
  connection: number;
  from: Side;
  /** Stream offset of its first payload byte (relative sequence number). */
  offset: number;
  /** Payload bytes, including any the snaplen cut off. */
  length: number;
  flags: TcpFlag[];
  /** No payload, no SYN, FIN or RST: an acknowledgement (or window update) only. */
  pureAck: boolean;
  /** Relative acknowledgement number (the peer's stream offset it acknowledges), when ACK is set. */
  ackOffset: number | null;
}

/** One direction's reassembled bytes (what its receiver got), joined up to the decode limit. */
export interface JoinedStream {
  bytes: Buffer;
  /** Stream offset at which each delivery chunk starts, and the packet that delivered it (parallel arrays). */
  chunkStarts: number[];
  chunkPackets: number[];
  /** Bytes past the decode limit, not joined. */
  notJoined: number;
  ended: boolean;
  direction: DirectionStream;
}

export interface CapturedConnection {
  flow: TcpConnection;
  fromClient: JoinedStream;
  fromServer: JoinedStream;
}

export interface CaptureConnections {
  connections: CapturedConnection[];
  segments: PlacedSegment[];
}

/**
 * Group a capture's segments into connections with the repo's reassembly (harness/replay/
 * tcp-flows.ts), and place every segment in its connection and direction with its stream offset,
 * so that a protocol message found in the reassembled bytes can be put on the segment that
 * carried it.
 */
export function captureConnections(segments: readonly TcpSegment[], decodeLimit = DEFAULT_DECODE_LIMIT): CaptureConnections {
  const flows = tcpFlows(segments);
  const byTuple = new Map<string, number[]>();
  flows.forEach((f, i) => {
    const key = tupleKey(endpointText(f.client), endpointText(f.server));
    byTuple.set(key, [...(byTuple.get(key) ?? []), i]);
  });
  // Sequence bases: the SYN's (or SYN-ACK's) number + 1, else the first segment seen that way.
  const bases = flows.map(() => ({ client: null as number | null, server: null as number | null }));
  const placed: PlacedSegment[] = [];
  for (const s of segments) {
    const src = endpointText(s.src);
    const dst = endpointText(s.dst);
    const candidates = byTuple.get(tupleKey(src, dst)) ?? [];
    const index = candidates.find((i) => s.packet >= flows[i]!.firstPacket && s.packet <= flows[i]!.lastPacket);
    if (index === undefined) continue;
    const flow = flows[index]!;
    const from: Side = src === endpointText(flow.client) ? 'client' : 'server';
    const other: Side = from === 'client' ? 'server' : 'client';
    const syn = (s.flags & TCP_SYN) !== 0;
    const base = bases[index]!;
    if (syn) base[from] = (s.seq + 1) >>> 0;
    base[from] ??= s.seq;
    const dataSeq = (s.seq + (syn ? 1 : 0)) >>> 0;
    const ack = (s.flags & TCP_ACK) !== 0;
    const length = s.payload.length + s.missing;
    const control = (s.flags & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0;
    placed.push({
      segment: s,
      connection: index,
      from,
      offset: seqDiff(dataSeq, base[from]!),
      length,
      flags: flagNames(s.flags),
      pureAck: length === 0 && !control,
      ackOffset: ack && base[other] !== null ? seqDiff(s.ack, base[other]!) : null,
    });
  }
  const connections = flows.map((flow) => ({ flow, fromClient: join(flow.fromClient, decodeLimit), fromServer: join(flow.fromServer, decodeLimit) }));
  return { connections, segments: placed };
}

function join(direction: DirectionStream, limit: number): JoinedStream {
  const parts: Buffer[] = [];
  const chunkStarts: number[] = [];
  const chunkPackets: number[] = [];
  let at = 0;
  let notJoined = 0;
  for (const c of direction.chunks) {
    chunkStarts.push(at);
    chunkPackets.push(c.packet);
    const room = Math.max(0, limit - at);
    if (room < c.bytes.length) notJoined += c.bytes.length - room;
    if (room > 0) parts.push(room < c.bytes.length ? c.bytes.subarray(0, room) : c.bytes);
    at += c.bytes.length;
  }
  return { bytes: Buffer.concat(parts), chunkStarts, chunkPackets, notJoined, ended: direction.fin !== null || direction.rst !== null, direction };
}

/** The packet that delivered stream byte `offset` (binary search over the chunk starts), or null. */
export function packetAt(stream: JoinedStream, offset: number): number | null {
  const starts = stream.chunkStarts;
  if (starts.length === 0 || offset < 0) return null;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return stream.chunkPackets[lo]!;
}

export function flagNames(flags: number): TcpFlag[] {
  const out: TcpFlag[] = [];
  if (flags & TCP_SYN) out.push('SYN');
  if (flags & TCP_FIN) out.push('FIN');
  if (flags & TCP_RST) out.push('RST');
  if (flags & 0x08) out.push('PSH');
  if (flags & TCP_ACK) out.push('ACK');
  return out;
}

function tupleKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}
