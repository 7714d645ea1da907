import net from 'node:net';
import tls from 'node:tls';
import type { StartTimer } from './h2/waiters.js';

export interface OpenSocketOptions {
  host: string;
  port: number;
  /** TLS offering this ALPN protocol; otherwise cleartext. */
  tls?: boolean;
  alpn: string;
  /** Accept any certificate (self-signed test servers). */
  insecure?: boolean;
  /** SNI server name (default: host, when it is a name rather than an address). */
  servername?: string;
  /** Keep our side open after the server's FIN (so a suite can report what the server did). */
  allowHalfOpen?: boolean;
  /** Give up connecting after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

/** A connected socket (TCP, or TLS with its handshake done) for a conformance suite's socket target. */
export function openSocket(options: OpenSocketOptions): Promise<net.Socket> {
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`connect to ${options.host}:${options.port} timed out after ${timeoutMs} ms`)), timeoutMs);
    const ready = () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      resolve(socket);
    };
    const halfOpen = options.allowHalfOpen === true;
    if (options.tls === true) {
      const servername = options.servername ?? (net.isIP(options.host) === 0 ? options.host : undefined);
      socket = tls.connect({
        host: options.host,
        port: options.port,
        ALPNProtocols: [options.alpn],
        rejectUnauthorized: options.insecure !== true,
        ...(halfOpen ? { allowHalfOpen: true } : {}),
        ...(servername !== undefined ? { servername } : {}),
      }, ready);
    } else {
      socket = net.connect({ host: options.host, port: options.port, noDelay: true, allowHalfOpen: halfOpen }, ready);
    }
    socket.once('error', fail);
  });
}

/** Timers on real time, for the socket targets' waits. */
export const realTimer: StartTimer = (ms, fire) => {
  const timer = setTimeout(fire, ms);
  return { cancel: () => clearTimeout(timer) };
};
