import { describe, expect, it } from 'vitest';
import http2 from 'node:http2';
import { Sim } from '../../harness/sim/sim.js';
import { CHOPPY, type FaultProfile } from '../../harness/sim/faults.js';
import { clientStream } from '../../harness/sim/node-streams.js';
import { createServer } from '../server.js';
import { createDemoRouter, patternBytes } from '../demo/demo-routes.js';
import { MemoryLogger } from '../core/logger.js';

interface Reply {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http2's client against aeronet over one simulated connection (h2c, prior knowledge). */
async function withSession<T>(seed: number, faults: FaultProfile, run: (request: (headers: http2.OutgoingHttpHeaders, body?: Buffer) => Promise<Reply>) => Promise<T>) {
  const sim = new Sim({ seed, faults: { clientToServer: faults, serverToClient: faults } });
  sim.useNodeStreams();
  const logger = new MemoryLogger();
  const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, logger, compression: false });
  const conn = sim.connect((t) => server.accept(t));
  const session = http2.connect('http://sim.test', { createConnection: () => clientStream(conn) });
  session.on('error', () => {});
  const request = (headers: http2.OutgoingHttpHeaders, body?: Buffer) =>
    new Promise<Reply>((resolve, reject) => {
      const req = session.request(headers, { endStream: body === undefined });
      const chunks: Buffer[] = [];
      let head: http2.IncomingHttpHeaders = {};
      req.on('response', (h) => { head = h; });
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(chunks) }));
      req.on('error', reject);
      if (body !== undefined) req.end(body);
    });
  const result = await sim.run(run(request));
  session.close();
  await sim.run(conn.client.untilClosed());
  await sim.runUntilIdle();
  return { result, sim, server, logger, conn };
}

describe('HTTP/2 over the simulated network (node:http2 client)', () => {
  it('answers GET /hello with h2c prior knowledge, over choppy links, for 10 seeds', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { result, server, sim } = await withSession(seed, CHOPPY, (request) => request({ ':path': '/hello' }));
      expect(result.status, `seed ${seed}`).toBe(200);
      expect(result.body.toString()).toBe('hello, world\n');
      expect(result.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(server.connectionCount).toBe(0);
      expect(sim.clock.pendingTimers).toBe(0);
    }
  });

  it('multiplexes 40 concurrent streams, each answered with its own bytes', async () => {
    const { result } = await withSession(3, CHOPPY, (request) =>
      Promise.all(Array.from({ length: 40 }, (_, i) => request({ ':path': `/bytes/${1000 + i * 97}` }))),
    );
    result.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.body.equals(patternBytes(0, 1000 + i * 97)), `stream ${i}`).toBe(true);
    });
  });

  it('streams large bodies both ways within the flow-control windows', async () => {
    const upload = patternBytes(7, 300_000);
    const { result } = await withSession(4, CHOPPY, async (request) => [await request({ ':method': 'POST', ':path': '/echo', 'content-type': 'application/x-test' }, upload), await request({ ':path': '/bytes/500000' })]);
    expect(result[0]!.status).toBe(200);
    expect(result[0]!.headers['content-type']).toBe('application/x-test');
    expect(result[0]!.body.equals(upload)).toBe(true);
    expect(result[1]!.body.equals(patternBytes(0, 500_000))).toBe(true);
  });

  it('answers an upload to a route that does not read it, stops the upload, and keeps serving', async () => {
    // The 404 is complete before the body is: the server grants the body no credit and, once the
    // client would need some, asks it to stop with RST_STREAM NO_ERROR (RFC 9113 §8.1), which a
    // client must not treat as a failed response.
    const upload = patternBytes(3, 300_000);
    const { result, server, sim, logger } = await withSession(6, CHOPPY, async (request) => [await request({ ':method': 'POST', ':path': '/nowhere' }, upload), await request({ ':path': '/hello' })]);
    expect(result[0]!.status).toBe(404);
    expect(result[0]!.body.toString()).toBe('not found\n');
    expect(result[1]!.status).toBe(200);
    expect(logger.find('http2.rst-stream').some((r) => r.code === 'NO_ERROR')).toBe(true);
    expect(server.connectionCount).toBe(0);
    expect(sim.clock.pendingTimers).toBe(0);
  });

  it('answers HEAD with the GET fields and no content, and 404 and 405 as HTTP/1.1 does', async () => {
    const { result } = await withSession(5, CHOPPY, async (request) => [await request({ ':method': 'HEAD', ':path': '/hello' }), await request({ ':path': '/nope' }), await request({ ':method': 'DELETE', ':path': '/hello' })]);
    expect(result[0]!.status).toBe(200);
    expect(result[0]!.headers['content-length']).toBe('13');
    expect(result[0]!.body.length).toBe(0);
    expect(result[1]!.status).toBe(404);
    expect(result[2]!.status).toBe(405);
    expect(result[2]!.headers['allow']).toContain('GET');
  });
});
