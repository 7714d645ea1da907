/**
 * Amplification budgets for HTTP/1.1: attacks that cost the attacker little and could cost the
 * server much (slowloris, pipelining floods, endless header sections), driven over the simulated
 * network, with the server's work per attacker byte read off the connection's WorkMeter. CPU time
 * is printed, never asserted (a shared machine's timing is noise).
 */
import { describe, expect, it } from 'vitest';
import { Sim } from '../../harness/sim/sim.js';
import type { TestConnection } from '../../harness/sim/test-socket.js';
import { createServer, type AeronetServer } from '../server.js';
import type { ServerOptions } from '../server-options.js';
import { createDemoRouter } from '../demo/demo-routes.js';
import { MemoryLogger } from '../core/logger.js';
import { amplification, type WorkCounts, type WorkMeter } from '../core/work-meter.js';
import { DEFAULT_HTTP1_TIMEOUTS } from './http1-options.js';
import { DEFAULT_HTTP1_LIMITS } from './limits.js';

const cpuClock = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** The sim link's default window (harness/sim/faults.ts): what a non-reading peer lets us queue in flight. */
const LINK_WINDOW = 65_536;
/** Our 408/431/400 answers: a status line, content-type, content-length, date, connection: close and a one-line reason. */
const ERROR_RESPONSE_MAX_BYTES = 256;
const MAX_PIPELINED_BYTES = 64 * 1024; // ServerOptions.maxPipelinedBytes default

interface H1World {
  sim: Sim;
  server: AeronetServer;
  conn: TestConnection;
  meter: WorkMeter;
  /** Send without waiting for the window (an attacker does not care); counts the attacker's bytes. */
  send(bytes: string): void;
  readonly sent: number;
}

function h1World(seed: number, options: Partial<ServerOptions> = {}): H1World {
  const sim = new Sim({ seed });
  const server = createServer({ handler: createDemoRouter().handle, compression: false, http2: false, cpuClock, ...options, clock: sim.clock, logger: new MemoryLogger() });
  let meter: WorkMeter | null = null;
  const conn = sim.connect((t) => { meter = server.accept(t); });
  let sent = 0;
  return {
    sim,
    server,
    conn,
    meter: meter!,
    send(bytes) {
      if (conn.client.closed) return;
      sent += bytes.length;
      void conn.client.write(bytes).catch(() => {});
    },
    get sent() { return sent; },
  };
}

function report(name: string, w: H1World): { work: WorkCounts; ratios: ReturnType<typeof amplification> } {
  const work = { ...w.meter.snapshot(), bytesIn: w.sent };
  const ratios = amplification(work);
  console.log(`[amplification h1] ${name}: in ${work.bytesIn} B, out ${work.bytesOut} B (${ratios.outPerIn.toFixed(3)}/B), ${work.framesOut} responses, ${work.handlerCalls} handler calls (${ratios.handlerCallsPerKiB.toFixed(3)}/KiB), peak held ${work.peakRetainedBytes} B (${ratios.peakRetainedPerIn.toFixed(3)}/B), cpu ${work.cpuMicros} µs (${ratios.cpuMicrosPerKiB.toFixed(1)} µs/KiB)`);
  expect(w.meter.bytesIn).toBeLessThanOrEqual(w.sent); // the meter counts what the server read
  expect(w.meter.retainedBytes).toBe(0); // the connection has ended: it holds nothing
  expect(w.server.connectionCount).toBe(0);
  return { work, ratios };
}

describe('HTTP/1.1 amplification budgets: server work per attacker byte', () => {
  it('slowloris: a header one octet at a time is held once, runs nothing, and ends at headersMs with one 408', async () => {
    const HEADERS_MS = DEFAULT_HTTP1_TIMEOUTS.headersMs;
    const STEP_MS = 100;
    const w = h1World(201);
    const start = w.sim.clock.time;
    let closedAt = -1;
    await w.sim.run((async () => {
      // An endless header: the request line and Host, then a field value that never ends.
      const head = 'GET /hello HTTP/1.1\r\nhost: a\r\nx-slow: ';
      for (let i = 0; !w.conn.client.closed; i++) {
        w.send(i < head.length ? head[i]! : 'a');
        await Promise.race([w.conn.client.until(() => w.conn.client.closed), w.sim.sleep(STEP_MS)]);
      }
      closedAt = w.sim.clock.time - start;
    })());
    await w.sim.runUntilIdle();
    const { work, ratios } = report('slowloris', w);
    // The header timeout runs from the first octet (it is not re-armed per octet), then the
    // staged close lingers at most lingerMs: octets sent ≈ headersMs / STEP_MS whatever the
    // attacker's patience.
    expect(closedAt).toBeLessThanOrEqual(HEADERS_MS + DEFAULT_HTTP1_TIMEOUTS.lingerMs);
    expect(w.conn.client.received.toString('latin1')).toMatch(/^HTTP\/1\.1 408 /);
    expect(work.handlerCalls).toBe(0);
    // One answer, the 408: a reply per octet (or per partial line) would be ~100 of them.
    expect(work.framesOut).toBe(1);
    expect(work.bytesOut).toBeLessThanOrEqual(ERROR_RESPONSE_MAX_BYTES);
    // Each octet is held once (the partial line as pieces, joined when its LF comes; complete
    // lines as fields): held per attacker byte ≤ 1, plus the 408 queued at the end. Holding input
    // twice (the connection's queue and the parser's pieces, say) would approach 2.
    const PEAK_RETAINED_PER_IN_BOUND = 1.0 + work.bytesOut / work.bytesIn;
    expect(ratios.peakRetainedPerIn).toBeLessThanOrEqual(PEAK_RETAINED_PER_IN_BOUND);
  });

  it('an endless header section sent fast is cut at maxHeaderBytes with one 431', async () => {
    const w = h1World(202);
    const LINE = `x-fill: ${'a'.repeat(1000)}\r\n`;
    const LINES = 1_000; // 1 MB of header section against a 64 KiB limit
    await w.sim.run((async () => {
      w.send('GET /hello HTTP/1.1\r\nhost: a\r\n');
      for (let i = 0; i < LINES && !w.conn.client.ended && !w.conn.client.closed; i++) {
        w.send(LINE);
        if (i % 16 === 15) await Promise.race([w.conn.client.until(() => w.conn.client.ended || w.conn.client.closed), w.sim.sleep(1)]);
      }
      // Our FIN follows the 431 (a staged close); the attacker then closes too.
      await w.conn.client.until(() => w.conn.client.ended || w.conn.client.closed);
      w.conn.client.end();
    })());
    await w.sim.runUntilIdle();
    const { work } = report('endless header section', w);
    expect(w.conn.client.received.toString('latin1')).toMatch(/^HTTP\/1\.1 431 /);
    expect(work.handlerCalls).toBe(0);
    expect(work.framesOut).toBe(1);
    // Held: the section up to the limit, plus the chunk that crossed it and what the link had in flight.
    const PEAK_RETAINED_BOUND = DEFAULT_HTTP1_LIMITS.maxHeaderBytes + LINK_WINDOW + LINE.length;
    expect(work.peakRetainedBytes).toBeLessThanOrEqual(PEAK_RETAINED_BOUND);
  });

  describe('pipelining flood: tiny requests, responses never read', () => {
    const REQUEST = 'GET /hello HTTP/1.1\r\nhost: a\r\n\r\n';

    async function flood(seed: number, requests: number): Promise<WorkCounts> {
      const w = h1World(seed);
      await w.sim.run((async () => {
        w.conn.client.pause();
        const batch = REQUEST.repeat(100);
        for (let i = 0; i < requests / 100 && !w.conn.client.closed; i++) w.send(batch);
        // The send-stall timeout (30 s) ends a connection whose peer reads nothing.
        await Promise.race([w.conn.client.until(() => w.conn.client.closed), w.sim.sleep(60_000)]);
      })());
      await w.sim.runUntilIdle();
      expect(w.conn.client.closed).toBe(true);
      return report(`pipelining flood, ${requests} requests`, w).work;
    }

    it('output queued, input held and handler calls are bounded by backpressure, not by the number of requests', async () => {
      const small = await flood(203, 4_000);
      const large = await flood(204, 16_000);
      // What the connection holds: responses queued up to the link's window (the transport then
      // refuses more: no further request is parsed until the peer reads, Http1Connection
      // responseFinished), and pipelined input up to maxPipelinedBytes before reading pauses, plus
      // the chunk that crossed it. Four times the requests must not hold more.
      const PEAK_RETAINED_BOUND = LINK_WINDOW + MAX_PIPELINED_BYTES + 2 * 1024 + 16 * 1024;
      expect(large.peakRetainedBytes).toBeLessThanOrEqual(PEAK_RETAINED_BOUND);
      expect(large.peakRetainedBytes).toBeLessThanOrEqual(small.peakRetainedBytes * 1.1);
      // Handlers run only for responses that can be queued: a window's worth of ~150-octet
      // responses (the head and "hello, world"), not one per request sent. Without the
      // backpressure stop all 16,000 would run.
      const RESPONSE_MIN_BYTES = 100;
      const HANDLER_CALLS_BOUND = Math.ceil(LINK_WINDOW / RESPONSE_MIN_BYTES) + 1;
      expect(large.handlerCalls).toBeLessThanOrEqual(HANDLER_CALLS_BOUND);
      expect(large.handlerCalls).toBeLessThanOrEqual(small.handlerCalls + 1);
      expect(large.framesOut).toBe(large.handlerCalls);
      expect(large.bytesOut).toBeLessThanOrEqual(LINK_WINDOW + 1024);
    });
  });
});
