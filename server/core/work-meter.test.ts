import { describe, expect, it } from 'vitest';
import { amplification, WorkMeter } from './work-meter.js';
import { Sim } from '../../harness/sim/sim.js';
import { createServer } from '../server.js';
import { createDemoRouter } from '../demo/demo-routes.js';
import { simH2World } from '../http2/test-support/sim-h2.js';
import { encodeSettings } from '../http2/frames/frame-writer.js';

describe('WorkMeter', () => {
  it('counts, holds and peaks', () => {
    let queued = 0;
    const meter = new WorkMeter();
    meter.watch({ retainedBytes: () => queued });
    meter.read(100);
    meter.wrote(40, 2);
    meter.responded();
    meter.handlerCalled();
    meter.retain(30);
    queued = 50;
    meter.sample();
    queued = 0;
    meter.retain(-30);
    expect(meter.snapshot()).toEqual({ bytesIn: 100, bytesOut: 40, framesOut: 3, handlerCalls: 1, retainedBytes: 0, peakRetainedBytes: 80, cpuMicros: 0 });
  });

  it('holds nothing once the connection has ended, and keeps its counts', () => {
    const meter = new WorkMeter();
    meter.watch({ retainedBytes: () => 10 });
    meter.read(5);
    meter.retain(7);
    meter.end();
    meter.retain(100); // a late release or hold from an exchange that outlived the connection
    expect(meter.retainedBytes).toBe(0);
    expect(meter.peakRetainedBytes).toBe(17);
    expect(meter.bytesIn).toBe(5);
  });

  it('times the outermost turn only, with the injected clock, and reads no clock without one', () => {
    let now = 1_000;
    const meter = new WorkMeter(() => now);
    const outer = meter.beginTurn();
    now += 5;
    const inner = meter.beginTurn(); // an HTTP/1.1 turn handing its input to HTTP/2
    now += 5;
    meter.endTurn(inner);
    now += 5;
    meter.endTurn(outer);
    expect([outer, inner, meter.cpuMicros]).toEqual([true, false, 15]);
    const untimed = new WorkMeter();
    expect(untimed.beginTurn()).toBe(false);
    untimed.endTurn(false);
    expect(untimed.cpuMicros).toBe(0);
  });

  it('amplification divides by the input, never by zero', () => {
    const a = amplification({ bytesIn: 2048, bytesOut: 1024, framesOut: 4, handlerCalls: 2, retainedBytes: 0, peakRetainedBytes: 4096, cpuMicros: 200 });
    expect(a).toEqual({ outPerIn: 0.5, framesPerKiB: 2, handlerCallsPerKiB: 1, peakRetainedPerIn: 2, cpuMicrosPerKiB: 100 });
    expect(amplification({ bytesIn: 0, bytesOut: 10, framesOut: 0, handlerCalls: 0, retainedBytes: 0, peakRetainedBytes: 0, cpuMicros: 0 }).outPerIn).toBe(10);
  });
});

describe('AeronetServer.accept returns the connection\'s meter', () => {
  it('HTTP/1.1: bytes in and out, one response and one handler call per request; null when refused', async () => {
    const sim = new Sim({ seed: 1 });
    const server = createServer({ handler: createDemoRouter().handle, compression: false, clock: sim.clock, maxConnections: 1 });
    let meter: WorkMeter | null = null;
    let refused: WorkMeter | null | undefined;
    const c = sim.connect((t) => { meter = server.accept(t); });
    sim.connect((t) => { refused = server.accept(t); });
    const request = 'GET /hello HTTP/1.1\r\nhost: a\r\n\r\n';
    await sim.run((async () => {
      await c.client.write(request + request);
      await c.client.until(() => (c.client.received.toString('latin1').match(/hello, world/g) ?? []).length === 2);
      c.client.end();
      await c.client.untilClosed();
    })());
    await sim.runUntilIdle();
    const counts = meter!.snapshot();
    expect(refused).toBeNull();
    expect(counts).toMatchObject({ bytesIn: 2 * request.length, bytesOut: c.client.receivedBytes, framesOut: 2, handlerCalls: 2, retainedBytes: 0, cpuMicros: 0 });
    expect(counts.peakRetainedBytes).toBeGreaterThan(0);
  });

  it('HTTP/2 (prior knowledge): the meter of the HTTP/1.1 connection goes on, counting each byte once', async () => {
    const world = simH2World(2);
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.request(1, '/hello');
      await h.until(() => h.client.response(1).ended);
    })());
    const counts = h.meter!.snapshot();
    expect(counts.bytesIn).toBe(h.bytesSent);
    expect(counts.bytesOut).toBe(h.conn.client.receivedBytes);
    expect(counts.framesOut).toBe(h.client.receivedFrames);
    expect(counts.handlerCalls).toBe(1);
  });

  it('h2c Upgrade: the HTTP/1.1 request, the 101 and the HTTP/2 frames all land on one meter', async () => {
    const sim = new Sim({ seed: 3 });
    const server = createServer({ handler: createDemoRouter().handle, compression: false, clock: sim.clock });
    let meter: WorkMeter | null = null;
    const c = sim.connect((t) => { meter = server.accept(t); });
    const settings = encodeSettings([]).subarray(9).toString('base64url');
    const upgrade = `GET /hello HTTP/1.1\r\nhost: a\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: ${settings}\r\n\r\n`;
    await sim.run((async () => {
      await c.client.write(upgrade);
      await c.client.until(() => c.client.received.includes('hello, world'));
      c.client.end();
      await c.client.untilClosed();
    })());
    await sim.runUntilIdle();
    const counts = meter!.snapshot();
    expect(counts.bytesIn).toBe(upgrade.length);
    expect(counts.bytesOut).toBe(c.client.receivedBytes);
    // The 101 is one response; stream 1's handler runs once, over HTTP/2.
    expect(counts.handlerCalls).toBe(1);
    expect(counts.framesOut).toBeGreaterThan(3);
    expect(counts.retainedBytes).toBe(0);
  });
});
