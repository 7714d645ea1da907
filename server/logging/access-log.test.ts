import { describe, expect, it } from 'vitest';
import { simH2World } from '../http2/test-support/sim-h2.js';
import { ErrorCode } from '../http2/frames/constants.js';
import { pipelined, simH1World } from '../metrics/test-support/sim-h1.js';
import { createLogger } from './create-logger.js';
import { functionSink } from './function-sink.js';

describe('the access log (accessLog: true)', () => {
  it('writes one http.access record per HTTP/1.1 exchange, durations on the server clock', async () => {
    const w = simH1World(61, { accessLog: true });
    const conn = w.open();
    await w.sim.run((async () => {
      await conn.client.write(pipelined('/hello', 'HEAD /hello', '/nope', '/bytes/100', '/slow?ms=300'));
      await conn.client.until(() => conn.client.ended);
      conn.client.end();
      await conn.client.untilClosed();
    })());
    const records = w.logger.find('http.access');
    const base = { level: 'info', event: 'http.access', protocol: '1.1', connection: records[0]!['connection'], remote: '10.0.0.2', aborted: false };
    expect(records).toEqual([
      { ...base, method: 'GET', path: '/hello', route: '/hello', status: 200, bytes: 13, durationMs: 0 },
      { ...base, method: 'HEAD', path: '/hello', route: '/hello', status: 200, bytes: 0, durationMs: 0 },
      { ...base, method: 'GET', path: '/nope', route: '(unmatched)', status: 404, bytes: 10, durationMs: 0 },
      { ...base, method: 'GET', path: '/bytes/100', route: '/bytes/:n', status: 200, bytes: 100, durationMs: 0 },
      // The path without its query; 300 ms of virtual time, exactly.
      { ...base, method: 'GET', path: '/slow', route: '/slow', status: 200, bytes: 13, durationMs: 300 },
    ]);
    expect(typeof base.connection).toBe('number');
  });

  it('marks an exchange the peer walked away from as aborted, with no status', async () => {
    const w = simH1World(62, { accessLog: true });
    const conn = w.open();
    await w.sim.run((async () => {
      await conn.client.write(pipelined('/slow?ms=1000'));
      await w.sim.sleep(120);
      conn.client.reset();
      await w.sim.sleep(10);
    })());
    await w.sim.runUntilIdle();
    expect(w.logger.find('http.access')).toEqual([expect.objectContaining({ path: '/slow', status: 0, bytes: 0, durationMs: 120, aborted: true })]);
  });

  it('gives HTTP/2 records their stream id, and marks reset streams aborted', async () => {
    const world = simH2World(63, { accessLog: true });
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.request(1, '/hello');
      h.client.request(3, '/slow?ms=1000');
      await h.until(() => h.client.response(1).ended);
      await world.sim.sleep(50);
      h.client.rst(3, ErrorCode.CANCEL);
      await world.sim.sleep(10);
    })());
    const records = world.logger.find('http.access');
    expect(records).toEqual([
      expect.objectContaining({ method: 'GET', path: '/hello', status: 200, bytes: 13, protocol: '2', stream: 1, aborted: false, durationMs: 0 }),
      expect.objectContaining({ method: 'GET', path: '/slow', status: 0, bytes: 0, protocol: '2', stream: 3, aborted: true, durationMs: 50 }),
    ]);
  });

  it('is off unless asked for, and builds nothing when the logger filters info out', async () => {
    const off = simH1World(64);
    const conn = off.open();
    await off.sim.run((async () => {
      await conn.client.write(pipelined('/hello'));
      await conn.client.until(() => conn.client.ended);
      conn.client.end();
    })());
    expect(off.logger.find('http.access')).toEqual([]);

    const seen: string[] = [];
    const logger = createLogger({ level: 'warn', sinks: [functionSink((e) => seen.push(e.event))] });
    let built = 0;
    const spy = { ...logger, log: (...args: Parameters<typeof logger.log>) => { built++; logger.log(...args); } };
    const quiet = simH1World(65, { accessLog: true, logger: spy });
    const c2 = quiet.open();
    await quiet.sim.run((async () => {
      await c2.client.write(pipelined('/hello'));
      await c2.client.until(() => c2.client.ended);
      c2.client.end();
    })());
    expect(built).toBe(0); // enabled('info') said no: no record object was even made
    expect(seen).toEqual([]);
    // The control: the same spy at level info gets the record.
    const loud = createLogger({ level: 'info', sinks: [functionSink((e) => seen.push(e.event))] });
    const w3 = simH1World(66, { accessLog: true, logger: { log: (...args: Parameters<typeof loud.log>) => { built++; loud.log(...args); }, enabled: loud.enabled } });
    const c3 = w3.open();
    await w3.sim.run((async () => {
      await c3.client.write(pipelined('/hello'));
      await c3.client.until(() => c3.client.ended);
      c3.client.end();
    })());
    expect(built).toBe(1);
    expect(seen).toEqual(['http.access']);
  });
});
