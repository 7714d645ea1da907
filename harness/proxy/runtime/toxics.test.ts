import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../sim/rng.js';
import { slicePieces } from './toxics/slicer.js';
import { connect, echo, pattern, sleep, startProxy, startUpstream, timeToReceive, toxic, waitFor, type TestProxy } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function proxyTo(onConnection: (s: net.Socket) => void): Promise<{ proxy: TestProxy; sockets: net.Socket[] }> {
  const upstream = await startUpstream(onConnection);
  const proxy = await startProxy(upstream.port);
  cleanups.push(upstream.close, proxy.close);
  return { proxy, sockets: upstream.sockets };
}

describe('bandwidth toxic (reference §7)', () => {
  it('rate 100 KB/s: 100 KB takes ~1000 ms (±15 %)', async () => {
    const payload = pattern(100_000, 5);
    const { proxy } = await proxyTo((s) => s.write(payload));
    proxy.rt.addToxic(toxic('bandwidth', 'downstream', { rate: 100 }));
    const c = await connect(proxy.port);
    const took = await timeToReceive(c, payload.length, c.t0);
    expect(c.received().equals(payload)).toBe(true);
    expect(took).toBeGreaterThanOrEqual(850);
    expect(took).toBeLessThan(1250); // 1150 + slack for a busy machine
    // Pieces of at most rate*100 bytes, spread over the time.
    expect(Math.max(...c.reads.map((r) => r.size))).toBeLessThanOrEqual(10_000);
    c.socket.destroy();
  });

  it('rate 0 passes nothing until removed, then everything', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('bandwidth', 'downstream', { rate: 0 }));
    const c = await connect(proxy.port);
    c.socket.write('stuck');
    await sleep(300);
    expect(c.received().length).toBe(0);
    proxy.rt.removeToxic('bandwidth_downstream');
    await waitFor(() => c.received().toString() === 'stuck', 2000);
    c.socket.destroy();
  });
});

describe('slicer toxic (reference §7)', () => {
  it('cuts recursively, keeps every byte, and guards the inputs that crash upstream', () => {
    const rng = new Rng('slices');
    expect(slicePieces(24, 1, 0, rng)).toEqual(Array(24).fill(1));
    for (const [avg, variation] of [
      [10, 5],
      [0, 0],
      [-3, 2],
      [1, 1000],
      [5, -4],
      [100, 0],
    ] as const) {
      for (const len of [1, 2, 3, 17, 1000, 32768]) {
        const pieces = slicePieces(len, avg, variation, rng);
        expect(pieces.reduce((a, b) => a + b, 0)).toBe(len);
        expect(Math.min(...pieces)).toBeGreaterThanOrEqual(1);
        expect(Math.max(...pieces)).toBeLessThanOrEqual(Math.max(1, avg) + Math.max(0, variation) || 1);
      }
    }
    expect(slicePieces(1000, 10, 5, new Rng('a'))).toEqual(slicePieces(1000, 10, 5, new Rng('a')));
  });

  it('average_size 1, size_variation 0: 24 bytes go out as 24 one-byte pieces, data intact', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('slicer', 'downstream', { average_size: 1, size_variation: 0, delay: 0 }));
    const c = await connect(proxy.port);
    const msg = 'abcdefghijklmnopqrstuvwx';
    c.socket.write(msg);
    await waitFor(() => c.received().length >= 24);
    expect(c.received().toString()).toBe(msg);
    const slices = proxy.decisions.filter((d) => d.kind === 'slice');
    expect(slices.map((d) => d.value)).toEqual(Array(24).fill(1));
    expect(slices.every((d) => d.direction === 'downstream' && d.connection === 1 && d.toxic === 'slicer_downstream')).toBe(true);
    c.socket.destroy();
  });

  it('avg 10 / var 5 / delay 2000 µs on 1000 B: ~100 pieces of <= 15 B, spaced in time', async () => {
    const payload = pattern(1000, 6);
    const { proxy } = await proxyTo((s) => s.write(payload));
    proxy.rt.addToxic(toxic('slicer', 'downstream', { average_size: 10, size_variation: 5, delay: 2000 }));
    const c = await connect(proxy.port);
    const took = await timeToReceive(c, 1000, c.t0);
    expect(c.received().equals(payload)).toBe(true);
    const sizes = proxy.decisions.filter((d) => d.kind === 'slice').map((d) => d.value);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(15);
    expect(sizes.length).toBeGreaterThan(60);
    expect(sizes.length).toBeLessThan(200);
    // The last piece's delay comes after it: (n-1) * 2 ms at least before it arrives.
    expect(took).toBeGreaterThanOrEqual((sizes.length - 1) * 2 * 0.9);
    expect(c.reads.length).toBeGreaterThan(20);
    c.socket.destroy();
  });
});

describe('limit_data toxic (reference §7)', () => {
  it('downstream 10 of 100 B: the client gets exactly 10 B, then EOF', async () => {
    const payload = pattern(100, 7);
    const { proxy } = await proxyTo((s) => s.write(payload));
    proxy.rt.addToxic(toxic('limit_data', 'downstream', { bytes: 10 }));
    const c = await connect(proxy.port);
    await c.closed;
    expect(c.received().equals(payload.subarray(0, 10))).toBe(true);
    expect(c.endedAt).not.toBeNull();
  });

  it('upstream 4: the server gets "abcd", then EOF', async () => {
    let got = '';
    let ended = false;
    const { proxy } = await proxyTo((s) => {
      s.on('data', (d) => (got += d.toString()));
      s.on('end', () => (ended = true));
    });
    proxy.rt.addToxic(toxic('limit_data', 'upstream', { bytes: 4 }));
    const c = await connect(proxy.port);
    c.socket.write('abcdefgh');
    await c.closed;
    await waitFor(() => ended, 2000, 'server EOF');
    expect(got).toBe('abcd');
  });

  it('bytes 0: nothing passes, the first chunk closes the connection', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('limit_data', 'downstream', { bytes: 0 }));
    const c = await connect(proxy.port);
    await sleep(100);
    expect(c.closedAt).toBeNull();
    c.socket.write('x');
    await c.closed;
    expect(c.received().length).toBe(0);
  });

  it('keeps its per-connection counter across an update', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('limit_data', 'downstream', { bytes: 10 }));
    const c = await connect(proxy.port);
    c.socket.write('aaaaaa');
    await waitFor(() => c.received().length === 6);
    proxy.rt.updateToxic(toxic('limit_data', 'downstream', { bytes: 12 }));
    await sleep(20);
    c.socket.write('bbbbbbbbbb');
    await c.closed;
    expect(c.received().toString()).toBe('aaaaaabbbbbb');
  });
});

describe('reset_peer toxic (reference §7)', () => {
  it('present when the connection was set up: the client gets an RST (ECONNRESET)', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('reset_peer', 'downstream', { timeout: 0 }));
    const c = await connect(proxy.port);
    c.socket.write('x');
    await c.closed;
    expect(c.error?.code).toBe('ECONNRESET');
    expect(c.received().length).toBe(0);
  });

  it('timeout 300 upstream: reset ~300 ms after the first chunk; no traffic, no reset', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('reset_peer', 'upstream', { timeout: 300 }));
    const c = await connect(proxy.port);
    await sleep(150);
    expect(c.closedAt).toBeNull();
    const t = performance.now();
    c.socket.write('x');
    await c.closed;
    expect(c.error?.code).toBe('ECONNRESET');
    expect(c.closedAt! - t).toBeGreaterThanOrEqual(290);
    expect(c.closedAt! - t).toBeLessThan(1500);
  });

  it('added to an open connection: a plain close (FIN), no reset', async () => {
    const { proxy } = await proxyTo(echo);
    const c = await connect(proxy.port);
    c.socket.write('a');
    await waitFor(() => c.received().toString() === 'a');
    proxy.rt.addToxic(toxic('reset_peer', 'downstream', { timeout: 0 }));
    await sleep(20);
    c.socket.write('b');
    await c.closed;
    expect(c.error).toBeNull();
    expect(c.endedAt).not.toBeNull();
    expect(c.received().toString()).toBe('a');
  });
});

describe('timeout toxic (reference §7)', () => {
  it('timeout 300: closes ~300 ms after it started on the link, dropping data', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('timeout', 'downstream', { timeout: 300 }));
    const c = await connect(proxy.port);
    c.socket.write('dropped');
    await c.closed;
    expect(c.received().length).toBe(0);
    expect(c.closedAt! - c.t0).toBeGreaterThanOrEqual(290);
    expect(c.closedAt! - c.t0).toBeLessThan(1500);
  });

  it('traffic keeps it open; it closes `timeout` ms after the last chunk', async () => {
    let serverGot = 0;
    const { proxy } = await proxyTo((s) => s.on('data', (d) => (serverGot += d.length)));
    proxy.rt.addToxic(toxic('timeout', 'upstream', { timeout: 300 }));
    const c = await connect(proxy.port);
    for (let i = 0; i < 6; i++) {
      c.socket.write('tick');
      await sleep(100);
    }
    expect(c.closedAt).toBeNull();
    const last = performance.now() - 100;
    await c.closed;
    expect(c.closedAt! - last).toBeGreaterThanOrEqual(290);
    expect(c.closedAt! - last).toBeLessThan(1500);
    expect(serverGot).toBe(0);
  });

  it('timeout 0 never closes; removing it closes the connections, also where toxicity made it inactive', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('timeout', 'downstream', { timeout: 0 }));
    proxy.rt.addToxic(toxic('timeout', 'upstream', { timeout: 0 }, 0, 'inactive'));
    const c1 = await connect(proxy.port);
    c1.socket.write('x');
    await sleep(200);
    expect(c1.closedAt).toBeNull();
    proxy.rt.removeToxic('timeout_downstream');
    await c1.closed;
    expect(c1.received().length).toBe(0);
    const c2 = await connect(proxy.port);
    c2.socket.write('y');
    await waitFor(() => c2.received().toString() === 'y');
    proxy.rt.removeToxic('inactive');
    await c2.closed;
    await waitFor(() => proxy.rt.connections === 0);
  });
});

describe('slow_close toxic (reference §7)', () => {
  it('downstream 400: data at once, EOF ~400 ms after the server closed', async () => {
    const { proxy } = await proxyTo((s) => s.end('bye'));
    proxy.rt.addToxic(toxic('slow_close', 'downstream', { delay: 400 }));
    const c = await connect(proxy.port);
    await waitFor(() => c.received().toString() === 'bye');
    const dataAt = c.reads[0]!.at - c.t0;
    await c.closed;
    expect(dataAt).toBeLessThan(300);
    expect(c.endedAt! - c.t0).toBeGreaterThanOrEqual(390);
    expect(c.endedAt! - c.t0).toBeLessThan(1500);
  });

  it('upstream 300: the client FIN reaches the server ~300 ms later', async () => {
    let serverEndAt = 0;
    const { proxy } = await proxyTo((s) => s.on('end', () => (serverEndAt = performance.now())).resume());
    proxy.rt.addToxic(toxic('slow_close', 'upstream', { delay: 300 }));
    const c = await connect(proxy.port);
    const t = performance.now();
    c.socket.end('done');
    await waitFor(() => serverEndAt > 0, 3000, 'server EOF');
    expect(serverEndAt - t).toBeGreaterThanOrEqual(290);
    expect(serverEndAt - t).toBeLessThan(1500);
    await c.closed;
  });
});

describe('noop toxic', () => {
  it('passes data through', async () => {
    const { proxy } = await proxyTo(echo);
    proxy.rt.addToxic(toxic('noop', 'upstream'));
    proxy.rt.addToxic(toxic('noop', 'downstream'));
    const c = await connect(proxy.port);
    const payload = pattern(2 * 1024 * 1024, 8);
    c.socket.write(payload);
    await waitFor(() => c.received().length >= payload.length, 10000);
    expect(c.received().equals(payload)).toBe(true);
    c.socket.destroy();
  });
});
