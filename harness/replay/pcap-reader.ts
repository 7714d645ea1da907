/// <reference path="./pcap-parser.d.ts" />
/**
 * Read a classic pcap file (the libpcap format, draft-ietf-opsawg-pcap) into TCP segments, for
 * `aeronet replay-pcap`. The file's records come from the npm package pcap-parser; the layers
 * inside each record are decoded here: the link-layer header (Ethernet, raw IP, Linux cooked v1
 * and v2), IPv4 (RFC 791) or IPv6 (RFC 8200) and TCP (RFC 9293 §3.1).
 *
 * Everything that is not a TCP segment is skipped and counted by reason; nothing is guessed.
 * Checksums are not verified: on loopback and with offloads the kernel hands tcpdump packets
 * whose checksums are never filled in, so a check would reject every good capture.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import pcapParser from 'pcap-parser';

/** Link-layer header types this reader understands (tcpdump.org's LINKTYPE_ values, as in files). */
export const LINKTYPE_EN10MB = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

const LINK_TYPE_NAMES: Record<number, string> = {
  [LINKTYPE_EN10MB]: 'EN10MB (Ethernet)',
  [LINKTYPE_RAW]: 'RAW (IPv4/IPv6, no link header)',
  [LINKTYPE_LINUX_SLL]: 'LINUX_SLL (Linux cooked v1, tcpdump -i any)',
  [LINKTYPE_LINUX_SLL2]: 'LINUX_SLL2 (Linux cooked v2, tcpdump -i any)',
};

/** Names of link types people meet, for the "unsupported" message. */
const OTHER_LINK_TYPES: Record<number, string> = {
  0: 'NULL (BSD loopback)',
  105: 'IEEE802_11 (Wi-Fi)',
  108: 'LOOP (OpenBSD loopback)',
  127: 'IEEE802_11_RADIOTAP',
  147: 'USER0',
  220: 'USB_LINUX_MMAPPED',
  228: 'IPV4',
  229: 'IPV6',
};

const GLOBAL_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;

/** A file that cannot be read as a classic pcap: the message says why and what to do. */
export class PcapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PcapError';
  }
}

export interface Endpoint {
  /** Dotted quad, or an IPv6 address in its RFC 5952 text form. */
  address: string;
  port: number;
}

/** One TCP segment as captured. */
export interface TcpSegment {
  /** The record's number in the file, from 1 (what Wireshark calls the frame number). */
  packet: number;
  /** Milliseconds since the file's first record (microsecond, or nanosecond, resolution). */
  timeMs: number;
  family: 4 | 6;
  src: Endpoint;
  dst: Endpoint;
  seq: number;
  ack: number;
  /** The TCP control bits (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, ...). */
  flags: number;
  window: number;
  /** The payload bytes the record holds. */
  payload: Buffer;
  /** Payload bytes the IP header announces but the record lacks (cut at the capture's snaplen). */
  missing: number;
}

export interface PcapCapture {
  linkType: number;
  linkTypeName: string;
  snaplen: number;
  /** The file's timestamps are in nanoseconds (magic a1b23c4d) rather than microseconds. */
  nanosecond: boolean;
  /** Records in the file. */
  packets: number;
  /** The TCP segments, in file order. */
  segments: TcpSegment[];
  /** Records that are not TCP segments, by reason ("UDP", "ARP", "IPv4 fragment", ...). */
  skipped: Record<string, number>;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** Read `file` as a classic pcap. Throws PcapError when the file is not one, is cut short, or has a link type this reader does not decode. */
export async function readPcapFile(file: string): Promise<PcapCapture> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new PcapError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  return readPcap(bytes, file);
}

/** Read a classic pcap held in memory (`name` is only for messages). */
export async function readPcap(bytes: Buffer, name = 'the capture'): Promise<PcapCapture> {
  const format = checkFormat(bytes, name);
  // pcap-parser knows only the microsecond magic. The nanosecond variant differs in nothing but
  // the magic and the meaning of the fraction field, so hand it a copy with the microsecond
  // magic and read the fraction as nanoseconds.
  const input = format.nanosecond ? Buffer.from(bytes) : bytes;
  if (format.nanosecond) input.set(format.littleEndian ? [0xd4, 0xc3, 0xb2, 0xa1] : [0xa1, 0xb2, 0xc3, 0xd4], 0);

  return new Promise<PcapCapture>((resolve, reject) => {
    const parser = pcapParser.parse(Readable.from([input]));
    const segments: TcpSegment[] = [];
    const skipped: Record<string, number> = {};
    let linkType = -1;
    let snaplen = 0;
    let packets = 0;
    let consumed = GLOBAL_HEADER_LENGTH;
    let first: { seconds: number; fraction: number } | null = null;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      reject(err);
    };
    parser.on('globalHeader', (header) => {
      linkType = header.linkLayerType;
      snaplen = header.snapshotLength;
      if (LINK_TYPE_NAMES[linkType] === undefined) {
        const known = OTHER_LINK_TYPES[linkType];
        fail(new PcapError(`${name}: link type ${linkType}${known ? ` (${known})` : ''} is not supported; supported: ${Object.entries(LINK_TYPE_NAMES).map(([n, d]) => `${n} ${d}`).join(', ')}. Capture on a Linux interface (tcpdump -i lo, -i eth0 or -i any).`));
      }
    });
    parser.on('packet', (packet) => {
      if (failed) return;
      packets++;
      consumed += RECORD_HEADER_LENGTH + packet.header.capturedLength;
      const stamp = { seconds: packet.header.timestampSeconds, fraction: packet.header.timestampMicroseconds };
      first ??= stamp;
      const perSecond = format.nanosecond ? 1e9 : 1e6;
      const timeMs = (stamp.seconds - first.seconds) * 1000 + ((stamp.fraction - first.fraction) * 1000) / perSecond;
      const result = decodeRecord(linkType, packet.data, packet.header.originalLength);
      if (typeof result === 'string') {
        skipped[result] = (skipped[result] ?? 0) + 1;
        return;
      }
      segments.push({ ...result, packet: packets, timeMs: roundMicros(timeMs) });
    });
    parser.on('error', (err) => fail(new PcapError(`${name}: ${err.message}`)));
    parser.on('end', () => {
      if (failed) return;
      if (linkType === -1) return fail(new PcapError(`${name}: truncated: ${bytes.length} bytes, shorter than the ${GLOBAL_HEADER_LENGTH}-byte pcap file header`));
      if (consumed < bytes.length) return fail(truncation(bytes, consumed, packets, format.littleEndian, snaplen, name));
      resolve({ linkType, linkTypeName: LINK_TYPE_NAMES[linkType]!, snaplen, nanosecond: format.nanosecond, packets, segments, skipped });
    });
  });
}

/** Round to the microsecond, so float noise never reaches a trace. */
function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** What the magic number says, or a PcapError naming what the file is instead. */
function checkFormat(bytes: Buffer, name: string): { littleEndian: boolean; nanosecond: boolean } {
  if (bytes.length < 4) throw new PcapError(`${name}: not a pcap file (${bytes.length} bytes, too short for a pcap header)`);
  const magic = bytes.readUInt32BE(0);
  switch (magic) {
    case 0xd4c3b2a1: return { littleEndian: true, nanosecond: false };
    case 0xa1b2c3d4: return { littleEndian: false, nanosecond: false };
    case 0x4d3cb2a1: return { littleEndian: true, nanosecond: true };
    case 0xa1b23c4d: return { littleEndian: false, nanosecond: true };
    case 0x0a0d0d0a:
      throw new PcapError(`${name}: this is a pcapng file, which is not supported; convert it to a classic pcap first: tshark -F pcap -w out.pcap -r ${name === 'the capture' ? 'in.pcapng' : name}`);
    default:
      throw new PcapError(`${name}: not a pcap file (magic number ${bytes.subarray(0, 4).toString('hex')}; a classic pcap starts with d4c3b2a1 or a1b2c3d4)`);
  }
}

/** The file ends inside a record: say where, so a cut-off capture is told apart from a corrupt one. */
function truncation(bytes: Buffer, at: number, complete: number, littleEndian: boolean, snaplen: number, name: string): PcapError {
  const left = bytes.length - at;
  const record = complete + 1;
  if (left < RECORD_HEADER_LENGTH) return new PcapError(`${name}: truncated: the file ends ${left} bytes into the ${RECORD_HEADER_LENGTH}-byte header of record ${record} (${complete} complete records read); was tcpdump stopped with SIGKILL, or the file copied while being written?`);
  const claimed = littleEndian ? bytes.readUInt32LE(at + 8) : bytes.readUInt32BE(at + 8);
  if (claimed > Math.max(snaplen, 262_144)) return new PcapError(`${name}: corrupt: record ${record} claims ${claimed} bytes, more than the snaplen ${snaplen} (${complete} records read before it)`);
  return new PcapError(`${name}: truncated: record ${record} holds ${claimed} bytes but only ${left - RECORD_HEADER_LENGTH} remain (${complete} complete records read); was tcpdump stopped with SIGKILL, or the file copied while being written?`);
}

type Decoded = Omit<TcpSegment, 'packet' | 'timeMs'>;

/** One record's link layer, then IP and TCP; a string is the reason it is skipped. */
function decodeRecord(linkType: number, data: Buffer, originalLength: number): Decoded | string {
  // Bytes cut by the snaplen: the IP header's lengths still count them, which is how `missing` is known.
  const cut = originalLength - data.length;
  switch (linkType) {
    case LINKTYPE_EN10MB: {
      if (data.length < 14) return 'truncated link header';
      let type = data.readUInt16BE(12);
      let at = 14;
      // 802.1Q and 802.1ad tags: 4 bytes each before the real EtherType.
      while ((type === 0x8100 || type === 0x88a8) && data.length >= at + 4) {
        type = data.readUInt16BE(at + 2);
        at += 4;
      }
      return decodeEtherType(type, data.subarray(at), cut);
    }
    case LINKTYPE_RAW: {
      if (data.length < 1) return 'truncated IP header';
      const version = data[0]! >> 4;
      if (version === 4) return decodeIpv4(data, cut);
      if (version === 6) return decodeIpv6(data);
      return `IP version ${version}`;
    }
    case LINKTYPE_LINUX_SLL: {
      // packet type (2), ARPHRD type (2), address length (2), address (8), protocol (2).
      if (data.length < 16) return 'truncated link header';
      if (isLoopbackOutgoingCopy(data.readUInt16BE(2), data.readUInt16BE(0))) return 'loopback outgoing copy (tcpdump -i any sees each loopback packet twice)';
      return decodeEtherType(data.readUInt16BE(14), data.subarray(16), cut);
    }
    case LINKTYPE_LINUX_SLL2: {
      // protocol (2), reserved (2), interface index (4), ARPHRD type (2), packet type (1), address length (1), address (8).
      if (data.length < 20) return 'truncated link header';
      if (isLoopbackOutgoingCopy(data.readUInt16BE(8), data[10]!)) return 'loopback outgoing copy (tcpdump -i any sees each loopback packet twice)';
      return decodeEtherType(data.readUInt16BE(0), data.subarray(20), cut);
    }
    default:
      return `link type ${linkType}`;
  }
}

/**
 * On `-i any`, Linux hands the capture each loopback packet twice: as it is sent (PACKET_OUTGOING,
 * 4) and as it is received (PACKET_HOST, 0). Keep the received copy only: it is the one the
 * receiver's stack got. (libpcap drops the outgoing copy itself when bound to lo alone.)
 */
function isLoopbackOutgoingCopy(arphrd: number, packetType: number): boolean {
  const ARPHRD_LOOPBACK = 772;
  const PACKET_OUTGOING = 4;
  return arphrd === ARPHRD_LOOPBACK && packetType === PACKET_OUTGOING;
}

function decodeEtherType(type: number, ip: Buffer, cut: number): Decoded | string {
  switch (type) {
    case 0x0800: return decodeIpv4(ip, cut);
    case 0x86dd: return decodeIpv6(ip);
    case 0x0806: return 'ARP';
    default: return `EtherType 0x${type.toString(16).padStart(4, '0')}`;
  }
}

function decodeIpv4(p: Buffer, cut: number): Decoded | string {
  if (p.length < 20 || p[0]! >> 4 !== 4) return 'truncated IPv4 header';
  const headerLength = (p[0]! & 0x0f) * 4;
  if (headerLength < 20 || p.length < headerLength) return 'malformed IPv4 header';
  // Total Length 0 is what TSO (segmentation offload) leaves in a captured super-packet: use what was captured.
  const total = p.readUInt16BE(2) === 0 ? p.length + cut : p.readUInt16BE(2);
  const fragment = p.readUInt16BE(6);
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) return 'IPv4 fragment';
  const protocol = p[9]!;
  if (protocol !== 6) return protocolName(protocol);
  const src = `${p[12]}.${p[13]}.${p[14]}.${p[15]}`;
  const dst = `${p[16]}.${p[17]}.${p[18]}.${p[19]}`;
  // Ethernet pads short frames to 60 bytes: the IP length, not the frame, says where the segment ends.
  return decodeTcp(4, src, dst, p.subarray(headerLength, Math.min(p.length, total)), total - headerLength);
}

function decodeIpv6(p: Buffer): Decoded | string {
  if (p.length < 40 || p[0]! >> 4 !== 6) return 'truncated IPv6 header';
  const payloadLength = p.readUInt16BE(4);
  if (payloadLength === 0) return 'IPv6 jumbogram';
  let next = p[6]!;
  let at = 40;
  // Extension headers (RFC 8200 §4): hop-by-hop, routing, destination options are skipped; a
  // fragment header means a fragment, which is not reassembled.
  while (next === 0 || next === 43 || next === 60 || next === 44) {
    if (next === 44) return 'IPv6 fragment';
    if (p.length < at + 8) return 'truncated IPv6 extension header';
    const length = (p[at + 1]! + 1) * 8;
    next = p[at]!;
    at += length;
  }
  if (next !== 6) return protocolName(next);
  const end = 40 + payloadLength;
  return decodeTcp(6, ipv6Text(p.subarray(8, 24)), ipv6Text(p.subarray(24, 40)), p.subarray(Math.min(at, p.length), Math.min(p.length, end)), end - at);
}

function protocolName(protocol: number): string {
  switch (protocol) {
    case 1: return 'ICMP';
    case 17: return 'UDP';
    case 58: return 'ICMPv6';
    case 132: return 'SCTP';
    default: return `IP protocol ${protocol}`;
  }
}

/** `segment` is what the record holds of the TCP segment; `length` its real length per the IP header. */
function decodeTcp(family: 4 | 6, src: string, dst: string, segment: Buffer, length: number): Decoded | string {
  if (segment.length < 20) return 'truncated TCP header';
  const headerLength = (segment[12]! >> 4) * 4;
  if (headerLength < 20 || segment.length < headerLength) return 'malformed TCP header';
  const payload = Buffer.from(segment.subarray(headerLength));
  return {
    family,
    src: { address: src, port: segment.readUInt16BE(0) },
    dst: { address: dst, port: segment.readUInt16BE(2) },
    seq: segment.readUInt32BE(4),
    ack: segment.readUInt32BE(8),
    flags: segment[13]!,
    window: segment.readUInt16BE(14),
    payload,
    missing: Math.max(0, length - headerLength - payload.length),
  };
}

/** An IPv6 address's text form (RFC 5952): lower-case hex, the longest run of zero groups as "::". */
export function ipv6Text(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** "10.0.0.1:80", "[::1]:8080". */
export function endpointText(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
