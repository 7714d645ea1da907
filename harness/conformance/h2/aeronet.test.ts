import { describe, expect, it } from 'vitest';
import { CHOPPY } from '../../sim/faults.js';
import { ALL_CASES } from './cases/index.js';
import { runH2Suite, type SuiteReport } from './run-suite.js';
import { aeronetSimTarget, AERONET_PATHS } from './test-support/servers.js';

/** Failures as "id: actual", so a failing assertion says what the server did. */
const failures = (report: SuiteReport) => report.cases.filter((c) => c.result === 'failed').map((c) => `${c.id}: ${c.actual}`);

/*
 * The whole suite against aeronet, in-process over the simulated network. Every case must pass,
 * in default and in strict mode, on reliable links and on choppy ones. When one does not, it is
 * a server bug: the assertion stays, the server gets fixed.
 */
describe('the HTTP/2 conformance suite against aeronet (sim)', () => {
  it('passes every case, h2spec\'s and ours, in well under 10 s', async () => {
    const target = aeronetSimTarget(1);
    const started = performance.now();
    const report = await target.run(runH2Suite(target, AERONET_PATHS));
    const realMs = performance.now() - started;
    expect(report.cases).toHaveLength(ALL_CASES.length);
    expect(failures(report)).toEqual([]);
    expect(report.cases.filter((c) => c.result === 'skipped').map((c) => c.id)).toEqual(['http2/5.4.1/2']);
    expect(realMs).toBeLessThan(10_000);
    // Every case closed its connections, and the server let go of them all.
    expect(target.server.connectionCount).toBe(0);
    expect(target.sim.clock.pendingTimers).toBe(0);
  });

  it('passes every case in strict mode', async () => {
    const target = aeronetSimTarget(1);
    const report = await target.run(runH2Suite(target, { ...AERONET_PATHS, strict: true }));
    expect(failures(report)).toEqual([]);
    expect(report.cases.every((c) => c.result !== 'skipped')).toBe(true);
  });

  it('passes every case over choppy links (segmentation, latency, stalls), for 3 seeds', async () => {
    for (const seed of [1, 2, 3]) {
      const target = aeronetSimTarget(seed, { clientToServer: CHOPPY, serverToClient: CHOPPY });
      const report = await target.run(runH2Suite(target, AERONET_PATHS));
      expect(failures(report), `seed ${seed}`).toEqual([]);
    }
  });

  it('replays exactly: the same seed gives the same report and the same event trace', async () => {
    const run = async () => {
      const target = aeronetSimTarget(7, { clientToServer: CHOPPY, serverToClient: CHOPPY });
      const report = await target.run(runH2Suite(target, { ...AERONET_PATHS, filter: ['generic', 'http2/6'] }));
      return { report, hash: target.sim.trace.hash() };
    };
    const a = await run();
    const b = await run();
    expect(b.report).toEqual(a.report);
    expect(b.hash).toBe(a.hash);
  });
});
