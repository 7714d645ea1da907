/**
 * Encode one IPv4 datagram carrying one TCP segment, checksums included. Pure byte work: the
 * connection bookkeeping (sequence numbers, IDs) lives in tcp-synth.ts.
 */
import { addWords, finishChecksum, internetChecksum } from './inet-checksum.js';

/** TCP control bits (RFC 9293 §3.1, "Control Bits"). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** Header sizes without options: IPv4 IHL 5 (RFC 791 §3.1), TCP data offset 5 (RFC 9293 §3.1). */
export const IPV4_HEADER_LENGTH = 20;
export const TCP_HEADER_LENGTH = 20;

/**
 * The most payload one segment can carry: IPv4 Total Length is a 16-bit field counting both
 * headers (RFC 791 §3.1), so 65,535 − 20 − 20. Also the MSS Linux advertises on loopback.
 */
export const MAX_SEGMENT_PAYLOAD = 0xffff - IPV4_HEADER_LENGTH - TCP_HEADER_LENGTH;

/** IPv4 protocol number of TCP (RFC 791 §3.1 "Protocol", assigned numbers registry). */
const PROTOCOL_TCP = 6;

/** Time to Live (RFC 791 §3.1): any non-zero value; 64 is the common default. */
const TTL = 64;

/** Don't Fragment (RFC 791 §3.1 "Flags" bit 1): we never fragment, so say so. */
const FLAG_DONT_FRAGMENT = 0x4000;

export interface TcpSegmentFields {
  /** 4-byte addresses, see parseIpv4. */
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** A combination of the TCP_* control bits. */
  flags: number;
  window: number;
  ipId: number;
  payload?: Uint8Array;
  /** When set, a Maximum Segment Size option (RFC 9293 §3.2, kind 2) is sent; for SYNs only. */
  mss?: number;
}

/** Parse a dotted-quad IPv4 address ("10.0.0.1") into its 4 bytes; throws on anything else. */
export function parseIpv4(address: string): Uint8Array {
  const parts = address.split('.');
  const bytes = new Uint8Array(4);
  if (parts.length !== 4) throw new Error(`not a dotted-quad IPv4 address: ${JSON.stringify(address)}`);
  parts.forEach((part, i) => {
    // Decimal without leading zeros: "010" is octal to some parsers, so refuse the ambiguity.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) {
      throw new Error(`not a dotted-quad IPv4 address: ${JSON.stringify(address)}`);
    }
    bytes[i] = Number(part);
  });
  return bytes;
}

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer in [0, ${max}], got ${value}`);
  }
}

/** Encode the datagram: IPv4 header, TCP header (plus MSS option if asked), payload. */
export function encodeIpv4TcpPacket(f: TcpSegmentFields): Uint8Array {
  const payload = f.payload ?? new Uint8Array(0);
  if (f.srcIp.length !== 4 || f.dstIp.length !== 4) throw new Error('IPv4 addresses are 4 bytes');
  checkUint('srcPort', f.srcPort, 0xffff);
  checkUint('dstPort', f.dstPort, 0xffff);
  checkUint('seq', f.seq, 0xffffffff);
  checkUint('ack', f.ack, 0xffffffff);
  checkUint('flags', f.flags, 0xff);
  checkUint('window', f.window, 0xffff);
  checkUint('ipId', f.ipId, 0xffff);
  if (f.mss !== undefined) checkUint('mss', f.mss, 0xffff);
  if (payload.length > MAX_SEGMENT_PAYLOAD) {
    throw new RangeError(`payload of ${payload.length} bytes exceeds ${MAX_SEGMENT_PAYLOAD}`);
  }

  // MSS option: kind 2, length 4, 16-bit value; 4 bytes keep the header 32-bit aligned, so no
  // padding or End of Option List is needed (RFC 9293 §3.1 "Options", §3.2).
  const optionsLength = f.mss === undefined ? 0 : 4;
  const tcpHeaderLength = TCP_HEADER_LENGTH + optionsLength;
  const tcpLength = tcpHeaderLength + payload.length;
  const totalLength = IPV4_HEADER_LENGTH + tcpLength;
  const packet = new Uint8Array(totalLength);
  const view = new DataView(packet.buffer);

  // IPv4 header, RFC 791 §3.1 (all fields big-endian, "network order", RFC 791 Appendix B).
  view.setUint8(0, (4 << 4) | (IPV4_HEADER_LENGTH / 4)); // Version 4, IHL in 32-bit words
  view.setUint8(1, 0); // Type of Service / DSCP+ECN: best effort
  view.setUint16(2, totalLength);
  view.setUint16(4, f.ipId);
  view.setUint16(6, FLAG_DONT_FRAGMENT); // fragment offset 0
  view.setUint8(8, TTL);
  view.setUint8(9, PROTOCOL_TCP);
  // Bytes 10-11 (checksum) stay zero while the checksum is computed.
  packet.set(f.srcIp, 12);
  packet.set(f.dstIp, 16);
  view.setUint16(10, internetChecksum(packet, 0, IPV4_HEADER_LENGTH));

  // TCP header, RFC 9293 §3.1.
  const t = IPV4_HEADER_LENGTH;
  view.setUint16(t, f.srcPort);
  view.setUint16(t + 2, f.dstPort);
  view.setUint32(t + 4, f.seq);
  view.setUint32(t + 8, f.ack);
  view.setUint8(t + 12, (tcpHeaderLength / 4) << 4); // Data Offset; reserved bits zero
  view.setUint8(t + 13, f.flags);
  view.setUint16(t + 14, f.window);
  // t+16 checksum filled below; t+18 Urgent Pointer stays 0 (URG is never set).
  if (f.mss !== undefined) {
    view.setUint8(t + 20, 2);
    view.setUint8(t + 21, 4);
    view.setUint16(t + 22, f.mss);
  }
  packet.set(payload, t + tcpHeaderLength);

  // TCP checksum covers a pseudo-header of source, destination, zero, protocol and TCP length
  // (RFC 9293 §3.1, "Checksum"), then the segment itself with its checksum field zeroed.
  const pseudo = new Uint8Array(12);
  pseudo.set(f.srcIp, 0);
  pseudo.set(f.dstIp, 4);
  pseudo[9] = PROTOCOL_TCP;
  pseudo[10] = tcpLength >>> 8;
  pseudo[11] = tcpLength & 0xff;
  const acc = addWords(addWords(0, pseudo), packet, t, totalLength);
  view.setUint16(t + 16, finishChecksum(acc));
  return packet;
}
