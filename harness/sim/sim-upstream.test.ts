import { describe, expect, it } from 'vitest';
import { Sim } from './sim.js';
import { CHOPPY } from './faults.js';
import { SimUpstream } from './sim-upstream.js';
import { checkInvariants } from '../runner/invariants.js';
import { createServer } from '../../server/server.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import { MemoryLogger } from '../../server/core/logger.js';
import { parseResponses } from '../http/response-parser.js';

const TARGET = 'echo.sim:7';
const CONNECT = `CONNECT ${TARGET} HTTP/1.1\r\nHost: ${TARGET}\r\n\r\n`;

function setup(seed: number, options: ConstructorParameters<typeof SimUpstream>[1] = {}) {
  const sim = new Sim({ seed, faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });
  const upstream = new SimUpstream(sim, options);
  const server = createServer({
    handler: createDemoRouter().handle,
    compression: false,
    clock: sim.clock,
    logger: new MemoryLogger(),
    connect: { allow: [TARGET], dial: upstream.dial },
  });
  const conn = sim.connect((t) => server.accept(t));
  return { sim, upstream, server, conn };
}

/** What followed the tunnel's 200 head, or null before the head is complete. */
function afterHead(received: Buffer): { head: string; rest: string } | null {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return null;
  return { head: received.subarray(0, end + 4).toString('latin1'), rest: received.subarray(end + 4).toString('latin1') };
}

describe('SimUpstream: an in-sim CONNECT target', () => {
  it('a tunnel to the echo service relays both ways, and a client half-close tears everything down cleanly', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { sim, upstream, server, conn } = setup(seed, { faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });
      const client = conn.client;
      await sim.run(
        (async () => {
          await client.write(CONNECT + 'early bytes;');
          await client.until(() => afterHead(client.received) !== null);
          await client.write('ping\x00\xff');
          await client.until(() => afterHead(client.received)!.rest === 'early bytes;ping\x00\xff');
          client.end();
          await client.untilClosed();
        })(),
      );
      await sim.runUntilIdle();
      expect(afterHead(client.received)!.head, `seed ${seed}`).toMatch(/^HTTP\/1\.1 200 /);
      expect(upstream.dials).toEqual([TARGET]);
      expect(upstream.sessions).toHaveLength(1);
      const session = upstream.sessions[0]!;
      expect(session.received.toString('latin1')).toBe('early bytes;ping\x00\xff');
      expect(session.ended && session.closed && session.error === null).toBe(true);
      expect(client.error).toBeNull();
      expect(checkInvariants(sim, server), `seed ${seed}`).toEqual([]);
    }
  });

  it('a refused dial is answered 502 and nothing is left open', async () => {
    const { sim, upstream, server, conn } = setup(1, { refuse: true });
    const client = conn.client;
    await sim.run(
      (async () => {
        await client.write(CONNECT);
        await client.until(() => client.ended);
        client.end();
        await client.untilClosed();
      })(),
    );
    await sim.runUntilIdle();
    const [r] = parseResponses(client.received, { closed: true }).responses;
    expect(r!.status).toBe(502);
    expect(upstream.dials).toEqual([TARGET]);
    expect(upstream.sessions).toHaveLength(0);
    expect(checkInvariants(sim, server)).toEqual([]);
  });

  it('the service can reset its side: the tunnel resets the client', async () => {
    const { sim, upstream, server, conn } = setup(2);
    const client = conn.client;
    await sim.run(
      (async () => {
        await client.write(CONNECT);
        await client.until(() => afterHead(client.received) !== null);
        upstream.sessions[0]!.reset();
        await client.untilClosed();
      })(),
    );
    await sim.runUntilIdle();
    expect(client.error).toBe('ECONNRESET');
    expect(checkInvariants(sim, server)).toEqual([]);
  });
});
