/**
 * Hand-built classic pcap files for the reader's tests: any link type, byte order and timestamp
 * resolution, with Ethernet, Linux cooked (v1, v2) and raw IPv4/IPv6 framing. Written here from
 * the format's description (draft-ietf-opsawg-pcap, tcpdump.org's link-layer header types), not
 * with the code under test.
 */
import { encodeIpv4TcpPacket, parseIpv4 } from '../../artifacts/ipv4-tcp-packet.js';

export interface Record {
  seconds: number;
  /** Microseconds, or nanoseconds in a nanosecond file. */
  fraction: number;
  data: Buffer;
  /** The length on the wire (default data.length): larger when the snaplen cut the record. */
  originalLength?: number;
}

export interface FileOptions {
  bigEndian?: boolean;
  nanosecond?: boolean;
  snaplen?: number;
}

export function pcapFile(linkType: number, records: readonly Record[], options: FileOptions = {}): Buffer {
  const le = options.bigEndian !== true;
  const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const header = Buffer.alloc(24);
  u32(header, options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, options.snaplen ?? 262144, 16);
  u32(header, linkType, 20);
  const parts: Buffer[] = [header];
  for (const r of records) {
    const h = Buffer.alloc(16);
    u32(h, r.seconds, 0);
    u32(h, r.fraction, 4);
    u32(h, r.data.length, 8);
    u32(h, r.originalLength ?? r.data.length, 12);
    parts.push(h, r.data);
  }
  return Buffer.concat(parts);
}

export interface Tcp {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  payload?: string | Buffer;
}

const bytesOf = (p: string | Buffer | undefined) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p ?? Buffer.alloc(0));

export function ipv4Tcp(src: string, dst: string, t: Tcp): Buffer {
  return Buffer.from(encodeIpv4TcpPacket({
    srcIp: parseIpv4(src), dstIp: parseIpv4(dst), srcPort: t.srcPort, dstPort: t.dstPort,
    seq: t.seq, ack: t.ack ?? 0, flags: t.flags, window: 65535, ipId: 1, payload: bytesOf(t.payload),
  }));
}

/** An IPv4 datagram of another protocol (UDP 17, ICMP 1) or a fragment (MF set). */
export function ipv4Other(protocol: number, payload: Buffer, options: { moreFragments?: boolean } = {}): Buffer {
  const p = Buffer.alloc(20 + payload.length);
  p[0] = 0x45;
  p.writeUInt16BE(p.length, 2);
  p.writeUInt16BE(options.moreFragments ? 0x2000 : 0x4000, 6);
  p[8] = 64;
  p[9] = protocol;
  p.set([10, 0, 0, 1], 12);
  p.set([10, 0, 0, 2], 16);
  payload.copy(p, 20);
  return p;
}

/** IPv6 with a TCP segment (checksum left 0: the reader does not verify it), optionally behind a hop-by-hop header. */
export function ipv6Tcp(src: number[], dst: number[], t: Tcp, options: { hopByHop?: boolean } = {}): Buffer {
  const payload = bytesOf(t.payload);
  const tcp = Buffer.alloc(20 + payload.length);
  tcp.writeUInt16BE(t.srcPort, 0);
  tcp.writeUInt16BE(t.dstPort, 2);
  tcp.writeUInt32BE(t.seq >>> 0, 4);
  tcp.writeUInt32BE((t.ack ?? 0) >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = t.flags;
  tcp.writeUInt16BE(65535, 14);
  payload.copy(tcp, 20);
  const ext = options.hopByHop ? Buffer.from([6, 0, 1, 4, 0, 0, 0, 0]) : Buffer.alloc(0); // next: TCP, 8 bytes, PadN
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(ext.length + tcp.length, 4);
  ip[6] = options.hopByHop ? 0 : 6;
  ip[7] = 64;
  Buffer.from(src).copy(ip, 8);
  Buffer.from(dst).copy(ip, 24);
  return Buffer.concat([ip, ext, tcp]);
}

export function ethernet(etherType: number, payload: Buffer, options: { vlan?: number; padTo60?: boolean } = {}): Buffer {
  const mac = Buffer.from([0, 0, 0, 0, 0, 0]);
  const tag = options.vlan !== undefined ? Buffer.from([0x81, 0x00, options.vlan >> 8, options.vlan & 0xff]) : Buffer.alloc(0);
  const type = Buffer.from([etherType >> 8, etherType & 0xff]);
  const frame = Buffer.concat([mac, mac, tag, type, payload]);
  return options.padTo60 && frame.length < 60 ? Buffer.concat([frame, Buffer.alloc(60 - frame.length)]) : frame;
}

/** Linux cooked v1 (LINKTYPE_LINUX_SLL, 113). */
export function sll(protocol: number, payload: Buffer, options: { packetType?: number; arphrd?: number } = {}): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(options.packetType ?? 0, 0);
  h.writeUInt16BE(options.arphrd ?? 1, 2);
  h.writeUInt16BE(6, 4);
  h.writeUInt16BE(protocol, 14);
  return Buffer.concat([h, payload]);
}

/** Linux cooked v2 (LINKTYPE_LINUX_SLL2, 276). */
export function sll2(protocol: number, payload: Buffer, options: { packetType?: number; arphrd?: number } = {}): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(protocol, 0);
  h.writeUInt32BE(1, 4);
  h.writeUInt16BE(options.arphrd ?? 1, 8);
  h[10] = options.packetType ?? 0;
  h[11] = 6;
  return Buffer.concat([h, payload]);
}
