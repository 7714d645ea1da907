/**
 * The "nothing leaks" invariant read through the server's metrics (the sim's demo server has them
 * on): it passes after a clean run, and it reports what is left open when something is.
 */
import { describe, expect, it } from 'vitest';
import { Sim } from '../sim/sim.js';
import { MemoryLogger } from '../../server/core/logger.js';
import { checkInvariants } from './invariants.js';
import { demoServerOnSim } from './demo-server-on-sim.js';

describe('checkInvariants through the metrics', () => {
  it('the sim demo server has metrics on, and a clean run leaves nothing open in them', async () => {
    const sim = new Sim({ seed: 71 });
    const demo = demoServerOnSim(sim, new MemoryLogger());
    expect(demo.registry.metrics).not.toBeNull();
    const conn = sim.connect(demo.accept);
    await sim.run((async () => {
      await conn.client.write('GET /hello HTTP/1.1\r\nhost: sim.test\r\nconnection: close\r\n\r\n');
      await conn.client.until(() => conn.client.ended);
      conn.client.end();
      await conn.client.untilClosed();
    })());
    await sim.runUntilIdle();
    expect(checkInvariants(sim, demo.registry)).toEqual([]);
    expect(demo.registry.metrics!.snapshot().requests.total).toBe(1);
  });

  it('a connection left open with a request in flight is reported by the metrics too', async () => {
    const sim = new Sim({ seed: 72 });
    const demo = demoServerOnSim(sim, new MemoryLogger());
    const conn = sim.connect(demo.accept);
    // The scenario ends while /slow is still being answered and the client never closes.
    await sim.run((async () => {
      await conn.client.write('GET /slow?ms=60000 HTTP/1.1\r\nhost: sim.test\r\n\r\n');
      await sim.sleep(100);
    })());
    const problems = checkInvariants(sim, demo.registry);
    expect(problems).toContain('the server still has 1 connection(s) in its registry');
    expect(problems).toContain('the server\'s metrics count 1 connection(s) still open ({"h1":1,"h2":0,"h2c-upgrade":0})');
    expect(problems).toContain('the server\'s metrics count 1 request(s) still in flight');
    // Tidy up so the world ends (the test's own hygiene, not part of the check).
    conn.client.reset();
    await sim.runUntilIdle();
  });

  it('catches a leak the registry cannot see: an exchange that started and was never reported finished', () => {
    const sim = new Sim({ seed: 73 });
    const demo = demoServerOnSim(sim, new MemoryLogger());
    demo.server.metrics!.exchangeStarted();
    demo.server.metrics!.h2.streamOpened();
    expect(checkInvariants(sim, demo.registry)).toEqual([
      "the server's metrics count 1 request(s) still in flight",
      "the server's metrics count 1 HTTP/2 stream(s) still open",
    ]);
  });
});
