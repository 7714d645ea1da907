import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, echo, pattern, sleep, startProxy, startUpstream, toxic, waitFor, type TestProxy } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function setup(onConnection: (s: net.Socket) => void): Promise<{ proxy: TestProxy; upstream: Awaited<ReturnType<typeof startUpstream>> }> {
  const upstream = await startUpstream(onConnection);
  const proxy = await startProxy(upstream.port);
  cleanups.push(upstream.close, proxy.close);
  return { proxy, upstream };
}

describe('proxy runtime: pass-through (reference §5)', () => {
  it('relays a large payload byte-exactly both ways through an echo upstream', async () => {
    const { proxy } = await setup(echo);
    const c = await connect(proxy.port);
    const payload = pattern(8 * 1024 * 1024, 1);
    c.socket.write(payload);
    await waitFor(() => c.received().length >= payload.length, 15000, 'echo');
    expect(c.received().equals(payload)).toBe(true);
    c.socket.end();
    await c.closed;
    await waitFor(() => proxy.rt.connections === 0);
    expect(proxy.rt.totals()).toEqual([
      { direction: 'upstream', received: payload.length, sent: payload.length },
      { direction: 'downstream', received: payload.length, sent: payload.length },
    ]);
  });

  it('delivers everything the server sent before its FIN, then EOF', async () => {
    const payload = pattern(5 * 1024 * 1024, 2);
    const { proxy } = await setup((s) => s.end(payload));
    const c = await connect(proxy.port);
    await c.closed;
    expect(c.received().equals(payload)).toBe(true);
    expect(c.endedAt).not.toBeNull();
    expect(c.error).toBeNull();
  });

  it('a client half-close closes the whole connection (no TCP half-close)', async () => {
    let serverEnded = false;
    const { proxy } = await setup((s) => s.on('end', () => (serverEnded = true)).resume());
    const c = await connect(proxy.port);
    c.socket.end('bye');
    await c.closed;
    expect(c.endedAt).not.toBeNull();
    await waitFor(() => serverEnded, 2000, 'server EOF');
  });

  for (const mode of ['no toxics', 'a noop toxic'] as const) {
    it(`applies backpressure to a slow reader with ${mode}: proxy memory stays bounded`, async () => {
      const payload = pattern(24 * 1024 * 1024, 3);
      const { proxy } = await setup((s) => s.end(payload));
      if (mode === 'a noop toxic') proxy.rt.addToxic(toxic('noop', 'downstream'));
      const socket = net.connect({ port: proxy.port, host: '127.0.0.1' });
      socket.on('error', () => {});
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.pause();
      let max = 0;
      for (let i = 0; i < 40; i++) {
        await sleep(10);
        max = Math.max(max, proxy.rt.bufferedBytes());
      }
      // Kernel buffers hold a few MB on loopback; the proxy itself must hold well under 1 MiB.
      expect(max).toBeLessThan(1024 * 1024);
      const chunks: Buffer[] = [];
      socket.on('data', (d) => {
        chunks.push(d);
        max = Math.max(max, proxy.rt.bufferedBytes());
      });
      socket.resume();
      await new Promise<void>((r) => socket.once('close', () => r()));
      expect(Buffer.concat(chunks).equals(payload)).toBe(true);
      expect(max).toBeLessThan(1024 * 1024);
    });
  }

  it('closes the client at once when the upstream dial fails', async () => {
    // Port 1: nothing listens there, and (unlike a port freed after listen(0)) no parallel test can be handed it.
    const proxy = await startProxy(1);
    cleanups.push(proxy.close);
    const c = await connect(proxy.port);
    await c.closed;
    expect(c.received().length).toBe(0);
    expect(c.endedAt).not.toBeNull(); // EOF, not a reset
    expect(c.error).toBeNull();
    expect(c.closedAt! - c.t0).toBeLessThan(2000);
    await waitFor(() => proxy.rt.connections === 0);
    expect(proxy.rt.totals()).toEqual([
      { direction: 'upstream', received: 0, sent: 0 },
      { direction: 'downstream', received: 0, sent: 0 },
    ]);
  });

  it('stop() closes live connections (client sees EOF) and a stopped runtime refuses connections', async () => {
    const { proxy } = await setup(echo);
    const c = await connect(proxy.port);
    c.socket.write('hi');
    await waitFor(() => c.received().toString() === 'hi');
    expect(proxy.rt.connections).toBe(1);
    await proxy.rt.stop();
    await c.closed;
    expect(c.endedAt).not.toBeNull();
    expect(proxy.rt.running).toBe(false);
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const s = net.connect({ port: proxy.port, host: '127.0.0.1' });
      s.on('connect', () => resolve(new Error('connected') as NodeJS.ErrnoException));
      s.on('error', resolve);
    });
    expect(err.code).toBe('ECONNREFUSED');
    // Re-enabling reuses the same address (the caller passes the resolved listen back).
    const again = await proxy.rt.start(`127.0.0.1:${proxy.port}`);
    expect(again).toBe(`127.0.0.1:${proxy.port}`);
    const c2 = await connect(proxy.port);
    c2.socket.write('again');
    await waitFor(() => c2.received().toString() === 'again');
    c2.socket.destroy();
    await proxy.rt.stop();
    await proxy.rt.stop();
  });

  it('new connections go to a changed upstream; stop() handles the existing ones', async () => {
    const a = await startUpstream((s) => s.end('A'));
    const b = await startUpstream((s) => s.end('B'));
    cleanups.push(a.close, b.close);
    const proxy = await startProxy(a.port);
    cleanups.push(proxy.close);
    const c1 = await connect(proxy.port);
    await c1.closed;
    proxy.rt.upstream = `127.0.0.1:${b.port}`;
    const c2 = await connect(proxy.port);
    await c2.closed;
    expect([c1.received().toString(), c2.received().toString()]).toEqual(['A', 'B']);
  });
});
