import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { internetChecksum } from './inet-checksum.js';
import { MAX_SEGMENT_PAYLOAD, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from './ipv4-tcp-packet.js';
import { type PacketSink, PcapWriter } from './pcap-writer.js';
import { SyntheticTcpConnection, type SyntheticTcpOptions } from './tcp-synth.js';
import {
  decodeIpv4Tcp,
  type DecodedPacket,
  ipv4HeaderChecksumOk,
  readPcap,
  tcpChecksumOk,
} from './test-support/pcap-reader.js';
import { lines, removeTsharkConfigDir, tshark } from './test-support/tshark.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const HTTP_ENDPOINTS: SyntheticTcpOptions = {
  clientIp: '10.0.0.1',
  clientPort: 40001,
  serverIp: '10.0.0.2',
  serverPort: 80,
};

/** The project's reference exchange: request and response each split over segments, then FINs. */
function httpExchange(c: SyntheticTcpConnection): void {
  c.open(0);
  c.data(1, 'client', enc('GET /hel'));
  c.data(2, 'client', enc('lo HTTP/1.1\r\nHost: sim\r\n\r\n'));
  c.data(3, 'server', enc('HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\n'));
  c.data(4, 'server', enc('hello, '));
  c.data(5.25, 'server', enc('world\n'));
  c.fin(6, 'client');
  c.fin(7, 'server');
}

/** 150,000 bytes from a client whose ISN wraps past 2^32 during the transfer. */
const LARGE_PAYLOAD = Uint8Array.from({ length: 150_000 }, (_, i) => (i * 7) & 0xff);
const LARGE_ENDPOINTS: SyntheticTcpOptions = {
  clientIp: '192.168.1.10',
  clientPort: 50000,
  serverIp: '192.168.1.20',
  serverPort: 9, // discard: no application dissector tries to read the bytes
  isn: { client: 0xffff_ff00, server: 77 },
};

function largeTransfer(c: SyntheticTcpConnection): void {
  c.open(10);
  c.data(11, 'client', LARGE_PAYLOAD);
  c.fin(12, 'client');
  c.fin(13, 'server');
}

function build(options: SyntheticTcpOptions, script: (c: SyntheticTcpConnection) => void, sink?: (w: PcapWriter) => PacketSink) {
  const writer = new PcapWriter();
  const conn = new SyntheticTcpConnection(sink ? sink(writer) : writer, options);
  script(conn);
  const packets = readPcap(writer.toBuffer()).records.map((r) => decodeIpv4Tcp(r.data));
  return { writer, conn, packets };
}

/** [direction, flags, seq, ack, payload length]: the shape of a packet for table comparisons. */
function shape(p: DecodedPacket, clientPort: number): [string, number, number, number, number] {
  return [p.srcPort === clientPort ? 'c>s' : 's>c', p.flags, p.seq, p.ack, p.payload.length];
}

describe('PcapWriter', () => {
  it('writes the classic libpcap global header, little-endian', () => {
    const expected = Buffer.from(
      [
        'd4c3b2a1', // magic 0xa1b2c3d4: microsecond timestamps
        '0200', '0400', // version 2.4
        '00000000', // thiszone
        '00000000', // sigfigs
        '00000400', // snaplen 262144
        '65000000', // linktype 101, LINKTYPE_RAW
      ].join(''),
      'hex',
    );
    expect(new PcapWriter().toBuffer().equals(expected)).toBe(true);
  });

  it('writes one 16-byte record header per packet, then the packet bytes', () => {
    const w = new PcapWriter();
    w.addPacket(0, Uint8Array.of(0x45, 1, 2));
    w.addPacket(1234.5678, Uint8Array.of(9, 8, 7, 6, 5));
    w.addPacket(999.9996, Uint8Array.of(0xaa)); // rounds up to exactly 1 s: the carry must land in ts_sec
    w.addPacket(86_400_000, new Uint8Array(0));
    const file = w.toBuffer();
    expect(w.packetCount).toBe(4);
    expect(file.length).toBe(24 + 4 * 16 + 3 + 5 + 1 + 0);

    const record = (at: number) => [0, 4, 8, 12].map((o) => file.readUInt32LE(at + o));
    expect(record(24)).toEqual([0, 0, 3, 3]);
    expect([...file.subarray(40, 43)]).toEqual([0x45, 1, 2]);
    expect(record(43)).toEqual([1, 234_568, 5, 5]);
    expect([...file.subarray(59, 64)]).toEqual([9, 8, 7, 6, 5]);
    expect(record(64)).toEqual([1, 0, 1, 1]);
    expect(file[80]).toBe(0xaa);
    expect(record(81)).toEqual([86_400, 0, 0, 0]);

    const parsed = readPcap(file);
    expect(parsed.records.map((r) => [r.tsSec, r.tsUsec, r.inclLen, r.origLen])).toEqual([
      [0, 0, 3, 3],
      [1, 234_568, 5, 5],
      [1, 0, 1, 1],
      [86_400, 0, 0, 0],
    ]);
  });

  it('rejects times the format cannot represent', () => {
    const w = new PcapWriter();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32 * 1000]) {
      expect(() => w.addPacket(bad, new Uint8Array(1))).toThrow(RangeError);
    }
    expect(w.packetCount).toBe(0);
  });
});

describe('internetChecksum', () => {
  it('matches the RFC 1071 §3 worked example, and pads an odd byte with zero', () => {
    // Words 0001 f203 f4f5 f6f7 sum to ddf2 (with end-around carry); the checksum is its complement.
    expect(internetChecksum(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(0x220d);
    expect(internetChecksum(Uint8Array.of(0x12))).toBe(~0x1200 & 0xffff);
  });
});

describe('SyntheticTcpConnection', () => {
  it('opens with SYN, SYN-ACK, ACK carrying the MSS option in the SYNs', () => {
    const { packets } = build({ ...HTTP_ENDPOINTS, isn: { client: 1000, server: 5000 } }, (c) => c.open(0));
    expect(packets.map((p) => shape(p, 40001))).toEqual([
      ['c>s', TCP_SYN, 1000, 0, 0],
      ['s>c', TCP_SYN | TCP_ACK, 5000, 1001, 0],
      ['c>s', TCP_ACK, 1001, 5001, 0],
    ]);
    const [syn, synAck, ack] = packets as [DecodedPacket, DecodedPacket, DecodedPacket];
    expect([syn.src, syn.dst, syn.srcPort, syn.dstPort]).toEqual(['10.0.0.1', '10.0.0.2', 40001, 80]);
    expect([synAck.src, synAck.dst, synAck.srcPort, synAck.dstPort]).toEqual(['10.0.0.2', '10.0.0.1', 80, 40001]);
    // MSS option: kind 2, length 4, 65495 (RFC 9293 §3.2); data offset 6 words.
    for (const p of [syn, synAck]) {
      expect(p.dataOffset).toBe(6);
      expect([...p.options]).toEqual([2, 4, 0xff, 0xd7]);
    }
    expect(ack.dataOffset).toBe(5);
    expect(ack.options.length).toBe(0);
  });

  it('fills the fixed IPv4 and TCP header fields', () => {
    const { packets, writer } = build(HTTP_ENDPOINTS, httpExchange);
    const records = readPcap(writer.toBuffer()).records;
    packets.forEach((p, i) => {
      expect(p.version).toBe(4);
      expect(p.ihl).toBe(5);
      expect(p.totalLength).toBe(records[i]!.data.length);
      expect(p.ipFlagsFragment).toBe(0x4000); // DF, offset 0
      expect(p.ttl).toBe(64);
      expect(p.protocol).toBe(6);
      expect(p.window).toBe(65535);
      expect(p.urgent).toBe(0);
    });
  });

  it('produces valid IPv4 header and TCP checksums, checked by an independent routine', () => {
    const http = build(HTTP_ENDPOINTS, httpExchange);
    const large = build(LARGE_ENDPOINTS, largeTransfer);
    const all = [http.writer, large.writer].flatMap((w) => readPcap(w.toBuffer()).records.map((r) => r.data));
    expect(all.some((packet) => packet.length % 2 === 1)).toBe(true); // an odd-length segment is covered
    for (const packet of all) {
      expect(ipv4HeaderChecksumOk(packet)).toBe(true);
      expect(tcpChecksumOk(packet)).toBe(true);
    }
    // And the checker does catch a flipped bit, in the header and in the payload.
    const copy = Uint8Array.from(all[3]!);
    copy[8]! ^= 1; // TTL: covered by the IP checksum only
    expect(ipv4HeaderChecksumOk(copy)).toBe(false);
    expect(tcpChecksumOk(copy)).toBe(true);
    copy[copy.length - 1]! ^= 0x80;
    expect(tcpChecksumOk(copy)).toBe(false);
  });

  it('advances seq by payload length and FIN, and acks the peer’s next seq, through a half-close', () => {
    const { packets, conn } = build({ ...HTTP_ENDPOINTS, isn: { client: 1000, server: 5000 } }, (c) => {
      c.open(0);
      c.data(1, 'client', new Uint8Array(10));
      c.data(2, 'server', new Uint8Array(7));
      c.fin(3, 'client');
      c.data(4, 'server', new Uint8Array(3)); // the server may still send after the client's FIN
      c.fin(5, 'server');
    });
    const PA = TCP_PSH | TCP_ACK;
    const FA = TCP_FIN | TCP_ACK;
    expect(packets.slice(3).map((p) => shape(p, 40001))).toEqual([
      ['c>s', PA, 1001, 5001, 10],
      ['s>c', PA, 5001, 1011, 7],
      ['c>s', FA, 1011, 5008, 0],
      ['s>c', TCP_ACK, 5008, 1012, 0], // FIN consumed one sequence number
      ['s>c', PA, 5008, 1012, 3],
      ['s>c', FA, 5011, 1012, 0],
      ['c>s', TCP_ACK, 1012, 5012, 0],
    ]);
    expect(conn.nextSeq('client')).toBe(1012);
    expect(conn.nextSeq('server')).toBe(5012);
  });

  it('splits a large payload into full segments, wraps seq modulo 2^32 and keeps the window open', () => {
    const isn = LARGE_ENDPOINTS.isn!.client;
    const { packets, conn } = build(LARGE_ENDPOINTS, largeTransfer);
    const data = packets.filter((p) => p.payload.length > 0);
    expect(data.map((p) => p.payload.length)).toEqual([MAX_SEGMENT_PAYLOAD, MAX_SEGMENT_PAYLOAD, 19_010]);
    expect(MAX_SEGMENT_PAYLOAD).toBe(65_495);
    expect(data.map((p) => p.totalLength)).toEqual([65_535, 65_535, 19_050]);
    expect(data.map((p) => p.flags)).toEqual([TCP_ACK, TCP_ACK, TCP_PSH | TCP_ACK]); // push on the last only
    expect(data.map((p) => p.seq)).toEqual([
      (isn + 1) >>> 0,
      (isn + 1 + 65_495) >>> 0, // 0xffffff01 + 65495 = 0x1_0000_fed8: wrapped
      (isn + 1 + 2 * 65_495) >>> 0,
    ]);
    expect(data[1]!.seq).toBe(0xfed8);
    expect(Buffer.concat(data.map((p) => p.payload)).equals(Buffer.from(LARGE_PAYLOAD))).toBe(true);

    // A second full segment would exceed the 65535-byte window, so the server acks first.
    const c = LARGE_ENDPOINTS.clientPort;
    expect(packets.slice(3, 8).map((p) => shape(p, c))).toEqual([
      ['c>s', TCP_ACK, (isn + 1) >>> 0, 78, 65_495],
      ['s>c', TCP_ACK, 78, (isn + 1 + 65_495) >>> 0, 0],
      ['c>s', TCP_ACK, (isn + 1 + 65_495) >>> 0, 78, 65_495],
      ['s>c', TCP_ACK, 78, (isn + 1 + 2 * 65_495) >>> 0, 0],
      ['c>s', TCP_PSH | TCP_ACK, (isn + 1 + 2 * 65_495) >>> 0, 78, 19_010],
    ]);
    expect(conn.nextSeq('client')).toBe((isn + 1 + 150_000 + 1) >>> 0); // SYN + data + FIN
  });

  it('increments the IP identification per packet, separately in each direction', () => {
    const { packets } = build(HTTP_ENDPOINTS, httpExchange);
    const ids = (port: number) => packets.filter((p) => p.srcPort === port).map((p) => p.ipId);
    const fromClient = ids(40001);
    const fromServer = ids(80);
    expect(fromClient).toEqual(fromClient.map((_, i) => i));
    expect(fromServer).toEqual(fromServer.map((_, i) => i));
  });

  it('resets with RST|ACK at SND.NXT, after which nothing more can be sent', () => {
    const { packets, conn } = build({ ...HTTP_ENDPOINTS, isn: { client: 1, server: 2 } }, (c) => {
      c.open(0);
      c.data(1, 'client', new Uint8Array(5));
      c.reset(2, 'server');
    });
    expect(shape(packets.at(-1)!, 40001)).toEqual(['s>c', TCP_RST | TCP_ACK, 3, 7, 0]);
    expect(() => conn.data(3, 'client', new Uint8Array(1))).toThrow(/reset/);
    expect(() => conn.fin(3, 'client')).toThrow(/reset/);
    expect(() => conn.reset(3, 'client')).toThrow(/reset/);
  });

  it('refuses calls out of order and invalid endpoints; an empty payload sends nothing', () => {
    const w = new PcapWriter();
    const c = new SyntheticTcpConnection(w, HTTP_ENDPOINTS);
    expect(() => c.data(0, 'client', new Uint8Array(1))).toThrow(/new/);
    expect(() => c.fin(0, 'client')).toThrow(/new/);
    c.open(0);
    expect(() => c.open(0)).toThrow(/already open/);
    c.data(1, 'client', new Uint8Array(0));
    expect(w.packetCount).toBe(3);
    c.fin(2, 'client');
    expect(() => c.data(3, 'client', new Uint8Array(1))).toThrow(/after its FIN/);
    expect(() => c.fin(3, 'client')).toThrow(/after its FIN/);

    expect(() => new SyntheticTcpConnection(w, { ...HTTP_ENDPOINTS, clientIp: '10.0.0.256' })).toThrow(/IPv4/);
    expect(() => new SyntheticTcpConnection(w, { ...HTTP_ENDPOINTS, serverIp: '::1' })).toThrow(/IPv4/);
    expect(() => new SyntheticTcpConnection(w, { ...HTTP_ENDPOINTS, serverPort: 70000 })).toThrow(RangeError);
    expect(() => new SyntheticTcpConnection(w, { ...HTTP_ENDPOINTS, isn: { client: -1, server: 0 } })).toThrow(RangeError);
  });

  it('is deterministic: the same calls give byte-identical files', () => {
    const a = build(HTTP_ENDPOINTS, httpExchange).writer.toBuffer();
    const b = build(HTTP_ENDPOINTS, httpExchange).writer.toBuffer();
    expect(a.equals(b)).toBe(true);
    const c = build(LARGE_ENDPOINTS, largeTransfer).writer.toBuffer();
    const d = build(LARGE_ENDPOINTS, largeTransfer).writer.toBuffer();
    expect(c.equals(d)).toBe(true);

    // Default ISNs are fixed per 4-tuple, differ by direction and by connection.
    const isns = (o: SyntheticTcpOptions) => {
      const conn = new SyntheticTcpConnection(new PcapWriter(), o);
      return [conn.isn('client'), conn.isn('server')];
    };
    const first = isns(HTTP_ENDPOINTS);
    expect(isns(HTTP_ENDPOINTS)).toEqual(first);
    expect(first[0]).not.toBe(first[1]);
    expect(isns({ ...HTTP_ENDPOINTS, clientPort: 40002 })).not.toEqual(first);
  });
});

describe('tshark reads the synthesized capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aeronet-pcap-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    removeTsharkConfigDir();
  });

  function writeCapture(name: string, writer: PcapWriter): string {
    const file = join(dir, name);
    writeFileSync(file, writer.toBuffer());
    return file;
  }

  const httpFile = () => writeCapture('capture.pcap', build(HTTP_ENDPOINTS, httpExchange).writer);

  it('tshark is installed (CI installs the Debian package "tshark")', () => {
    expect(tshark(['--version'])).toMatch(/TShark/);
  });

  it('dissects the HTTP/1.1 exchange: one GET, one 200', () => {
    const out = tshark(['-r', httpFile(), '-Y', 'http', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.response.code']);
    expect(lines(out)).toEqual(['GET\t', '\t200']);
  });

  it('finds no TCP analysis problems (retransmission, out-of-order, lost segment, window...)', () => {
    const large = writeCapture('large.pcap', build(LARGE_ENDPOINTS, largeTransfer).writer);
    for (const file of [httpFile(), large]) {
      expect(lines(tshark(['-r', file, '-Y', 'tcp.analysis.flags']))).toEqual([]);
      // Nothing at warning level or above either (malformed packets, unexpected resets...).
      expect(lines(tshark(['-r', file, '-Y', '_ws.expert.severity >= "Warning"']))).toEqual([]);
      // The analysis did run: tshark matched ACKs to the segments they acknowledge.
      expect(lines(tshark(['-r', file, '-T', 'fields', '-e', 'tcp.analysis.acks_frame'])).length).toBeGreaterThan(0);
    }
  });

  it('would flag a capture with a segment missing (control for the check above)', () => {
    let index = 0;
    const dropFourth = (w: PcapWriter): PacketSink => ({
      addPacket: (t, p) => {
        if (index++ !== 3) w.addPacket(t, p);
      },
    });
    const file = writeCapture('gap.pcap', build(HTTP_ENDPOINTS, httpExchange, dropFourth).writer);
    expect(lines(tshark(['-r', file, '-Y', 'tcp.analysis.flags'])).length).toBeGreaterThan(0);
  });

  it('validates every IPv4 and TCP checksum as good when validation is enabled', () => {
    const validate = ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];
    const { writer } = build(HTTP_ENDPOINTS, httpExchange);
    const file = writeCapture('checksums.pcap', writer);
    const bad = 'tcp.checksum.status == "Bad" || ip.checksum.status == "Bad"';
    expect(lines(tshark([...validate, '-r', file, '-Y', bad]))).toEqual([]);
    // 1 = Good; tshark reports 2 (Unverified) for every packet when validation is off.
    const statuses = lines(tshark([...validate, '-r', file, '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status']));
    expect(statuses).toEqual(Array(writer.packetCount).fill('1\t1'));

    // Control: one flipped payload byte in frame 4 is reported.
    const corrupted = writer.toBuffer();
    const frame4 = 24 + 2 * (16 + 44) + (16 + 40); // past the SYN, SYN-ACK (with MSS) and ACK records
    corrupted[frame4 + 16 + 40]! ^= 0xff;
    const corruptFile = join(dir, 'corrupted.pcap');
    writeFileSync(corruptFile, corrupted);
    const flagged = tshark([...validate, '-r', corruptFile, '-Y', bad, '-T', 'fields', '-e', 'frame.number']);
    expect(lines(flagged)).toEqual(['4']);
  });
});
