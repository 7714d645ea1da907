import { describe, expect, it } from 'vitest';
import { StreamReassembler, seqDiff, tcpFlows, type DirectionStream } from './tcp-flows.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Endpoint, type TcpSegment } from './pcap-reader.js';

const CLIENT: Endpoint = { address: '192.0.2.10', port: 51000 };
const SERVER: Endpoint = { address: '192.0.2.1', port: 8080 };
const PSH = 0x08;

/** Hand-built packets of one connection: `c(...)` from the client, `s(...)` from the server, numbered in order. */
function builder(clientIsn: number, serverIsn: number) {
  const segments: TcpSegment[] = [];
  const add = (from: 'client' | 'server', timeMs: number, seqOffset: number, flags: number, payload = '') => {
    const isn = from === 'client' ? clientIsn : serverIsn;
    segments.push({
      packet: segments.length + 1,
      timeMs,
      family: 4,
      src: from === 'client' ? CLIENT : SERVER,
      dst: from === 'client' ? SERVER : CLIENT,
      // Offsets count from the SYN's sequence number: byte k of the stream is at isn + 1 + k.
      seq: (isn + seqOffset) >>> 0,
      ack: 0,
      flags,
      window: 65535,
      payload: Buffer.from(payload, 'latin1'),
      missing: 0,
    });
  };
  return {
    segments,
    handshake(t = 0) {
      add('client', t, 0, TCP_SYN);
      add('server', t + 0.05, 0, TCP_SYN | TCP_ACK);
      add('client', t + 0.1, 1, TCP_ACK);
    },
    /** Client data starting at stream byte `at` (0-based). */
    c(timeMs: number, at: number, payload: string, flags = PSH | TCP_ACK) {
      add('client', timeMs, 1 + at, flags, payload);
    },
    s(timeMs: number, at: number, payload: string, flags = PSH | TCP_ACK) {
      add('server', timeMs, 1 + at, flags, payload);
    },
  };
}

function chunks(d: DirectionStream): Array<[number, string]> {
  return d.chunks.map((c) => [c.atMs, c.bytes.toString('latin1')]);
}

describe('tcpFlows: one connection, reassembled as the receiver got it', () => {
  it('in-order segments are delivery chunks at their times, relative to the SYN; the SYN decides the roles', () => {
    const b = builder(1000, 5000);
    b.handshake(10);
    b.c(11, 0, 'GET / HT');
    b.c(15.5, 8, 'TP/1.1\r\n\r\n');
    b.s(16, 0, 'HTTP/1.1 200 OK\r\n');
    const [conn, ...rest] = tcpFlows(b.segments);
    expect(rest).toEqual([]);
    expect(conn!.client).toEqual(CLIENT);
    expect(conn!.server).toEqual(SERVER);
    expect(conn!.roles).toBe('syn');
    expect(conn!.handshake).toBe(true);
    expect(conn!.established).toBe(true);
    expect(conn!.startMs).toBe(10);
    expect(chunks(conn!.fromClient)).toEqual([[1, 'GET / HT'], [5.5, 'TP/1.1\r\n\r\n']]);
    expect(conn!.fromClient.chunks.map((c) => c.packet)).toEqual([4, 5]);
    expect(chunks(conn!.fromServer)).toEqual([[6, 'HTTP/1.1 200 OK\r\n']]);
    expect(conn!.fromClient.fin).toBeNull();
    expect(conn!.fromClient.stuck).toBeNull();
  });

  it('a retransmission is dropped and counted; the first copy is what was delivered', () => {
    const b = builder(1, 2);
    b.handshake();
    b.c(1, 0, 'abcd');
    b.c(201, 0, 'abcd'); // RTO retransmission of a segment that had arrived
    b.c(202, 4, 'efgh');
    const c = tcpFlows(b.segments)[0]!.fromClient;
    expect(chunks(c)).toEqual([[1, 'abcd'], [202, 'efgh']]);
    expect(c.stats).toMatchObject({ dataSegments: 3, retransmitted: 1, duplicateBytes: 4, conflictingBytes: 0, outOfOrder: 0 });
  });

  it('reordering: a segment past a hole waits, and both become available when the hole fills, as one chunk at that time', () => {
    const b = builder(7, 9);
    b.handshake();
    b.c(1, 0, 'GET ');
    b.c(2, 8, 'HTTP/1.1\r\n\r\n'); // arrives before the bytes at 4..8
    b.c(3, 4, '/ab ');
    const c = tcpFlows(b.segments)[0]!.fromClient;
    expect(chunks(c)).toEqual([[1, 'GET '], [3, '/ab HTTP/1.1\r\n\r\n']]);
    expect(c.chunks[1]!.packet).toBe(6);
    expect(c.stats.outOfOrder).toBe(1);
    expect(c.bytes).toBe(20);
  });

  it('an exact duplicate of a held out-of-order segment is dropped too', () => {
    const b = builder(100, 200);
    b.handshake();
    b.c(1, 4, 'efgh');
    b.c(1.5, 4, 'efgh');
    b.c(2, 0, 'abcd');
    const c = tcpFlows(b.segments)[0]!.fromClient;
    expect(chunks(c)).toEqual([[2, 'abcdefgh']]);
    expect(c.stats).toMatchObject({ retransmitted: 1, duplicateBytes: 4, outOfOrder: 1 });
  });

  it('overlaps: only the new bytes of a segment count, on both sides of a held piece; a differing copy is counted and the first kept', () => {
    const b = builder(0xdead, 0xbeef);
    b.handshake();
    b.c(1, 0, 'abcdef');
    b.c(2, 10, 'klmn'); // held
    b.c(3, 4, 'eXghijklmnop'); // repeats e,f (f differs: X), fills 6..10, repeats k..n, adds o,p
    const c = tcpFlows(b.segments)[0]!.fromClient;
    expect(chunks(c)).toEqual([[1, 'abcdef'], [3, 'ghijklmnop']]);
    expect(c.stats).toMatchObject({ retransmitted: 1, duplicateBytes: 6, conflictingBytes: 1 });
  });

  it('FIN: counts once every byte before it has arrived (a FIN past a hole waits for it); retransmitted FINs and bytes past it are ignored', () => {
    const b = builder(50, 60);
    b.handshake();
    b.c(1, 0, 'ab');
    b.c(2, 4, 'ef', TCP_FIN | TCP_ACK); // FIN at offset 6, but 2..4 is missing
    b.c(3, 4, 'ef', TCP_FIN | TCP_ACK); // retransmitted
    b.c(4, 2, 'cd');
    b.c(5, 6, 'zz'); // past the FIN
    const conn = tcpFlows(b.segments)[0]!;
    const c = conn.fromClient;
    expect(chunks(c)).toEqual([[1, 'ab'], [4, 'cdef']]);
    expect(c.fin).toEqual({ atMs: 4, packet: 7 });
    expect(c.stats.ignoredBytes).toBe(2);
    expect(conn.fromServer.fin).toBeNull();
  });

  it('RST: ends the direction at once; bytes held past a hole are never delivered, later ones ignored', () => {
    const b = builder(3, 4);
    b.handshake();
    b.c(1, 0, 'abc');
    b.c(2, 5, 'fgh'); // hole at 3..5
    b.c(3, 3, '', TCP_RST);
    b.c(4, 3, 'de');
    const c = tcpFlows(b.segments)[0]!.fromClient;
    expect(chunks(c)).toEqual([[1, 'abc']]);
    expect(c.rst).toEqual({ atMs: 3, packet: 6 });
    expect(c.fin).toBeNull();
    expect(c.stuck).toEqual({ offset: 3, missingBytes: 2, heldBytes: 3 });
    expect(c.stats.ignoredBytes).toBe(2);
  });

  it('a hole that never fills is reported with what is stuck behind it', () => {
    const b = builder(10, 20);
    b.handshake();
    b.c(1, 0, 'abc');
    b.c(2, 10, 'xyz', TCP_FIN | TCP_ACK);
    const c = tcpFlows(b.segments)[0]!.fromClient;
    expect(chunks(c)).toEqual([[1, 'abc']]);
    expect(c.stuck).toEqual({ offset: 3, missingBytes: 7, heldBytes: 3 });
    expect(c.fin).toBeNull();
  });

  it('32-bit wraparound: a stream whose sequence numbers pass 2^32 reassembles in order, reordering across the wrap included', () => {
    // The SYN is 5 before 2^32: stream bytes 0..3 sit below the wrap, byte 4 is at sequence 0.
    const b = builder(0xffff_fffa, 0xffff_ffff);
    b.handshake();
    expect(b.segments[0]!.seq).toBe(0xffff_fffa);
    b.c(1, 0, 'abc');
    b.c(2, 6, 'ghij'); // sequence 1..4: past the wrap, ahead of a hole
    b.c(3, 3, 'def'); // sequence 0xfffffffe..0: spans the wrap
    b.c(4, 10, 'k', TCP_FIN | PSH | TCP_ACK);
    b.s(4.5, 0, 'ok'); // the server's ISN is 2^32 - 1: its first byte is at sequence 0
    const conn = tcpFlows(b.segments)[0]!;
    expect(b.segments[4]!.seq).toBe(1);
    expect(chunks(conn.fromClient)).toEqual([[1, 'abc'], [3, 'defghij'], [4, 'k']]);
    expect(conn.fromClient.fin?.atMs).toBe(4);
    expect(chunks(conn.fromServer)).toEqual([[4.5, 'ok']]);
  });

  it('seqDiff is the signed distance modulo 2^32', () => {
    expect(seqDiff(5, 0xffff_fffb)).toBe(10);
    expect(seqDiff(0xffff_fffb, 5)).toBe(-10);
    expect(seqDiff(0x8000_0000, 0)).toBe(-0x8000_0000);
  });

  it('a retransmitted SYN keeps the connection; a SYN with a new ISN on the same 4-tuple starts a new one', () => {
    const b = builder(1000, 2000);
    b.handshake(0);
    b.segments.splice(1, 0, { ...b.segments[0]!, packet: 0, timeMs: 0.01 }); // the SYN twice
    b.c(1, 0, 'one');
    b.c(2, 3, '', TCP_FIN | TCP_ACK);
    const second = builder(900_000, 3000); // the same ports reused after TIME_WAIT
    second.handshake(100);
    second.c(101, 0, 'two');
    const all = [...b.segments, ...second.segments].map((s, i) => ({ ...s, packet: i + 1 }));
    const flows = tcpFlows(all);
    expect(flows.map((f) => f.index)).toEqual([1, 2]);
    expect(flows.map((f) => chunks(f.fromClient))).toEqual([[[1, 'one']], [[1, 'two']]]);
    expect(flows[1]!.startMs).toBe(100);
  });

  it('without a SYN: the SYN-ACK names the server; without either, the lower port or --server-port does', () => {
    const midStream = (srcPort: number, dstPort: number): TcpSegment => ({
      packet: 1, timeMs: 0, family: 4,
      src: { address: '10.1.1.1', port: srcPort }, dst: { address: '10.1.1.2', port: dstPort },
      seq: 77, ack: 0, flags: PSH | TCP_ACK, window: 1, payload: Buffer.from('data'), missing: 0,
    });
    const byLowerPort = tcpFlows([midStream(40000, 8080)])[0]!;
    expect(byLowerPort).toMatchObject({ roles: 'lower-port', handshake: false, server: { port: 8080 }, client: { port: 40000 } });
    expect(chunks(byLowerPort.fromClient)).toEqual([[0, 'data']]);
    // The lower port is the client's here: --server-port says otherwise.
    const byFlag = tcpFlows([midStream(9000, 50000)], { serverPort: 50000 })[0]!;
    expect(byFlag).toMatchObject({ roles: 'server-port', server: { port: 50000 } });
    expect(chunks(byFlag.fromClient)).toEqual([[0, 'data']]);
    const b = builder(5, 6);
    b.handshake();
    const synAck = tcpFlows(b.segments.slice(1))[0]!;
    expect(synAck).toMatchObject({ roles: 'syn-ack', handshake: false, server: SERVER, established: true });
  });

  it('a SYN answered by a RST is a connection that was never established', () => {
    const b = builder(5, 0);
    b.handshake();
    b.segments.splice(1, 2, { ...b.segments[1]!, flags: TCP_RST | TCP_ACK });
    const [conn] = tcpFlows(b.segments);
    expect(conn!.established).toBe(false);
    expect(conn!.fromServer.rst).not.toBeNull();
  });
});

describe('StreamReassembler', () => {
  it('a capture begun mid-stream starts at the first segment; bytes before it are ignored', () => {
    const r = new StreamReassembler();
    r.push({ seq: 1000, flags: TCP_ACK, payload: Buffer.from('later'), packet: 1 }, 0);
    r.push({ seq: 990, flags: TCP_ACK, payload: Buffer.from('0123456789'), packet: 2 }, 1);
    r.push({ seq: 1005, flags: TCP_ACK, payload: Buffer.from('!'), packet: 3 }, 2);
    const d = r.finish();
    expect(chunks(d)).toEqual([[0, 'later'], [2, '!']]);
    expect(d.stats.ignoredBytes).toBe(10);
  });

  it('bytes a snaplen cut off leave a hole that never fills', () => {
    const r = new StreamReassembler(100);
    r.push({ seq: 100, flags: TCP_ACK, payload: Buffer.from('abc'), packet: 1, missing: 5 }, 0);
    r.push({ seq: 108, flags: TCP_ACK | TCP_FIN, payload: Buffer.from('xy'), packet: 2 }, 1);
    const d = r.finish();
    expect(chunks(d)).toEqual([[0, 'abc']]);
    expect(d.snaplenMissing).toBe(5);
    expect(d.stuck).toEqual({ offset: 3, missingBytes: 5, heldBytes: 2 });
  });

  it('a stream longer than 4 GiB in sequence space keeps ordering (offsets are not taken modulo 2^32)', () => {
    const r = new StreamReassembler(0);
    // 5,000 segments of 1 MiB (one buffer, shared: the reassembler keeps payloads by reference).
    let seq = 0;
    const piece = Buffer.alloc(1 << 20, 0x61);
    for (let k = 0; k < 5000; k++) {
      r.push({ seq, flags: TCP_ACK, payload: piece, packet: k + 1 }, k);
      seq = (seq + piece.length) >>> 0;
    }
    const d = r.finish();
    expect(d.bytes).toBe(5000 * (1 << 20));
    expect(d.bytes).toBeGreaterThan(2 ** 32);
    expect(d.chunks).toHaveLength(5000);
    expect(d.stats.retransmitted).toBe(0);
  });
});
