/**
 * A classic libpcap ("tcpdump") file writer for synthesized packets. Format reference: the
 * pcap file format as documented by tcpdump.org (draft-ietf-opsawg-pcap): a 24-byte global header,
 * then per packet a 16-byte record header and the packet bytes.
 *
 * Link type 101, LINKTYPE_RAW: every record is a bare IPv4 datagram (RFC 791) with no link-layer
 * header. Chosen over LINKTYPE_ETHERNET (1) because Wireshark/tshark decode it directly as IP (the
 * first nibble selects IPv4/IPv6), and a fake Ethernet header would add made-up MAC addresses and
 * 14 bytes per packet with nothing to tell the reader. Note the *file* value is 101; the DLT_RAW
 * values 12/14 seen in some C headers are platform-specific and must not be written to files.
 *
 * Everything is written little-endian, explicitly, so the bytes do not depend on the host; readers
 * detect the byte order from the magic (it reads d4 c3 b2 a1 on disk).
 */

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const PCAP_SNAPLEN = 262144;
export const LINKTYPE_RAW = 101;
export const PCAP_GLOBAL_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

/** Anything that accepts IP packets at a virtual time; PcapWriter is one. */
export interface PacketSink {
  addPacket(timeMs: number, ipPacket: Uint8Array): void;
}

export class PcapWriter implements PacketSink {
  private readonly chunks: Buffer[] = [];
  private count = 0;

  /**
   * Append one raw IPv4 packet captured at virtual time `timeMs` (milliseconds since the
   * simulation's epoch, which the file shows as 1970-01-01T00:00:00Z). Fractional milliseconds are
   * kept down to the file's microsecond resolution, rounding to the nearest microsecond.
   * Timestamps need not increase: the format allows it, and Wireshark shows them as recorded.
   */
  addPacket(timeMs: number, ipPacket: Uint8Array): void {
    if (!Number.isFinite(timeMs) || timeMs < 0) {
      throw new RangeError(`timeMs must be a finite, non-negative number, got ${timeMs}`);
    }
    const totalMicros = Math.round(timeMs * 1000);
    const seconds = Math.floor(totalMicros / 1_000_000);
    const micros = totalMicros - seconds * 1_000_000;
    if (seconds > 0xffffffff) throw new RangeError(`timeMs ${timeMs} overflows the 32-bit seconds field`);
    // Packets longer than the snaplen are truncated and keep their original length, as libpcap
    // does; IPv4 datagrams (at most 65,535 bytes) never reach 262,144, so this is only defensive.
    const included = Math.min(ipPacket.length, PCAP_SNAPLEN);

    const record = Buffer.alloc(PCAP_RECORD_HEADER_LENGTH + included);
    record.writeUInt32LE(seconds, 0); // ts_sec
    record.writeUInt32LE(micros, 4); // ts_usec
    record.writeUInt32LE(included, 8); // incl_len
    record.writeUInt32LE(ipPacket.length, 12); // orig_len
    record.set(ipPacket.subarray(0, included), PCAP_RECORD_HEADER_LENGTH);
    this.chunks.push(record);
    this.count++;
  }

  /** Packets added so far. */
  get packetCount(): number {
    return this.count;
  }

  /** The complete file: global header plus every record, in the order added. */
  toBuffer(): Buffer {
    const header = Buffer.alloc(PCAP_GLOBAL_HEADER_LENGTH);
    header.writeUInt32LE(PCAP_MAGIC_MICROSECONDS, 0);
    header.writeUInt16LE(PCAP_VERSION_MAJOR, 4);
    header.writeUInt16LE(PCAP_VERSION_MINOR, 6);
    header.writeInt32LE(0, 8); // thiszone: timestamps are already UTC
    header.writeUInt32LE(0, 12); // sigfigs: always 0 in practice
    header.writeUInt32LE(PCAP_SNAPLEN, 16);
    header.writeUInt32LE(LINKTYPE_RAW, 20);
    return Buffer.concat([header, ...this.chunks]);
  }
}
