/**
 * Synthesize the packets of one TCP connection (RFC 9293) around the byte stream of a simulated
 * connection, so a TestSocket exchange, which never touches a real network, can be written to a
 * pcap and opened in Wireshark. Nothing is lost or reordered: the output is the capture of an ideal
 * network, and Wireshark's TCP analysis should find nothing to flag in it.
 */
import {
  encodeIpv4TcpPacket,
  MAX_SEGMENT_PAYLOAD,
  parseIpv4,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
} from './ipv4-tcp-packet.js';
import type { PacketSink } from './pcap-writer.js';

export type TcpSide = 'client' | 'server';

export interface SyntheticTcpOptions {
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  /** Initial sequence numbers; by default derived from the 4-tuple, so runs are reproducible. */
  isn?: { client: number; server: number };
}

/**
 * The fixed receive window both sides advertise. Without a Window Scale option in the SYNs (RFC
 * 7323 §2) the 16-bit field is the whole window (RFC 9293 §3.1 "Window").
 */
export const SYNTHETIC_WINDOW = 65535;

/**
 * The MSS both SYNs announce. Without the option a peer must assume 536 (RFC 9293 §3.7.1), which
 * every segment over 536 bytes would violate; this is the largest payload an IPv4 packet can carry.
 */
export const SYNTHETIC_MSS = MAX_SEGMENT_PAYLOAD;

interface SideState {
  readonly ip: Uint8Array;
  readonly port: number;
  readonly isn: number;
  /** SND.NXT (RFC 9293 §3.3.1): the sequence number of the next byte (or SYN/FIN) to send. */
  nextSeq: number;
  /** The highest acknowledgment the peer has sent us: nextSeq minus this is unacknowledged data. */
  ackedByPeer: number;
  /** Identification (RFC 791 §3.1) of the next datagram in this direction. */
  ipId: number;
  finSent: boolean;
}

/** Sequence-space addition: RFC 9293 §3.4 arithmetic is modulo 2^32. */
function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}

/** FNV-1a (32-bit) over the bytes: a fixed, well-spread stand-in for RFC 6528 ISN generation. */
function fnv1a(bytes: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
  return hash;
}

function defaultIsn(client: Uint8Array, clientPort: number, server: Uint8Array, serverPort: number, side: TcpSide): number {
  // Like RFC 6528's F(4-tuple, secret) with no clock term and no secret: reproducible, and distinct
  // per connection and per direction so the two sequence spaces are easy to tell apart.
  return fnv1a([
    ...client, clientPort >>> 8, clientPort & 0xff,
    ...server, serverPort >>> 8, serverPort & 0xff,
    side === 'client' ? 0x43 : 0x53,
  ]);
}

function checkPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new RangeError(`${name} must be in [0, 65535], got ${port}`);
}

export class SyntheticTcpConnection {
  private readonly sink: PacketSink;
  private readonly client: SideState;
  private readonly server: SideState;
  private phase: 'new' | 'open' | 'reset' = 'new';

  constructor(sink: PacketSink, options: SyntheticTcpOptions) {
    this.sink = sink;
    checkPort('clientPort', options.clientPort);
    checkPort('serverPort', options.serverPort);
    const clientIp = parseIpv4(options.clientIp);
    const serverIp = parseIpv4(options.serverIp);
    const isn = options.isn ?? {
      client: defaultIsn(clientIp, options.clientPort, serverIp, options.serverPort, 'client'),
      server: defaultIsn(clientIp, options.clientPort, serverIp, options.serverPort, 'server'),
    };
    for (const side of ['client', 'server'] as const) {
      const value = isn[side];
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new RangeError(`isn.${side} must be a 32-bit unsigned integer, got ${value}`);
      }
    }
    const side = (ip: Uint8Array, port: number, sideIsn: number): SideState => ({
      ip, port, isn: sideIsn, nextSeq: sideIsn, ackedByPeer: sideIsn, ipId: 0, finSent: false,
    });
    this.client = side(clientIp, options.clientPort, isn.client);
    this.server = side(serverIp, options.serverPort, isn.server);
  }

  /** The initial sequence number of a side. */
  isn(side: TcpSide): number {
    return this.state(side).isn;
  }

  /** SND.NXT of a side: the sequence number its next segment will carry. */
  nextSeq(side: TcpSide): number {
    return this.state(side).nextSeq;
  }

  /** The three-way handshake (RFC 9293 §3.5, Figure 6): SYN, SYN-ACK, ACK, all at `timeMs`. */
  open(timeMs: number): void {
    if (this.phase !== 'new') throw new Error(`open() on a connection that is already ${this.phase}`);
    this.phase = 'open';
    this.emit(timeMs, 'client', TCP_SYN, undefined, SYNTHETIC_MSS);
    this.emit(timeMs, 'server', TCP_SYN | TCP_ACK, undefined, SYNTHETIC_MSS);
    this.emit(timeMs, 'client', TCP_ACK);
  }

  /**
   * `payload` sent by `from`, as segments of at most MAX_SEGMENT_PAYLOAD bytes. PSH is set on the
   * last segment only, where a sender's push takes effect (RFC 9293 §3.9.1, SEND call). If the
   * segment would fill the peer's window, the peer first acknowledges everything outstanding, so
   * the capture never shows a full or exceeded window. An empty payload sends nothing.
   */
  data(timeMs: number, from: TcpSide, payload: Uint8Array): void {
    const sender = this.sendable('data', from);
    for (let offset = 0; offset < payload.length; offset += MAX_SEGMENT_PAYLOAD) {
      const chunk = payload.subarray(offset, offset + MAX_SEGMENT_PAYLOAD);
      const unacked = (sender.nextSeq - sender.ackedByPeer) >>> 0;
      if (unacked + chunk.length >= SYNTHETIC_WINDOW) this.emit(timeMs, peerOf(from), TCP_ACK);
      const last = offset + chunk.length >= payload.length;
      this.emit(timeMs, from, last ? TCP_PSH | TCP_ACK : TCP_ACK, chunk);
    }
  }

  /**
   * `from` closes its sending direction: FIN|ACK, which occupies one sequence number (RFC 9293
   * §3.4), then the peer's ACK of it (§3.6, Figure 12). The peer may keep sending (half-close).
   */
  fin(timeMs: number, from: TcpSide): void {
    const sender = this.sendable('fin', from);
    this.emit(timeMs, from, TCP_FIN | TCP_ACK);
    sender.finSent = true;
    this.emit(timeMs, peerOf(from), TCP_ACK);
  }

  /**
   * `from` aborts the connection: a RST at its SND.NXT (RFC 9293 §3.10.7.1 ABORT call). It carries
   * ACK too, as every segment after the handshake does (§3.1 "Acknowledgment Number") and as Linux
   * sends it. Nothing more can be sent on the connection afterwards.
   */
  reset(timeMs: number, from: TcpSide): void {
    if (this.phase !== 'open') throw new Error(`reset() on a connection that is ${this.phase}`);
    this.emit(timeMs, from, TCP_RST | TCP_ACK);
    this.phase = 'reset';
  }

  private state(side: TcpSide): SideState {
    return side === 'client' ? this.client : this.server;
  }

  private sendable(call: string, from: TcpSide): SideState {
    if (this.phase !== 'open') throw new Error(`${call}() on a connection that is ${this.phase}`);
    const sender = this.state(from);
    if (sender.finSent) throw new Error(`${call}() from the ${from} after its FIN`);
    return sender;
  }

  /** One segment from `from`; advances its SND.NXT by the sequence space the segment occupies. */
  private emit(timeMs: number, from: TcpSide, flags: number, payload?: Uint8Array, mss?: number): void {
    const sender = this.state(from);
    const receiver = this.state(peerOf(from));
    const hasAck = (flags & TCP_ACK) !== 0;
    const packet = encodeIpv4TcpPacket({
      srcIp: sender.ip,
      dstIp: receiver.ip,
      srcPort: sender.port,
      dstPort: receiver.port,
      seq: sender.nextSeq,
      // The ACK field is meaningful only with the ACK bit (RFC 9293 §3.1); zero it otherwise.
      ack: hasAck ? receiver.nextSeq : 0,
      flags,
      window: SYNTHETIC_WINDOW,
      ipId: sender.ipId,
      ...(payload === undefined ? {} : { payload }),
      ...(mss === undefined ? {} : { mss }),
    });
    this.sink.addPacket(timeMs, packet);
    sender.ipId = (sender.ipId + 1) & 0xffff;
    // SYN and FIN each occupy one sequence number; RST occupies none (RFC 9293 §3.4).
    const occupies = (payload?.length ?? 0) + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
    sender.nextSeq = seqAdd(sender.nextSeq, occupies);
    if (hasAck) receiver.ackedByPeer = receiver.nextSeq;
  }
}

function peerOf(side: TcpSide): TcpSide {
  return side === 'client' ? 'server' : 'client';
}
