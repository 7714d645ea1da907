import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Transport } from '../../../server/transport/transport.js';
import { runH1Suite } from './run-suite.js';
import { simTarget } from './sim-target.js';
import { socketTarget } from './target.js';

/** A server that accepts connections and never says anything (closing its side when the client does). */
function silentServer(): { accept(t: Transport): void } {
  return {
    accept(t) {
      t.attach({ onData() {}, onEnd: () => t.close(), onDrain() {}, onError() {}, onClose() {} });
    },
  };
}

describe('simTarget', () => {
  it('waits on virtual time: a 60 s timeout costs no real time, and the report says nothing came', async () => {
    const target = simTarget({ server: () => silentServer() });
    const started = performance.now();
    const report = await target.run(runH1Suite(target, { filter: ['h1/framing/1'], timeoutMs: 60_000 }));
    expect(report.cases[0]).toMatchObject({ id: 'h1/framing/1', result: 'failed', actual: 'no response, kept open', ms: 60_000 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(target.sim.clock.pendingTimers).toBe(0);
  });

  it('applies per-connection link overrides by connection number', async () => {
    const target = simTarget({ server: () => silentServer(), connectionFaults: (n) => (n === 2 ? { clientToServer: { maxSegment: 1 }, serverToClient: { latencyMs: 7 } } : undefined) });
    await target.run(runH1Suite(target, { filter: ['h1/framing/1', 'h1/framing/2', 'h1/framing/3'], timeoutMs: 10 }));
    const [a, b, c] = target.sim.connections;
    expect(b!.faults.clientToServer.maxSegment).toBe(1);
    expect(b!.faults.serverToClient.latencyMs).toBe(7);
    expect(a!.faults.clientToServer.maxSegment).toBe(65536);
    expect(c!.faults.clientToServer.maxSegment).toBe(65536);
  });
});

describe('socketTarget', () => {
  it('tells a reset from a close, and a write after the close neither throws nor hangs', async () => {
    const server = net.createServer((s) => {
      s.once('data', (d) => {
        if (d.toString('latin1').startsWith('RESET')) s.resetAndDestroy();
        else s.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const target = socketTarget({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
      const reset = await target.connect();
      await reset.write('RESET\r\n');
      expect(await reset.until(() => reset.closed, 2000)).toBe(true);
      expect(reset.reset).toBe(true);
      await reset.write('more');
      reset.close();
      const fin = await target.connect();
      await fin.write('GET / HTTP/1.1\r\n\r\n');
      expect(await fin.until(() => fin.closed, 2000)).toBe(true);
      expect(fin.reset).toBe(false);
      expect(fin.received.toString('latin1')).toBe('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
      await fin.write('GET / HTTP/1.1\r\n\r\n');
      fin.close();
      expect(target.describe).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(socketTarget({ host: '::1', port: 8080, tls: true }).describe).toBe('[::1]:8080 (TLS)');
      expect(socketTarget({ host: '::1', port: 8080 }).authority).toBe('[::1]:8080');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
