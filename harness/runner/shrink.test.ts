import { describe, expect, it } from 'vitest';
import { defineScenario } from './scenario.js';
import { shrink } from './shrink.js';
import { runScenario } from './run-scenario.js';
import { CHOPPY } from '../sim/faults.js';

/**
 * Fails only when the server's response reaches the client in more than two pieces: a stand-in
 * for a client bug that only partial delivery exposes. Every other fault is irrelevant to it.
 */
const failsWhenSplit = defineScenario({
  name: 'test/fails-when-split',
  description: 'fails when a 3000-byte response arrives in more than two reads',
  faults: { clientToServer: CHOPPY, serverToClient: { ...CHOPPY, maxSegment: [1, 500] } },
  async run({ sim, connect, responses, check }) {
    const conn = connect();
    await conn.client.write('GET /bytes/3000 HTTP/1.1\r\nHost: sim\r\n\r\n');
    const [r] = await responses(conn, 1);
    check(r?.status === 200, 'status');
    // What the client observed: how many deliveries the response came in.
    const pieces = sim.trace.lines.filter((line) => line.includes(' s->c data ')).length;
    check(pieces <= 2, `response arrived in ${pieces} pieces`);
  },
});

describe('shrink', () => {
  it('removes every irrelevant fault and keeps the split that causes the failure', async () => {
    const first = await runScenario(failsWhenSplit, 4);
    expect(first.ok).toBe(false);
    const outcome = await shrink(failsWhenSplit, 4);
    expect(outcome).not.toBeNull();
    const { result, overrides, steps } = outcome!;
    expect(result.ok).toBe(false);
    expect(result.failure!.kind).toBe('expectation');
    const c2s = result.faults[0]!.clientToServer;
    const s2c = result.faults[0]!.serverToClient;
    // The request direction is irrelevant: a perfect link.
    expect(c2s).toMatchObject({ maxSegment: 65536, latencyMs: 0, jitterMs: 0, coalesce: 0, stallChance: 0 });
    // The response direction keeps only what the failure needs: splitting.
    expect(s2c).toMatchObject({ latencyMs: 0, jitterMs: 0, coalesce: 0, stallChance: 0 });
    expect(s2c.maxSegment).toBeLessThan(3000);
    expect(s2c.maxSegment).toBeGreaterThan(first.faults[0]!.serverToClient.maxSegment);
    expect(steps.length).toBeGreaterThan(5);
    // The overrides alone reproduce the shrunk failure.
    const replay = await runScenario(failsWhenSplit, 4, overrides);
    expect(replay.traceHash).toBe(result.traceHash);
  });

  it('returns null for a run that does not fail', async () => {
    const passing = defineScenario({ ...failsWhenSplit, name: 'test/passes', faults: {}, async run({ connect, responses, check }) {
      const conn = connect();
      await conn.client.write('GET /hello HTTP/1.1\r\nHost: sim\r\n\r\n');
      check((await responses(conn, 1))[0]?.status === 200, 'status');
    } });
    expect(await shrink(passing, 1)).toBeNull();
  });
});
