/**
 * The part of pcap-parser 0.2 (CommonJS, no types of its own) that pcap-reader.ts uses: `parse`
 * a path or a readable stream, then events. Field names as the library spells them.
 */
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  namespace pcapParser {
    interface GlobalHeader {
      magicNumber: number;
      majorVersion: number;
      minorVersion: number;
      gmtOffset: number;
      timestampAccuracy: number;
      snapshotLength: number;
      linkLayerType: number;
    }

    interface PacketHeader {
      timestampSeconds: number;
      /** Microseconds in a classic pcap; the library does not know the nanosecond variant. */
      timestampMicroseconds: number;
      capturedLength: number;
      originalLength: number;
    }

    interface Packet {
      header: PacketHeader;
      /** A view of the library's buffer: `capturedLength` bytes, link-layer header first. */
      data: Buffer;
    }

    interface Parser extends EventEmitter {
      on(event: 'globalHeader', listener: (header: GlobalHeader) => void): this;
      on(event: 'packet', listener: (packet: Packet) => void): this;
      on(event: 'end', listener: () => void): this;
      on(event: 'error', listener: (err: Error) => void): this;
    }
  }

  const pcapParser: {
    /** A file path (read with fs.createReadStream) or a stream of Buffers. */
    parse(input: string | Readable): pcapParser.Parser;
  };
  export = pcapParser;
}
