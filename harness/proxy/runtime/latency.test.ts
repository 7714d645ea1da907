import { afterEach, describe, expect, it } from 'vitest';
import { connect, echo, sleep, startProxy, startUpstream, toxic, waitFor, type Client, type TestProxy } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function echoProxy(seed?: string): Promise<TestProxy> {
  const upstream = await startUpstream(echo);
  const proxy = await startProxy(upstream.port, seed);
  cleanups.push(upstream.close, proxy.close);
  return proxy;
}

/** Send `msg` and time until the echo of it is complete. */
async function roundTrip(c: Client, msg: string): Promise<number> {
  const before = c.received().length;
  const t = performance.now();
  c.socket.write(msg);
  await waitFor(() => c.received().length >= before + msg.length, 8000, `echo of ${msg}`);
  return performance.now() - t;
}

describe('latency toxic (reference §7)', () => {
  it('delays each chunk by the latency (100 ms -> 95..250 ms)', async () => {
    const proxy = await echoProxy();
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 100, jitter: 0 }));
    const c = await connect(proxy.port);
    for (let i = 0; i < 3; i++) {
      const rtt = await roundTrip(c, `ping${i}`);
      expect(rtt).toBeGreaterThanOrEqual(95);
      expect(rtt).toBeLessThan(250);
    }
    c.socket.destroy();
  });

  it('jitter: offsets drawn in [-jitter, jitter), observed delays follow them', async () => {
    const proxy = await echoProxy();
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 100, jitter: 50 }));
    const c = await connect(proxy.port);
    const rtts: number[] = [];
    for (let i = 0; i < 12; i++) rtts.push(await roundTrip(c, `j${i}`));
    const offsets = proxy.decisions.filter((d) => d.kind === 'jitter').map((d) => d.value);
    expect(offsets).toHaveLength(12);
    for (const u of offsets) {
      expect(Number.isInteger(u)).toBe(true);
      expect(u).toBeGreaterThanOrEqual(-50);
      expect(u).toBeLessThan(50);
    }
    expect(new Set(offsets).size).toBeGreaterThan(1);
    rtts.forEach((rtt, i) => {
      expect(rtt).toBeGreaterThanOrEqual(100 + offsets[i]! - 5);
      expect(rtt).toBeLessThan(100 + offsets[i]! + 120);
    });
    c.socket.destroy();
  });

  it('stacks across toxics and directions, and does not accumulate across back-to-back chunks', async () => {
    const proxy = await echoProxy();
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 100 }, 1, 'l1'));
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 100 }, 1, 'l2'));
    proxy.rt.addToxic(toxic('latency', 'upstream', { latency: 100 }, 1, 'l3'));
    const c = await connect(proxy.port);
    const rtt = await roundTrip(c, 'stack');
    expect(rtt).toBeGreaterThanOrEqual(290);
    expect(rtt).toBeLessThan(700);
    // 20 messages 10 ms apart: the last one arrives ~300 ms after it was sent, not 20 * 300 ms.
    const t = performance.now();
    for (let i = 0; i < 20; i++) {
      c.socket.write(`m${String(i).padStart(2, '0')};`);
      await sleep(10);
    }
    await waitFor(() => c.received().length >= 5 + 20 * 4, 8000);
    const total = performance.now() - t;
    expect(total).toBeGreaterThanOrEqual(290 + 190);
    expect(total).toBeLessThan(1500);
    expect(c.received().toString()).toBe('stack' + Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')};`).join(''));
    c.socket.destroy();
  });

  it('added to and removed from an open connection, live', async () => {
    const proxy = await echoProxy();
    const c = await connect(proxy.port);
    expect(await roundTrip(c, 'a')).toBeLessThan(250);
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 300 }));
    await sleep(20);
    expect(await roundTrip(c, 'b')).toBeGreaterThanOrEqual(295);
    proxy.rt.updateToxic(toxic('latency', 'downstream', { latency: 150 }));
    await sleep(20);
    const updated = await roundTrip(c, 'c');
    expect(updated).toBeGreaterThanOrEqual(145);
    expect(updated).toBeLessThan(295);
    proxy.rt.removeToxic('latency_downstream');
    await sleep(20);
    expect(await roundTrip(c, 'd')).toBeLessThan(145);
    expect(c.received().toString()).toBe('abcd');
    c.socket.destroy();
  });

  it('removing it flushes the data it holds at once (2000 ms toxic removed after 200 ms)', async () => {
    const proxy = await echoProxy();
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 2000 }));
    const c = await connect(proxy.port);
    const t = performance.now();
    c.socket.write('held');
    await sleep(100);
    c.socket.write('-more');
    await sleep(100);
    proxy.rt.removeToxic('latency_downstream');
    await waitFor(() => c.received().length >= 9, 5000);
    const took = performance.now() - t;
    expect(c.received().toString()).toBe('held-more');
    expect(took).toBeGreaterThanOrEqual(195);
    expect(took).toBeLessThan(1000);
    // Another toxic added after it keeps the chain working.
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 100 }, 1, 'again'));
    await sleep(20);
    expect(await roundTrip(c, 'x')).toBeGreaterThanOrEqual(95);
    c.socket.destroy();
  });

  it('removing the first of two toxics keeps order and data', async () => {
    const proxy = await echoProxy();
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 400 }, 1, 'first'));
    proxy.rt.addToxic(toxic('latency', 'downstream', { latency: 50 }, 1, 'second'));
    const c = await connect(proxy.port);
    for (let i = 0; i < 5; i++) c.socket.write(`<${i}>`);
    await sleep(100);
    const t = performance.now();
    proxy.rt.removeToxic('first');
    await waitFor(() => c.received().length >= 15, 5000);
    expect(performance.now() - t).toBeLessThan(300);
    expect(c.received().toString()).toBe('<0><1><2><3><4>');
    c.socket.destroy();
  });
});
