import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../server.js';
import { systemClock } from '../transport/system-clock.js';
import { countingClock } from '../transport/counting-clock.js';
import { startDebugListener, type RegistrySnapshot } from './debug-registry.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s)).on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

async function until(read: () => Promise<RegistrySnapshot>, ok: (s: RegistrySnapshot) => boolean): Promise<RegistrySnapshot> {
  for (let i = 0; i < 100; i++) {
    const s = await read();
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  return read();
}

describe('the debug registry (aeronet serve --debug-port)', () => {
  it('reports live connections and pending timers, and their return to zero', async () => {
    const clock = countingClock(systemClock);
    const server = createServer({ handler: (_req, res) => res.send('ok'), clock });
    const { port } = await server.listen({ port: 0, host: '127.0.0.1' });
    const debug = await startDebugListener(server, clock, { host: '127.0.0.1', port: 0 });
    cleanups.push(() => server.close({ deadlineMs: 100 }), () => debug.close());
    const read = async () => JSON.parse((await get(debug.url)).body) as RegistrySnapshot;

    const idle = await read();
    expect(idle).toMatchObject({ connections: 0, handshakes: 0, timers: 0 });
    expect(idle.fds).toBeGreaterThan(0);
    expect(idle.resources['TCPServerWrap']).toBeGreaterThanOrEqual(2);

    // An idle client connection: the server holds it and its keep-alive deadline.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const busy = await until(read, (s) => s.connections === 1);
    expect(busy.connections).toBe(1);
    expect(busy.timers).toBeGreaterThanOrEqual(1);
    expect(busy.fds).toBeGreaterThan(idle.fds!);

    socket.destroy();
    const after = await until(read, (s) => s.connections === 0 && s.timers === 0);
    expect(after).toMatchObject({ connections: 0, timers: 0 });
    expect(after.fds).toBe(idle.fds);
  });

  it('answers 404 for anything but GET /registry', async () => {
    const clock = countingClock(systemClock);
    const server = createServer({ handler: (_req, res) => res.send('ok'), clock });
    const debug = await startDebugListener(server, clock, { host: '127.0.0.1', port: 0 });
    cleanups.push(() => debug.close());
    const res = await get(debug.url.replace('/registry', '/other'));
    expect(res.status).toBe(404);
    expect(res.body).toContain('GET /registry');
  });
});
