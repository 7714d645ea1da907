/**
 * Test-side decoding of what PcapWriter and SyntheticTcpConnection produce, written independently
 * of them (own offsets, own checksum routine) so the tests do not check the code against itself.
 */

export interface PcapFile {
  magic: number;
  versionMajor: number;
  versionMinor: number;
  thiszone: number;
  sigfigs: number;
  snaplen: number;
  linktype: number;
  records: PcapRecord[];
}

export interface PcapRecord {
  tsSec: number;
  tsUsec: number;
  inclLen: number;
  origLen: number;
  data: Uint8Array;
}

/** Parse a little-endian classic pcap file; throws on trailing garbage or short records. */
export function readPcap(file: Uint8Array): PcapFile {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: PcapRecord[] = [];
  let at = 24;
  while (at < file.length) {
    if (at + 16 > file.length) throw new Error(`truncated record header at ${at}`);
    const inclLen = view.getUint32(at + 8, true);
    if (at + 16 + inclLen > file.length) throw new Error(`truncated record data at ${at}`);
    records.push({
      tsSec: view.getUint32(at, true),
      tsUsec: view.getUint32(at + 4, true),
      inclLen,
      origLen: view.getUint32(at + 12, true),
      data: file.subarray(at + 16, at + 16 + inclLen),
    });
    at += 16 + inclLen;
  }
  return {
    magic: view.getUint32(0, true),
    versionMajor: view.getUint16(4, true),
    versionMinor: view.getUint16(6, true),
    thiszone: view.getInt32(8, true),
    sigfigs: view.getUint32(12, true),
    snaplen: view.getUint32(16, true),
    linktype: view.getUint32(20, true),
    records,
  };
}

export interface DecodedPacket {
  version: number;
  ihl: number;
  totalLength: number;
  ipId: number;
  ipFlagsFragment: number;
  ttl: number;
  protocol: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  dataOffset: number;
  flags: number;
  window: number;
  urgent: number;
  options: Uint8Array;
  payload: Uint8Array;
}

const dotted = (b: Uint8Array): string => Array.from(b).join('.');

export function decodeIpv4Tcp(packet: Uint8Array): DecodedPacket {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const ihl = packet[0]! & 0x0f;
  const t = ihl * 4;
  const dataOffset = packet[t + 12]! >> 4;
  return {
    version: packet[0]! >> 4,
    ihl,
    totalLength: view.getUint16(2),
    ipId: view.getUint16(4),
    ipFlagsFragment: view.getUint16(6),
    ttl: packet[8]!,
    protocol: packet[9]!,
    src: dotted(packet.subarray(12, 16)),
    dst: dotted(packet.subarray(16, 20)),
    srcPort: view.getUint16(t),
    dstPort: view.getUint16(t + 2),
    seq: view.getUint32(t + 4),
    ack: view.getUint32(t + 8),
    dataOffset,
    flags: packet[t + 13]!,
    window: view.getUint16(t + 14),
    urgent: view.getUint16(t + 18),
    options: packet.subarray(t + 20, t + dataOffset * 4),
    payload: packet.subarray(t + dataOffset * 4),
  };
}

/**
 * One's complement sum with the end-around carry applied after every word (RFC 1071 §2(B)). A
 * receiver summing data that includes a correct checksum gets 0xffff (RFC 1071 §1(3)).
 */
function onesSum(words: Iterable<number>): number {
  let sum = 0;
  for (const w of words) {
    sum += w;
    if (sum > 0xffff) sum -= 0xffff;
  }
  return sum;
}

function* words(bytes: Uint8Array): Generator<number> {
  for (let i = 0; i < bytes.length; i += 2) yield (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
}

/** The IPv4 header, checksum field included, sums to 0xffff. */
export function ipv4HeaderChecksumOk(packet: Uint8Array): boolean {
  const ihl = packet[0]! & 0x0f;
  return onesSum(words(packet.subarray(0, ihl * 4))) === 0xffff;
}

/** Pseudo-header plus TCP segment, checksum field included, sums to 0xffff. */
export function tcpChecksumOk(packet: Uint8Array): boolean {
  const ihl = packet[0]! & 0x0f;
  const totalLength = (packet[2]! << 8) | packet[3]!;
  const segment = packet.subarray(ihl * 4, totalLength);
  const pseudo = [
    ...words(packet.subarray(12, 20)), // source and destination addresses
    packet[9]!, // zero byte, then the protocol
    segment.length,
  ];
  return onesSum([...pseudo, ...words(segment)]) === 0xffff;
}
