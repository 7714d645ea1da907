import { describe, expect, it } from 'vitest';
import http from 'node:http';
import http2 from 'node:http2';
import tls from 'node:tls';
import { Sim } from './sim.js';
import { CHOPPY, type FaultProfile } from './faults.js';
import { clientStream, transportStream } from './node-streams.js';
import { SIM_CA_PEM, SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM, SIM_TLS_SERVERNAME } from './sim-certs.js';
import { createServer } from '../../server/server.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import { MemoryLogger } from '../../server/core/logger.js';
import { parseResponses } from '../http/response-parser.js';

const BYTE_BY_BYTE: FaultProfile = { maxSegment: [1, 1], latencyMs: [0, 5], jitterMs: [0, 3] };

/** A TLS GET /hello from node:tls to aeronet over one simulated connection. */
async function tlsHello(seed: number, faults: FaultProfile) {
  const sim = new Sim({ seed, faults: { clientToServer: faults, serverToClient: faults } });
  sim.useNodeStreams();
  const logger = new MemoryLogger();
  const server = createServer({
    handler: createDemoRouter().handle, clock: sim.clock, logger, compression: false,
    tls: { cert: SIM_SERVER_CERT_PEM, key: SIM_SERVER_KEY_PEM },
    // HTTP/1.1 only: the client offers h2 first, and must be answered with http/1.1.
    http2: false,
  });
  const conn = sim.connect((t) => server.acceptTls(transportStream(t, sim.clock)));
  const socket = tls.connect({ socket: clientStream(conn), ca: SIM_CA_PEM, servername: SIM_TLS_SERVERNAME, ALPNProtocols: ['h2', 'http/1.1'] });
  const received: Buffer[] = [];
  socket.on('data', (d: Buffer) => received.push(d));
  const script = new Promise<{ alpn: string | false; authorized: boolean }>((resolve, reject) => {
    socket.once('secureConnect', () => {
      socket.write('GET /hello HTTP/1.1\r\nHost: sim.test\r\nConnection: close\r\n\r\n');
    });
    socket.once('end', () => {
      resolve({ alpn: socket.alpnProtocol ?? false, authorized: socket.authorized });
      socket.end();
    });
    socket.once('error', reject);
  });
  const result = await sim.run(script);
  await sim.run(conn.client.untilClosed());
  await sim.runUntilIdle();
  return { sim, server, result, responses: parseResponses(Buffer.concat(received), { closed: true }).responses, conn, logger };
}

describe('node streams over the simulated network', () => {
  it('runs a verified TLS handshake with 1-byte segments, for 10 seeds', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { sim, server, result, responses, conn } = await tlsHello(seed, BYTE_BY_BYTE);
      expect(result, `seed ${seed}`).toEqual({ alpn: 'http/1.1', authorized: true });
      expect(responses.map((r) => r.status)).toEqual([200]);
      expect(responses[0]!.body.toString()).toBe('hello, world\n');
      // Byte by byte: the number of data deliveries is at least the bytes exchanged.
      const deliveries = sim.trace.lines.filter((l) => / data 1 /.test(l)).length;
      expect(deliveries).toBeGreaterThan(1000);
      expect(conn.closed).toBe(true);
      expect(server.connectionCount).toBe(0);
      expect(sim.clock.pendingTimers).toBe(0);
    }
  });

  it('runs TLS over choppy links', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { result, responses, server } = await tlsHello(seed, CHOPPY);
      expect(result.alpn).toBe('http/1.1');
      expect(responses.map((r) => r.status)).toEqual([200]);
      expect(server.connectionCount).toBe(0);
    }
  });

  it('runs a node:http server over the server end', async () => {
    const sim = new Sim({ seed: 3, faults: { clientToServer: BYTE_BY_BYTE, serverToClient: CHOPPY } });
    sim.useNodeStreams();
    const nodeServer = http.createServer((req, res) => {
      res.sendDate = false;
      res.end(`you asked for ${req.url}`);
    });
    const conn = sim.connect((t) => nodeServer.emit('connection', transportStream(t, sim.clock)));
    const client = conn.client;
    await sim.run((async () => {
      await client.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await client.until(() => client.ended);
    })());
    client.end();
    await sim.run(client.untilClosed());
    await sim.runUntilIdle();
    const responses = parseResponses(client.received, { closed: true }).responses;
    expect(responses.map((r) => [r.status, r.body.toString()])).toEqual([[200, 'you asked for /a'], [200, 'you asked for /b']]);
    expect(conn.closed).toBe(true);
  });

  it('runs node:http2 client and server over both ends', async () => {
    const sim = new Sim({ seed: 5, faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });
    sim.useNodeStreams();
    const nodeServer = http2.createServer();
    nodeServer.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200 });
      stream.end(`h2 ${String(headers[':path'])}`);
    });
    const conn = sim.connect((t) => nodeServer.emit('connection', transportStream(t, sim.clock)));
    const session = http2.connect('http://sim', { createConnection: () => clientStream(conn) });
    const body = await sim.run(new Promise<string>((resolve, reject) => {
      const req = session.request({ ':path': '/x' });
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => { text += d; });
      req.on('end', () => resolve(text));
      req.on('error', reject);
      req.end();
    }));
    session.close();
    await sim.run(conn.client.untilClosed());
    await sim.runUntilIdle();
    expect(body).toBe('h2 /x');
  });
});

describe('TLS over the sim, determinism', () => {
  it('gives the same trace apart from encrypted contents for the same seed', async () => {
    const strip = (lines: string[]) => lines.map((l) => l.replace(/ [0-9a-f]{12}$/, ''));
    for (const seed of [1, 2, 3]) {
      const a = await tlsHello(seed, CHOPPY);
      const b = await tlsHello(seed, CHOPPY);
      expect(strip(a.sim.trace.lines)).toEqual(strip(b.sim.trace.lines));
    }
  });
});
