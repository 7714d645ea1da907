import { describe, expect, it } from 'vitest';
import { Sim, SimHang } from './sim.js';
import { CHOPPY } from './faults.js';
import { createServer } from '../../server/server.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import { MemoryLogger } from '../../server/core/logger.js';
import { parseResponses } from '../http/response-parser.js';

/** One keep-alive connection: two GET /hello and a POST /echo, then the client closes. */
async function exchange(seed: number, faults = { clientToServer: CHOPPY, serverToClient: CHOPPY }) {
  const sim = new Sim({ seed, faults });
  const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, logger: new MemoryLogger(), compression: false });
  const conn = sim.connect((t) => server.accept(t));
  const client = conn.client;
  const body = 'x'.repeat(3000);
  const script = (async () => {
    await client.write('GET /hello HTTP/1.1\r\nHost: sim\r\n\r\n');
    await client.write(`POST /echo HTTP/1.1\r\nHost: sim\r\ncontent-type: text/x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await client.write('GET /hello HTTP/1.1\r\nHost: sim\r\n\r\n');
    await client.until(() => parseResponses(client.received).responses.length === 3);
    client.end();
    await client.untilClosed();
  })();
  await sim.run(script);
  await sim.runUntilIdle();
  return { sim, server, responses: parseResponses(client.received).responses, conn };
}

describe('Sim over the real server', () => {
  it('answers every request correctly over choppy links, for 50 seeds, and tears down cleanly', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { sim, server, responses, conn } = await exchange(seed);
      expect(responses.map((r) => r.status), `seed ${seed}`).toEqual([200, 200, 200]);
      expect(responses[0]!.body.toString()).toBe('hello, world\n');
      expect(responses[1]!.body.toString()).toBe('x'.repeat(3000));
      expect(conn.closed, `seed ${seed}: connection closed`).toBe(true);
      expect(server.connectionCount, `seed ${seed}: registry empty`).toBe(0);
      expect(sim.clock.pendingTimers, `seed ${seed}: no timer left`).toBe(0);
    }
  });

  it('gives the same trace hash for the same seed, and different schedules for different seeds', async () => {
    const a = await exchange(7);
    const b = await exchange(7);
    expect(a.sim.trace.hash()).toBe(b.sim.trace.hash());
    expect(a.sim.trace.lines).toEqual(b.sim.trace.lines);
    const hashes = new Set<string>();
    for (let seed = 1; seed <= 10; seed++) hashes.add((await exchange(seed)).sim.trace.hash());
    expect(hashes.size).toBe(10);
  });

  it('runs a 60-second keep-alive timeout on virtual time', async () => {
    const sim = new Sim({ seed: 1 });
    const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, timeouts: { keepAliveMs: 60_000 } });
    const conn = sim.connect((t) => server.accept(t));
    const started = process.hrtime.bigint();
    // The server's FIN arrives after exactly the idle timeout; the client then closes its side.
    await sim.run(conn.client.until(() => conn.client.ended));
    conn.client.end();
    const realMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(sim.clock.time).toBe(60_000);
    expect(realMs).toBeLessThan(60_000); // proof it did not wait in real time; it takes milliseconds
    await sim.runUntilIdle();
    expect(server.connectionCount).toBe(0);
  });

  it('reports a hang instead of waiting forever', async () => {
    const sim = new Sim({ seed: 1 });
    const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, timeouts: { keepAliveMs: 0, headersMs: 0 } });
    const conn = sim.connect((t) => server.accept(t));
    // A request that never completes and no timeout to end it: nothing will ever happen.
    const waiting = (async () => {
      await conn.client.write('GET /hello HTTP/1.1\r\n');
      await conn.client.untilClosed();
    })();
    await expect(sim.run(waiting)).rejects.toBeInstanceOf(SimHang);
  });
});
