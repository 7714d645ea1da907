import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../core/logger.js';
import { createServer } from '../server.js';
import { Sim } from '../../harness/sim/sim.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { clientStream, transportStream } from '../../harness/sim/node-streams.js';
import { SIM_CA_PEM, SIM_SERVER_CERT_PEM, SIM_SERVER_KEY_PEM } from '../../harness/sim/sim-certs.js';
import { createTestPki, type TestCa, type TestLeaf, type TestPki } from './test-support/pki.js';

/**
 * acceptTls() (the simulation's path) with a context per connection: the ClientHello is read
 * from 1-byte and choppy segments on virtual time, the client-certificate policy applies, ticket
 * rotation runs on the sim's clock, and the key log gets every session. Nothing is left on the
 * virtual clock once the server has closed.
 */

let pki: TestPki;
let clientCa: TestCa;
let alice: TestLeaf;

beforeAll(() => {
  pki = createTestPki();
  clientCa = pki.ca('sim-client-ca');
  alice = pki.leaf(clientCa, 'alice', { usage: 'client' });
});
afterAll(() => pki?.cleanup());

function world(seed: number, maxSegment: number | null) {
  const sim = new Sim({ seed, faults: maxSegment === null ? { clientToServer: CHOPPY, serverToClient: CHOPPY } : { clientToServer: { maxSegment: [maxSegment, maxSegment] as [number, number] }, serverToClient: { maxSegment: [maxSegment, maxSegment] as [number, number] } } });
  sim.useNodeStreams();
  const logger = new MemoryLogger();
  const keyLog: string[] = [];
  const server = createServer({
    clock: sim.clock,
    logger,
    compression: false,
    handler: (req, res) => res.json({ cn: req.tls?.clientCertificate?.subject ?? null, reused: req.tls?.sessionReused, authorized: req.tls?.authorized }),
    tls: {
      cert: SIM_SERVER_CERT_PEM,
      key: SIM_SERVER_KEY_PEM,
      alpn: ['http/1.1'],
      clientAuth: { mode: 'required', ca: clientCa.cert },
      ticketRotation: { intervalMs: 60_000, windowMs: 60_000 },
      keyLog: (line) => void keyLog.push(line.toString()),
    },
  });
  /** One GET over a new simulated connection; resolves with the body, or the client's error. */
  const get = (options: { client?: TestLeaf; session?: Buffer } = {}): Promise<{ body: string | null; error: string | null; session: Buffer | null }> => {
    const conn = sim.connect((t) => server.acceptTls(transportStream(t, sim.clock)), undefined, { serverPort: 443, opaque: true });
    const socket = tls.connect({
      socket: clientStream(conn), ca: SIM_CA_PEM, servername: 'sim.test',
      ...(options.client ? { cert: options.client.cert, key: options.client.key } : {}),
      ...(options.session ? { session: options.session } : {}),
    });
    let text = '';
    let error: string | null = null;
    let session: Buffer | null = null;
    socket.on('session', (s: Buffer) => (session ??= s));
    socket.once('secureConnect', () => socket.write('GET / HTTP/1.1\r\nhost: sim.test\r\nconnection: close\r\n\r\n'));
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => (error ??= err.code ?? err.message));
    // The server closes after `connection: close`; the client then ends its side (the sim's TLS
    // client does not close on its own after the server's close_notify, being half-open).
    socket.on('end', () => socket.end());
    return sim.run(new Promise((resolve) => socket.once('close', () => resolve({ body: text.includes('\r\n\r\n') ? text.split('\r\n\r\n')[1]! : null, error, session }))));
  };
  return { sim, server, logger, keyLog, get };
}

describe('acceptTls with client-certificate policies, rotation and key log, on the simulation', () => {
  for (const [label, maxSegment] of [['1-byte segments', 1], ['choppy links', null]] as const) {
    it(`${label}: a verified client is served, one without a certificate is refused in the handshake`, async () => {
      const w = world(3, maxSegment);
      const ok = await w.get({ client: alice });
      expect(JSON.parse(ok.body!)).toEqual({ cn: 'CN=alice', reused: false, authorized: true });
      const refused = await w.get({});
      expect(refused.body).toBeNull();
      // The alert goes out; on 1-byte links the client may see its own write fail (the server has closed) first.
      expect(refused.error).toMatch(/CERTIFICATE_REQUIRED|ECONNRESET|EPIPE/);
      expect(w.logger.find('tls.client-auth-refused')[0]).toMatchObject({ how: 'in-handshake alert' });
      expect(w.logger.find('tls.client-auth-refused')).toHaveLength(1);
      expect(w.keyLog.join('')).toMatch(/CLIENT_TRAFFIC_SECRET_0 /);
      await w.sim.run(w.server.close({ deadlineMs: 1000 }));
      await w.sim.runUntilIdle();
      expect(w.server.handshakeCount).toBe(0);
      expect(w.sim.clock.pendingTimers).toBe(0);
    });
  }

  it('a session resumes within the rotation window on virtual time, not after it', async () => {
    const w = world(5, null);
    const first = await w.get({ client: alice });
    const again = await w.get({ session: first.session! });
    expect(JSON.parse(again.body!)).toEqual({ cn: 'CN=alice', reused: true, authorized: true });
    await w.sim.run(w.sim.sleep(120_000)); // two rotations: the first key is out of its window
    const late = await w.get({ session: first.session! });
    expect(late.body).toBeNull(); // not resumed, so a full handshake, which needs a certificate
    expect(late.error).toMatch(/CERTIFICATE_REQUIRED|ECONNRESET|EPIPE/);
    await w.sim.run(w.server.close({ deadlineMs: 1000 }));
    await w.sim.runUntilIdle();
    expect(w.sim.clock.pendingTimers).toBe(0);
  });
});
