/**
 * Captured TCP segments (pcap-reader.ts) grouped into connections, and each direction of each
 * connection turned into what the receiving application got: the in-order byte stream, cut into
 * the pieces in which it became available at the capture point.
 *
 * This is receive-side reassembly as a TCP receiver does it (RFC 9293 §3.10.7.4, "segment
 * text"), seen from the capture point:
 * - bytes are placed by sequence number, in 32-bit sequence space (§3.4: arithmetic modulo
 *   2^32), so a stream that wraps past 2^32 reassembles like any other;
 * - bytes already received (retransmissions, duplicates, overlaps) are dropped; the first copy
 *   of every byte is kept, and a later copy that differs is counted (a broken middlebox or an
 *   attack: Linux keeps the first copy too for in-order data);
 * - a segment past a hole is held; when the hole fills, everything contiguous becomes available
 *   at once. That instant is the bytes' delivery time, and they form one delivery chunk;
 * - a FIN counts once every byte before it has arrived; a RST ends the direction at once (bytes
 *   held past a hole are never delivered).
 *
 * Nothing here knows about HTTP: the replay decides what the bytes are.
 */
import { endpointText, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Endpoint, type TcpSegment } from './pcap-reader.js';

/** Bytes that became available to the receiving application together. */
export interface DeliveryChunk {
  /** Milliseconds after the connection's first packet (its SYN when captured). */
  atMs: number;
  bytes: Buffer;
  /** The packet whose arrival made them available (it filled the hole before them, or carried them in order). */
  packet: number;
}

/** When a FIN or RST took effect, relative to the connection's first packet. */
export interface StreamEnd {
  atMs: number;
  packet: number;
}

export interface ReassemblyStats {
  /** Segments of this direction (any flags). */
  segments: number;
  /** Segments carrying payload. */
  dataSegments: number;
  /** Data segments carrying at least one byte that had already arrived. */
  retransmitted: number;
  /** Bytes that arrived more than once (dropped). */
  duplicateBytes: number;
  /** Later copies of a byte that differ from its first copy (the first is kept). */
  conflictingBytes: number;
  /** Data segments that arrived past a hole and waited for it to fill. */
  outOfOrder: number;
  /** Bytes before the stream's first byte (capture begun mid-connection), past its FIN, or after a RST. */
  ignoredBytes: number;
}

/** What one direction's receiving application got. */
export interface DirectionStream {
  chunks: DeliveryChunk[];
  /** Bytes delivered in all. */
  bytes: number;
  fin: StreamEnd | null;
  rst: StreamEnd | null;
  /**
   * Bytes that arrived past a hole that never filled (packets lost before the capture point, or
   * dropped by the capture): the application never got them, nor anything after the hole.
   */
  stuck: { offset: number; missingBytes: number; heldBytes: number } | null;
  /** Payload bytes absent from records the capture cut at its snaplen: those holes never fill. */
  snaplenMissing: number;
  stats: ReassemblyStats;
}

/** Sequence-space difference a - b as a signed 32-bit number (RFC 9293 §3.4). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

interface Held {
  start: number;
  end: number;
  bytes: Buffer;
}

/**
 * One direction's receiver. Offsets are absolute (0 = the stream's first byte, unbounded, so a
 * stream longer than 4 GiB still orders correctly); a sequence number is turned into an offset
 * relative to the next byte expected, which keeps the 32-bit wrap out of every comparison.
 */
export class StreamReassembler {
  private start: number | null = null;
  /** Offset of the next byte the application is waiting for. */
  private next = 0;
  private held: Held[] = [];
  private finOffset: number | null = null;
  private readonly delivered: Array<{ offset: number; bytes: Buffer }> = [];
  private readonly result: DirectionStream = {
    chunks: [],
    bytes: 0,
    fin: null,
    rst: null,
    stuck: null,
    snaplenMissing: 0,
    stats: { segments: 0, dataSegments: 0, retransmitted: 0, duplicateBytes: 0, conflictingBytes: 0, outOfOrder: 0, ignoredBytes: 0 },
  };

  /**
   * `firstByteSeq`: the sequence number of the stream's first byte when known (the SYN's + 1);
   * otherwise the first segment pushed decides it (a capture begun mid-connection).
   */
  constructor(firstByteSeq: number | null = null) {
    this.start = firstByteSeq === null ? null : firstByteSeq >>> 0;
  }

  /**
   * One captured segment of this direction at `atMs` (relative to the connection's start). Its
   * payload is kept by reference (delivery chunks are views of it): do not reuse the buffer.
   */
  push(segment: Pick<TcpSegment, 'seq' | 'flags' | 'payload' | 'packet'> & { missing?: number }, atMs: number): void {
    const r = this.result;
    r.stats.segments++;
    const syn = (segment.flags & TCP_SYN) !== 0;
    // A SYN occupies the sequence number before the first byte (§3.4).
    const dataSeq = (segment.seq + (syn ? 1 : 0)) >>> 0;
    this.start ??= dataSeq;
    if (r.rst !== null) {
      r.stats.ignoredBytes += segment.payload.length;
      return;
    }
    if ((segment.flags & TCP_RST) !== 0) {
      r.rst = { atMs, packet: segment.packet };
      r.stats.ignoredBytes += segment.payload.length;
      return;
    }
    const offset = this.offsetOf(dataSeq);
    if (segment.payload.length > 0) {
      r.stats.dataSegments++;
      r.snaplenMissing += segment.missing ?? 0;
      this.receive(offset, segment.payload);
    }
    if ((segment.flags & TCP_FIN) !== 0 && this.finOffset === null) {
      // The FIN's place: after the segment's whole payload, including bytes a snaplen cut off.
      this.finOffset = offset + segment.payload.length + (segment.missing ?? 0);
      this.dropHeldPastFin();
    }
    this.deliver(atMs, segment.packet);
  }

  /** The direction as the application saw it, once every segment has been pushed. */
  finish(): DirectionStream {
    const r = this.result;
    if (this.held.length > 0) {
      const first = this.held[0]!;
      r.stuck = { offset: this.next, missingBytes: first.start - this.next, heldBytes: this.held.reduce((n, h) => n + h.bytes.length, 0) };
    }
    return r;
  }

  private offsetOf(seq: number): number {
    return this.next + seqDiff(seq, (this.start! + this.next) >>> 0);
  }

  /** Bytes [offset, offset + length) arrived: keep what is new, count what is not. */
  private receive(offset: number, payload: Buffer): void {
    const stats = this.result.stats;
    let start = offset;
    let end = offset + payload.length;
    let bytes = payload;
    // Before the stream's first byte: from before the capture began.
    if (start < 0) {
      const cut = Math.min(-start, bytes.length);
      stats.ignoredBytes += cut;
      bytes = bytes.subarray(cut);
      start += cut;
    }
    if (this.finOffset !== null && end > this.finOffset) {
      const cut = Math.min(end - this.finOffset, bytes.length);
      stats.ignoredBytes += cut;
      bytes = bytes.subarray(0, bytes.length - cut);
      end -= cut;
    }
    if (bytes.length === 0) return;
    let repeated = 0;
    // Already delivered: compare with the first copy, then drop.
    if (start < this.next) {
      const n = Math.min(this.next, end) - start;
      this.compareDelivered(start, bytes.subarray(0, n));
      repeated += n;
      bytes = bytes.subarray(n);
      start += n;
    }
    // Held past a hole: keep the first copy of every byte, insert only the pieces not held yet.
    const pieces: Held[] = [];
    let cursor = start;
    for (const h of this.held) {
      if (cursor >= end || h.start >= end) break;
      if (h.end <= cursor) continue;
      if (h.start > cursor) pieces.push({ start: cursor, end: h.start, bytes: bytes.subarray(cursor - start, h.start - start) });
      const from = Math.max(cursor, h.start);
      const to = Math.min(end, h.end);
      this.countConflicts(h.bytes.subarray(from - h.start, to - h.start), bytes.subarray(from - start, to - start));
      repeated += to - from;
      cursor = to;
    }
    if (cursor < end) pieces.push({ start: cursor, end, bytes: bytes.subarray(cursor - start) });
    if (repeated > 0) {
      stats.retransmitted++;
      stats.duplicateBytes += repeated;
    }
    if (pieces.length === 0) return;
    if (pieces[0]!.start > this.next) stats.outOfOrder++;
    for (const piece of pieces) this.hold(piece);
  }

  private hold(piece: Held): void {
    let i = this.held.length;
    while (i > 0 && this.held[i - 1]!.start > piece.start) i--;
    this.held.splice(i, 0, piece);
  }

  /** Whatever is now contiguous with what was delivered becomes one chunk, at this packet's time. */
  private deliver(atMs: number, packet: number): void {
    const parts: Buffer[] = [];
    while (this.held.length > 0 && this.held[0]!.start === this.next) {
      const h = this.held.shift()!;
      parts.push(h.bytes);
      this.delivered.push({ offset: h.start, bytes: h.bytes });
      this.next = h.end;
    }
    const r = this.result;
    if (parts.length > 0) {
      const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      r.chunks.push({ atMs, bytes, packet });
      r.bytes += bytes.length;
    }
    if (this.finOffset !== null && this.next === this.finOffset && r.fin === null) r.fin = { atMs, packet };
  }

  private dropHeldPastFin(): void {
    const fin = this.finOffset!;
    const kept: Held[] = [];
    for (const h of this.held) {
      if (h.end <= fin) kept.push(h);
      else if (h.start < fin) {
        this.result.stats.ignoredBytes += h.end - fin;
        kept.push({ start: h.start, end: fin, bytes: h.bytes.subarray(0, fin - h.start) });
      } else this.result.stats.ignoredBytes += h.bytes.length;
    }
    this.held = kept;
  }

  private compareDelivered(offset: number, copy: Buffer): void {
    // The delivered pieces are in offset order: find the one holding `offset`, then walk on.
    let lo = 0;
    let hi = this.delivered.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.delivered[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    let at = offset;
    for (let i = lo; i < this.delivered.length && at < offset + copy.length; i++) {
      const d = this.delivered[i]!;
      const from = at - d.offset;
      const n = Math.min(d.bytes.length - from, offset + copy.length - at);
      if (n <= 0) continue;
      this.countConflicts(d.bytes.subarray(from, from + n), copy.subarray(at - offset, at - offset + n));
      at += n;
    }
  }

  private countConflicts(first: Buffer, later: Buffer): void {
    for (let i = 0; i < first.length; i++) if (first[i] !== later[i]) this.result.stats.conflictingBytes++;
  }
}

/** How the client and the server of a connection were told apart. */
export type RoleEvidence =
  /** The client's SYN is in the capture. */
  | 'syn'
  /** Only the server's SYN-ACK is (the capture began between the two). */
  | 'syn-ack'
  /** No handshake captured: the side on the port given as --server-port. */
  | 'server-port'
  /** No handshake captured: the side on the lower port (servers listen on low or known ports). */
  | 'lower-port';

export interface TcpConnection {
  /** 1-based, in the order of each connection's first packet in the file. */
  index: number;
  family: 4 | 6;
  client: Endpoint;
  server: Endpoint;
  roles: RoleEvidence;
  /** The client's SYN is in the capture: the streams start at their first byte. */
  handshake: boolean;
  /**
   * The connection carried something: the server answered the SYN with a SYN-ACK, or data
   * flowed. A SYN answered by a RST (refused), or by nothing, is not.
   */
  established: boolean;
  /** Capture time of the connection's first packet (the SYN when captured), ms since the file's first record. */
  startMs: number;
  /** Capture time of its last packet, on the same scale. */
  endMs: number;
  packets: number;
  firstPacket: number;
  lastPacket: number;
  /** What the server's application received (times relative to startMs). */
  fromClient: DirectionStream;
  /** What the client's application received. */
  fromServer: DirectionStream;
}

export interface FlowOptions {
  /** Without a captured handshake, the side on this port is the server (instead of the lower port). */
  serverPort?: number;
}

interface Builder {
  index: number;
  family: 4 | 6;
  client: Endpoint;
  server: Endpoint;
  roles: RoleEvidence;
  clientIsn: number | null;
  synAck: boolean;
  startMs: number;
  endMs: number;
  packets: number;
  firstPacket: number;
  lastPacket: number;
  fromClient: StreamReassembler;
  fromServer: StreamReassembler;
  sawData: boolean;
}

/** Group segments (in capture order) into TCP connections and reassemble both directions of each. */
export function tcpFlows(segments: readonly TcpSegment[], options: FlowOptions = {}): TcpConnection[] {
  const open = new Map<string, Builder>();
  const all: Builder[] = [];
  for (const s of segments) {
    const key = fourTuple(s.src, s.dst);
    const syn = (s.flags & TCP_SYN) !== 0 && (s.flags & TCP_ACK) === 0;
    let b = open.get(key);
    // A SYN with a new initial sequence number on a known 4-tuple is a new connection reusing
    // the ports (after TIME_WAIT); the same ISN again is a retransmitted SYN.
    if (b !== undefined && syn && !(b.clientIsn === s.seq && sameEndpoint(b.client, s.src))) b = undefined;
    if (b === undefined) {
      b = newBuilder(all.length + 1, s, options);
      all.push(b);
      open.set(key, b);
    }
    b.packets++;
    b.lastPacket = s.packet;
    b.endMs = s.timeMs;
    const fromClient = sameEndpoint(s.src, b.client);
    if (!fromClient && (s.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) b.synAck = true;
    if (s.payload.length > 0) b.sawData = true;
    const at = Math.round((s.timeMs - b.startMs) * 1000) / 1000;
    (fromClient ? b.fromClient : b.fromServer).push(s, at);
  }
  return all.map((b) => ({
    index: b.index,
    family: b.family,
    client: b.client,
    server: b.server,
    roles: b.roles,
    handshake: b.clientIsn !== null,
    established: b.synAck || b.sawData,
    startMs: b.startMs,
    endMs: b.endMs,
    packets: b.packets,
    firstPacket: b.firstPacket,
    lastPacket: b.lastPacket,
    fromClient: b.fromClient.finish(),
    fromServer: b.fromServer.finish(),
  }));
}

function newBuilder(index: number, s: TcpSegment, options: FlowOptions): Builder {
  const syn = (s.flags & TCP_SYN) !== 0;
  const ack = (s.flags & TCP_ACK) !== 0;
  let clientIsFirstSender: boolean;
  let roles: RoleEvidence;
  if (syn && !ack) {
    clientIsFirstSender = true;
    roles = 'syn';
  } else if (syn && ack) {
    clientIsFirstSender = false;
    roles = 'syn-ack';
  } else if (options.serverPort !== undefined && (s.src.port === options.serverPort) !== (s.dst.port === options.serverPort)) {
    clientIsFirstSender = s.dst.port === options.serverPort;
    roles = 'server-port';
  } else {
    // Equal ports: the first packet is taken to go to the server.
    clientIsFirstSender = s.src.port >= s.dst.port;
    roles = 'lower-port';
  }
  const client = clientIsFirstSender ? s.src : s.dst;
  const server = clientIsFirstSender ? s.dst : s.src;
  const clientIsn = roles === 'syn' ? s.seq : null;
  return {
    index,
    family: s.family,
    client,
    server,
    roles,
    clientIsn,
    synAck: false,
    startMs: s.timeMs,
    endMs: s.timeMs,
    packets: 0,
    firstPacket: s.packet,
    lastPacket: s.packet,
    fromClient: new StreamReassembler(clientIsn === null ? null : clientIsn + 1),
    fromServer: new StreamReassembler(roles === 'syn-ack' ? s.seq + 1 : null),
    sawData: false,
  };
}

function fourTuple(a: Endpoint, b: Endpoint): string {
  const x = endpointText(a);
  const y = endpointText(b);
  return x < y ? `${x} ${y}` : `${y} ${x}`;
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.address === b.address;
}
