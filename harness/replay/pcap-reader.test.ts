import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ipv6Text, PcapError, readPcap, readPcapFile, TCP_ACK, TCP_SYN } from './pcap-reader.js';
import { ethernet, ipv4Other, ipv4Tcp, ipv6Tcp, pcapFile, sll, sll2 } from './test-support/build-pcap.js';

const dir = mkdtempSync(path.join(tmpdir(), 'aeronet-pcap-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PSH_ACK = 0x18;
const request = ipv4Tcp('10.0.0.2', '10.0.0.1', { srcPort: 40000, dstPort: 80, seq: 101, flags: PSH_ACK, payload: 'GET / HTTP/1.1\r\n\r\n' });
const syn = ipv4Tcp('10.0.0.2', '10.0.0.1', { srcPort: 40000, dstPort: 80, seq: 100, flags: TCP_SYN });

describe('readPcap: link types, IP versions, what is skipped', () => {
  it('EN10MB (tcpdump -i lo or a veth): Ethernet, 802.1Q tags, and the padding of short frames cut off by the IP length', async () => {
    const capture = await readPcap(pcapFile(1, [
      { seconds: 1000, fraction: 500, data: ethernet(0x0800, syn, { padTo60: true }) },
      { seconds: 1000, fraction: 2750, data: ethernet(0x0800, request, { vlan: 7 }) },
      { seconds: 1001, fraction: 0, data: ethernet(0x0806, Buffer.alloc(28)) },
    ]));
    expect(capture).toMatchObject({ linkType: 1, packets: 3, skipped: { ARP: 1 }, nanosecond: false });
    const [a, b] = capture.segments;
    expect(a).toMatchObject({ packet: 1, timeMs: 0, family: 4, src: { address: '10.0.0.2', port: 40000 }, dst: { address: '10.0.0.1', port: 80 }, seq: 100, flags: TCP_SYN, missing: 0 });
    // 40 bytes of IP in a 60-byte frame: the 6 bytes of padding are not payload.
    expect(a!.payload).toHaveLength(0);
    expect(b).toMatchObject({ packet: 2, timeMs: 2.25, seq: 101, flags: PSH_ACK });
    expect(b!.payload.toString()).toBe('GET / HTTP/1.1\r\n\r\n');
  });

  it('RAW (aeronet\'s synthesized captures): IPv4 and IPv6, an IPv6 extension header skipped', async () => {
    const v6src = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    const v6dst = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const capture = await readPcap(pcapFile(101, [
      { seconds: 5, fraction: 0, data: request },
      { seconds: 5, fraction: 10, data: ipv6Tcp(v6src, v6dst, { srcPort: 5555, dstPort: 443, seq: 0xffffffff, flags: TCP_ACK, payload: 'x' }, { hopByHop: true }) },
      { seconds: 5, fraction: 20, data: ipv4Other(17, Buffer.alloc(8)) },
      { seconds: 5, fraction: 30, data: ipv4Other(6, Buffer.alloc(24), { moreFragments: true }) },
    ]));
    expect(capture.skipped).toEqual({ UDP: 1, 'IPv4 fragment': 1 });
    expect(capture.segments).toHaveLength(2);
    expect(capture.segments[1]).toMatchObject({ family: 6, src: { address: '2001:db8::2', port: 5555 }, dst: { address: '2001:db8::1', port: 443 }, seq: 0xffffffff, timeMs: 0.01 });
    expect(capture.segments[1]!.payload.toString()).toBe('x');
  });

  it('LINUX_SLL and LINUX_SLL2 (tcpdump -i any), where the outgoing copy of each loopback packet is dropped', async () => {
    for (const [linkType, frame] of [[113, sll], [276, sll2]] as const) {
      const capture = await readPcap(pcapFile(linkType, [
        { seconds: 1, fraction: 0, data: frame(0x0800, request, { arphrd: 772, packetType: 4 }) },
        { seconds: 1, fraction: 1, data: frame(0x0800, request, { arphrd: 772, packetType: 0 }) },
        { seconds: 1, fraction: 2, data: frame(0x86dd, ipv6Tcp([...Array(15).fill(0), 1], [...Array(15).fill(0), 1], { srcPort: 1, dstPort: 2, seq: 3, flags: TCP_ACK })) },
      ]));
      expect(capture.linkType).toBe(linkType);
      expect(capture.segments.map((s) => [s.packet, s.family, s.src.address])).toEqual([[2, 4, '10.0.0.2'], [3, 6, '::1']]);
      expect(Object.keys(capture.skipped)).toEqual(['loopback outgoing copy (tcpdump -i any sees each loopback packet twice)']);
    }
  });

  it('big-endian files and nanosecond timestamps', async () => {
    const be = await readPcap(pcapFile(101, [{ seconds: 9, fraction: 999_999, data: request }, { seconds: 10, fraction: 1, data: request }], { bigEndian: true }));
    expect(be.segments.map((s) => s.timeMs)).toEqual([0, 0.002]);
    const ns = await readPcap(pcapFile(101, [{ seconds: 9, fraction: 1_500, data: request }, { seconds: 9, fraction: 2_750_000, data: request }], { nanosecond: true }));
    expect(ns.nanosecond).toBe(true);
    expect(ns.segments.map((s) => s.timeMs)).toEqual([0, 2.749]);
  });

  it('a record cut at the snaplen reports the payload bytes it lacks', async () => {
    const capture = await readPcap(pcapFile(101, [{ seconds: 0, fraction: 0, data: request.subarray(0, 45), originalLength: request.length }], { snaplen: 45 }));
    expect(capture.segments[0]!.payload.toString()).toBe('GET /');
    expect(capture.segments[0]!.missing).toBe(13);
  });

  it('ipv6Text follows RFC 5952: the longest zero run as ::, a single zero group kept', () => {
    expect(ipv6Text(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]))).toBe('2001:db8:0:1::1');
    expect(ipv6Text(new Uint8Array(16))).toBe('::');
    expect(ipv6Text(Uint8Array.from([0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 5]))).toBe('1:0:2:0:3:0:4:5');
  });
});

describe('readPcap: files it cannot read say why', () => {
  const expectError = async (bytes: Buffer, message: RegExp) => {
    const err = await readPcap(bytes, 'x.pcap').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(PcapError);
    expect((err as Error).message).toMatch(message);
  };

  it('not a pcap', async () => {
    await expectError(Buffer.from('GET / HTTP/1.1\r\n\r\n'), /x\.pcap: not a pcap file \(magic number 47455420/);
    await expectError(Buffer.alloc(0), /not a pcap file \(0 bytes/);
  });

  it('pcapng: not supported, with the conversion command', async () => {
    // A pcapng Section Header Block starts with the block type 0x0a0d0d0a.
    const shb = Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000', 'hex');
    await expectError(shb, /pcapng file, which is not supported.*tshark -F pcap -w out\.pcap -r x\.pcap/);
  });

  it('truncated: in the file header, in a record header, in a record', async () => {
    const whole = pcapFile(101, [{ seconds: 0, fraction: 0, data: request }, { seconds: 0, fraction: 1, data: request }]);
    await expectError(whole.subarray(0, 20), /truncated: 20 bytes, shorter than the 24-byte pcap file header/);
    await expectError(whole.subarray(0, 24 + 16 + request.length + 10), /truncated: the file ends 10 bytes into the 16-byte header of record 2 \(1 complete records read\)/);
    await expectError(whole.subarray(0, whole.length - 5), new RegExp(`truncated: record 2 holds ${request.length} bytes but only ${request.length - 5} remain`));
  });

  it('an unsupported link type, named', async () => {
    await expectError(pcapFile(105, []), /link type 105 \(IEEE802_11 \(Wi-Fi\)\) is not supported; supported: 1 EN10MB/);
  });

  it('a file that does not exist', async () => {
    await expect(readPcapFile(path.join(dir, 'missing.pcap'))).rejects.toThrow(/cannot read .*missing\.pcap: no such file/);
  });

  it('reads from a file as from memory', async () => {
    const file = path.join(dir, 'one.pcap');
    writeFileSync(file, pcapFile(1, [{ seconds: 0, fraction: 0, data: ethernet(0x0800, request) }]));
    expect((await readPcapFile(file)).segments).toHaveLength(1);
  });
});
