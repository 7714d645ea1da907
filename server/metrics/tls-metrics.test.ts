/** TLS handshake counts through acceptTls() (the path the simulation uses), on virtual time. */
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { Sim } from '../../harness/sim/sim.js';
import { clientStream, transportStream } from '../../harness/sim/node-streams.js';
import { SIM_CA_PEM, SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM, SIM_TLS_SERVERNAME } from '../../harness/sim/sim-certs.js';
import { createServer } from '../server.js';
import { createDemoRouter } from '../demo/demo-routes.js';
import { MemoryLogger } from '../core/logger.js';

describe('TLS handshake metrics over acceptTls', () => {
  it('counts a completed handshake, a failed one by its reason, and one that timed out', async () => {
    const sim = new Sim({ seed: 81 });
    sim.useNodeStreams();
    const server = createServer({
      handler: createDemoRouter().handle, clock: sim.clock, logger: new MemoryLogger(), compression: false, metrics: true,
      tls: { cert: SIM_SERVER_CERT_PEM, key: SIM_SERVER_KEY_PEM }, timeouts: { headersMs: 2_000 },
    });
    const accept = (t: Parameters<typeof server.accept>[0]) => server.acceptTls(transportStream(t, sim.clock));
    const good = sim.connect(accept);
    const garbage = sim.connect(accept);
    const silent = sim.connect(accept);
    const socket = tls.connect({ socket: clientStream(good), ca: SIM_CA_PEM, servername: SIM_TLS_SERVERNAME, ALPNProtocols: ['http/1.1'] });
    socket.on('error', () => {});
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
    const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    await sim.run((async () => {
      await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
      socket.write('GET /hello HTTP/1.1\r\nhost: sim.test\r\nconnection: close\r\n\r\n');
      await garbage.client.write('this is not a ClientHello\r\n\r\n');
      // The third sends nothing: the handshake times out at headersMs.
      for (const c of [garbage, silent]) {
        await c.client.until(() => c.client.ended || c.client.closed);
        if (!c.client.closed) c.client.end();
        await c.client.untilClosed();
      }
      await ended;
      socket.end();
      await good.client.untilClosed();
    })());
    await sim.runUntilIdle();
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    const m = server.metrics!.snapshot();
    expect(m.tls.handshakes).toBe(1);
    expect(Object.values(m.tls.failures).reduce((a, b) => a + b, 0)).toBe(2);
    expect(m.tls.failures['timeout']).toBe(1);
    expect(Object.keys(m.tls.failures).find((k) => k !== 'timeout')).toMatch(/^ERR_SSL_[A-Z_]+$/);
    expect(m.connections).toMatchObject({ open: 0, accepted: 1, openTls: 0 });
    expect(server.metrics!.expose()).toContain('aeronet_connections_opened_total{protocol="h1",tls="true"} 1\n');
    expect(server.metrics!.requestCounts()).toEqual({ 'GET /hello 2xx': 1 });
  });
});
