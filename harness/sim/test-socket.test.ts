import { describe, expect, it } from 'vitest';
import { Sim } from './sim.js';
import type { FaultProfile } from './faults.js';
import type { Transport, TransportEvents } from '../../server/transport/transport.js';
import { createServer } from '../../server/server.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import { MemoryLogger } from '../../server/core/logger.js';

/** A connection whose server end records every TransportEvents call, in order. */
function rig(latencyMs = 0) {
  const profile: FaultProfile = { latencyMs: [latencyMs, latencyMs] };
  const sim = new Sim({ seed: 'socket-errors', faults: { clientToServer: profile, serverToClient: profile } });
  const events: string[] = [];
  let transport: Transport | null = null;
  const recorder: TransportEvents = {
    onData: (chunk) => events.push(`data ${chunk.toString('latin1')}`),
    onEnd: () => events.push('end'),
    onDrain: () => events.push('drain'),
    onClose: () => events.push('close'),
    onError: (error) => events.push(`error ${error.code}`),
  };
  const conn = sim.connect((t) => {
    transport = t;
    t.attach(recorder);
  });
  const idle = () => sim.runUntilIdle();
  const errors = () => events.filter((e) => e.startsWith('error'));
  const closes = () => events.filter((e) => e === 'close');
  return { sim, conn, events, server: transport! as Transport, idle, errors, closes };
}

describe('SimServerTransport surfaces a peer reset as a Linux socket under an event loop would', () => {
  it('a reading socket: the pending read fails with ECONNRESET when the RST arrives, then close, once each', async () => {
    const r = rig(5);
    await r.conn.client.write('hello');
    await r.idle();
    r.conn.client.reset();
    await r.sim.run(r.sim.sleep(4));
    expect(r.errors()).toEqual([]); // the RST is still on its way
    await r.idle();
    expect(r.events).toEqual(['data hello', 'error ECONNRESET', 'close']);
    expect(r.sim.trace.lines.some((l) => l.endsWith('c1 server read ECONNRESET'))).toBe(true);
    expect(r.server.closed).toBe(true);
    expect(r.server.write(Buffer.from('late'))).toBe(false);
    await r.idle();
    expect(r.errors()).toHaveLength(1);
  });

  it('after the peer\'s FIN (CLOSE_WAIT) nothing reads: the next write fails with EPIPE, once, then close', async () => {
    const r = rig(2);
    await r.conn.client.write('GET / HTTP/1.1\r\n\r\n');
    r.conn.client.end();
    await r.idle();
    expect(r.events).toEqual(['data GET / HTTP/1.1\r\n\r\n', 'end']);
    r.conn.client.reset();
    await r.idle();
    // The RST has arrived, but nothing polls the socket: the server cannot know yet.
    expect(r.events).toEqual(['data GET / HTTP/1.1\r\n\r\n', 'end']);
    expect(r.server.closed).toBe(false);
    expect(r.sim.trace.lines.some((l) => l.endsWith('c1 server socket holds EPIPE (nothing polling it)'))).toBe(true);
    expect(r.server.write(Buffer.from('HTTP/1.1 200 OK\r\n'))).toBe(false);
    expect(r.server.writeLatin1('more')).toBe(false);
    expect(r.server.closed).toBe(true);
    // Reported on a later turn, as a socket reports a failed write; never inside write().
    expect(r.errors()).toEqual([]);
    await r.idle();
    expect(r.events.slice(2)).toEqual(['error EPIPE', 'close']);
    expect(r.conn.s2c.sentBytes).toBe(0);
    r.server.end();
    r.server.close();
    r.server.reset();
    await r.idle();
    expect(r.errors()).toHaveLength(1);
    expect(r.closes()).toHaveLength(1);
  });

  it('a paused socket in ESTABLISHED: the next write fails with ECONNRESET (the error the RST left), then close', async () => {
    const r = rig(1);
    r.server.pause();
    r.conn.client.reset();
    await r.idle();
    expect(r.events).toEqual([]);
    expect(r.server.write(Buffer.from('x'))).toBe(false);
    await r.idle();
    expect(r.events).toEqual(['error ECONNRESET', 'close']);
  });

  it('a paused socket that resumes reading: the read fails with ECONNRESET', async () => {
    const r = rig(1);
    r.server.pause();
    r.conn.client.reset();
    await r.idle();
    r.server.resume();
    await r.idle();
    expect(r.events).toEqual(['error ECONNRESET', 'close']);
  });

  it('a write waiting for drain is polled for: it fails when the RST arrives, even on a paused socket', async () => {
    const r = rig(3);
    r.server.pause();
    r.conn.client.reset();
    // Inside the RST's flight the server does not know: its write is accepted, and never drains.
    expect(r.server.write(Buffer.from('into the void'))).toBe(false);
    expect(r.events).toEqual([]);
    await r.idle();
    expect(r.events).toEqual(['error ECONNRESET', 'close']);
    expect(r.sim.trace.lines.some((l) => l.endsWith('c1 server write ECONNRESET'))).toBe(true);
  });

  it('a reset by the server after the peer\'s reset closes its socket at once, quietly', async () => {
    const r = rig(5);
    r.server.pause();
    r.conn.client.reset();
    r.server.reset();
    expect(r.server.closed).toBe(true);
    await r.idle();
    expect(r.events).toEqual(['close']);
  });
});

describe('SimClient reports its error code', () => {
  it('ECONNRESET when the server resets; EPIPE when the server\'s FIN came first (CLOSE_WAIT); writes then fail with EPIPE', async () => {
    const plain = rig(1);
    plain.server.reset();
    await plain.idle();
    expect(plain.conn.client.closed && plain.conn.client.error).toBe('ECONNRESET');
    await expect(plain.conn.client.write('x')).rejects.toMatchObject({ code: 'EPIPE' });

    const afterFin = rig(1);
    afterFin.server.end();
    await afterFin.idle();
    expect(afterFin.conn.client.ended && !afterFin.conn.client.closed).toBe(true);
    afterFin.server.reset();
    await afterFin.idle();
    expect(afterFin.conn.client.error).toBe('EPIPE');
  });
});

describe('the real server meets write EPIPE', () => {
  it('a client sends a request and FIN, then resets while the handler works: the response write fails with EPIPE, the connection closes once, nothing crashes', async () => {
    const sim = new Sim({ seed: 'epipe', faults: { clientToServer: { latencyMs: [2, 2] }, serverToClient: { latencyMs: [2, 2] } } });
    const logger = new MemoryLogger();
    const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, logger, compression: false });
    const conn = sim.connect((t) => server.accept(t));
    await conn.client.write('GET /slow?ms=500 HTTP/1.1\r\nHost: sim\r\n\r\n');
    conn.client.end();
    await sim.run(sim.sleep(10));
    expect(conn.c2s.finDelivered).toBe(true);
    conn.client.reset();
    await sim.run(sim.sleep(100));
    // The server is still working on the request and has not been told.
    expect(server.connectionCount).toBe(1);
    await sim.runUntilIdle();
    expect(sim.clock.time).toBeGreaterThanOrEqual(500);
    expect(server.connectionCount).toBe(0);
    expect(conn.server.closed).toBe(true);
    expect(sim.clock.pendingTimers).toBe(0);
    expect(logger.find('http1.transport-error').map((r) => r['code'])).toEqual(['EPIPE']);
    expect(logger.records.filter((r) => r.level === 'error')).toEqual([]);
    expect(conn.client.receivedBytes).toBe(0);
    expect(sim.trace.lines.filter((l) => l.includes('server write EPIPE'))).toHaveLength(1);
  });
});
