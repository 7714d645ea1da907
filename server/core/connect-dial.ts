import type { Clock } from '../transport/clock.js';
import type { Transport } from '../transport/transport.js';
import type { ConnectOptions } from '../http1/http1-options.js';

/** What dialling a CONNECT target came to, for either protocol to answer (RFC 9110 §9.3.6). */
export type DialOutcome =
  | { ok: true; upstream: Transport }
  | { ok: false; status: 403 | 502 | 504; message: string; error?: string };

/** Whether `authority` ('host:port') is on the allowlist. */
export function connectAllowed(options: ConnectOptions, authority: string): boolean {
  return typeof options.allow === 'function' ? options.allow(authority) : options.allow.includes(authority.toLowerCase());
}

/**
 * Check the allowlist and dial the target, within dialTimeoutMs on `clock`: the one policy for
 * CONNECT over HTTP/1.1 and HTTP/2, so both refuse and fail the same way (403, 502, 504).
 */
export async function dialConnectTarget(options: ConnectOptions, authority: string, clock: Clock): Promise<DialOutcome> {
  if (!connectAllowed(options, authority)) return { ok: false, status: 403, message: `CONNECT to ${authority} is not allowed` };
  const colon = authority.lastIndexOf(':');
  let host = authority.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = Number(authority.slice(colon + 1));
  const timeoutMs = options.dialTimeoutMs ?? 10_000;
  try {
    return { ok: true, upstream: await withTimeout(options.dial(host, port), timeoutMs, clock) };
  } catch (err) {
    const timedOut = err instanceof DialTimeout;
    return { ok: false, status: timedOut ? 504 : 502, message: timedOut ? `CONNECT to ${authority} timed out` : `CONNECT to ${authority} failed`, error: String(err) };
  }
}

class DialTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimer(ms, () => reject(new DialTimeout(`no answer within ${ms} ms`)));
    promise.then(
      (v) => {
        timer.cancel();
        resolve(v);
      },
      (e: unknown) => {
        timer.cancel();
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
