import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRouter } from '../../../server/demo/demo-routes.js';
import { createServer, type AeronetServer } from '../../../server/server.js';
import { CHOPPY } from '../../sim/faults.js';
import { ALL_CASES } from './cases/index.js';
import { DEFAULT_STALL_LIMIT_MS, runH2Suite, type SuiteReport } from './run-suite.js';
import { socketTarget } from './target.js';
import { aeronetSimTarget, AERONET_PATHS as PATHS } from './test-support/servers.js';

/**
 * The demo routes, and a stall wait: in the sim waiting costs no real time, so the optional
 * abuse/zero-window-stall/2 runs (aeronet must give up on a stalled response).
 */
const AERONET_PATHS = { ...PATHS, stallLimitMs: DEFAULT_STALL_LIMIT_MS };

/** Failures as "id: actual", so a failing assertion says what the server did. */
const failures = (report: SuiteReport) => report.cases.filter((c) => c.result === 'failed').map((c) => `${c.id}: ${c.actual}`);

/*
 * The whole suite against aeronet, in-process over the simulated network. Every case must pass,
 * in default and in strict mode, on reliable links and on choppy ones. When one does not, it is
 * a server bug: the assertion stays, the server gets fixed.
 */
describe('the HTTP/2 conformance suite against aeronet (sim)', () => {
  it('passes every case, h2spec\'s and ours, the optional one included', async () => {
    const target = aeronetSimTarget(1);
    const report = await target.run(runH2Suite(target, AERONET_PATHS));
    expect(report.cases).toHaveLength(ALL_CASES.length);
    expect(failures(report)).toEqual([]);
    expect(report.cases.filter((c) => c.result === 'skipped').map((c) => c.id)).toEqual(['http2/5.4.1/2']);
    // /1 does not wait: the stalled stream is held and the rest of the connection served.
    expect(report.cases.find((c) => c.id === 'abuse/zero-window-stall/1')!.actual).toMatch(/^stream 1 held at its zero window, the connection served meanwhile/);
    // /2, the whole zero-window rule, on virtual time: after serving the rest of the connection,
    // aeronet gives up on the stalled stream when its 30 s send stall runs out (GOAWAY, then a
    // reset, which in the sim drops the GOAWAY still queued, as a kernel may).
    const stall = report.cases.find((c) => c.id === 'abuse/zero-window-stall/2')!;
    expect(stall.optional).toEqual({ ran: true, note: `ran (waits for the server's stall timeout: waited up to ${DEFAULT_STALL_LIMIT_MS} ms)` });
    expect(stall.actual).toMatch(/^the server cut the stalled response off: HEADERS\(stream 1, :status 200\), .*PING\(ACK.*(GOAWAY\(last stream 3, ENHANCE_YOUR_CALM|connection closed \(RST\))/);
    expect(stall.ms).toBeGreaterThanOrEqual(30_000);
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

  // h2spec's own defaults: every request on `/`, which the demo answers (404) the moment the
  // HEADERS arrive, so the frames that follow reach streams whose response is already complete.
  // That is how the real h2spec found 9 failures an earlier suite, requesting /hello and /echo,
  // did not (hasty-server.test.ts keeps those cases honest).
  for (const strict of [false, true]) {
    it(`passes every case with h2spec's defaults (everything on /)${strict ? ', strict' : ''}`, async () => {
      const target = aeronetSimTarget(1);
      const report = await target.run(runH2Suite(target, { stallLimitMs: DEFAULT_STALL_LIMIT_MS, strict }));
      expect(failures(report)).toEqual([]);
      expect(report.cases.filter((c) => c.result === 'skipped').map((c) => c.id)).toEqual(strict ? [] : ['http2/5.4.1/2']);
      expect(target.server.connectionCount).toBe(0);
      expect(target.sim.clock.pendingTimers).toBe(0);
    });
  }

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

/*
 * Over a real socket, as `npx aeronet conformance h2 --host ... --path /hello --post-path /echo
 * --large-path /bytes/100000` runs it (compression on, as `aeronet serve`): the whole suite,
 * default and strict. abuse/zero-window-stall/2 does not run here (no --stall-wait: it would
 * wait out aeronet's 30 s send stall); the sim runs above check that aeronet does give up.
 */
const NOT_RUN = "not run (waits for the server's stall timeout; give --stall-wait MS)";

describe('the HTTP/2 conformance suite against aeronet (socket)', () => {
  let server: AeronetServer;
  let port = 0;
  beforeAll(async () => {
    server = createServer({ handler: createDemoRouter().handle });
    port = (await server.listen({ port: 0 })).port;
  });
  afterAll(async () => {
    await server.close({ deadlineMs: 100 });
  });

  for (const strict of [false, true]) {
    it(`passes every case${strict ? ' (strict)' : ''}; the optional one is not run, and says why`, async () => {
      const report = await runH2Suite(socketTarget({ host: '127.0.0.1', port }), { ...PATHS, strict });
      expect(failures(report)).toEqual([]);
      expect(report.cases.filter((c) => c.result === 'skipped').map((c) => c.id)).toEqual([...(strict ? [] : ['http2/5.4.1/2']), 'abuse/zero-window-stall/2']);
      expect(report.cases.find((c) => c.id === 'abuse/zero-window-stall/1')!.actual).toMatch(/^stream 1 held at its zero window, the connection served meanwhile/);
      expect(report.cases.find((c) => c.id === 'abuse/zero-window-stall/2')).toMatchObject({ result: 'skipped', actual: NOT_RUN, optional: { ran: false, note: NOT_RUN } });
    }, 30_000);
    it(`passes every case with h2spec's defaults (everything on /)${strict ? ' (strict)' : ''}`, async () => {
      const report = await runH2Suite(socketTarget({ host: '127.0.0.1', port }), { strict });
      expect(failures(report)).toEqual([]);
      expect(report.cases.filter((c) => c.result === 'skipped').map((c) => c.id)).toEqual([...(strict ? [] : ['http2/5.4.1/2']), 'abuse/zero-window-stall/2']);
    }, 30_000);
  }
});
