import type { RegistrySnapshot } from '../../server/debug/debug-registry.js';
import { h1Client, h2Client, type ClientEndpoint } from './clients.js';

/**
 * The checks every real-socket layer (proxy, netem) makes after a scenario: the server still
 * answers, and it lets go of everything once the scenario's connections are gone.
 */

/** A fresh client: GET /hello must answer 200 "hello", over HTTP/2 when `h2`. Throws with what it got. */
export async function followUpHello(endpoint: ClientEndpoint, h2: boolean, timeoutMs = 5000): Promise<number> {
  const client = h2 ? h2Client(endpoint) : h1Client(endpoint);
  try {
    const r = await client.request({ path: '/hello', timeoutMs });
    if (!r.complete || r.status !== 200 || !r.body.toString().startsWith('hello')) {
      throw new Error(`follow-up GET /hello got ${r.status ?? 'no response'}${r.error ? ` (${r.error})` : ''}`);
    }
    return r.ms;
  } finally {
    client.close();
  }
}

/** Poll the registry until it is back to the baseline (or `withinMs` passes); the last snapshot. */
export async function settleRegistry(read: () => Promise<RegistrySnapshot>, baseline: RegistrySnapshot, withinMs: number): Promise<RegistrySnapshot> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const snap = await read();
    if (describeLeak(baseline, snap) === null || performance.now() > deadline) return snap;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the server holds beyond its idle baseline, in words; null when nothing. */
export function describeLeak(baseline: RegistrySnapshot, now: RegistrySnapshot): string | null {
  const extra: string[] = [];
  if (now.connections > 0) extra.push(`${now.connections} connection(s)`);
  if (now.handshakes > 0) extra.push(`${now.handshakes} TLS handshake(s)`);
  if (now.timers > baseline.timers) extra.push(`${now.timers - baseline.timers} timer(s)`);
  if (now.fds !== null && baseline.fds !== null && now.fds > baseline.fds) extra.push(`${now.fds - baseline.fds} file descriptor(s)`);
  return extra.length > 0 ? extra.join(', ') : null;
}
