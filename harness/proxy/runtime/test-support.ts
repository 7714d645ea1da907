import net from 'node:net';
import type { Direction, ToxicConfig, ToxicDecision, ToxicType } from '../model.js';
import { TcpProxyRuntime } from './proxy-runtime.js';

/** A loopback TCP server standing in for the proxied upstream; each connection gets `onConnection`. */
export async function startUpstream(onConnection: (socket: net.Socket) => void): Promise<{ port: number; sockets: net.Socket[]; close(): Promise<void> }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.push(s);
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echo everything back; end when the peer ends. */
export const echo = (s: net.Socket): void => {
  s.pipe(s);
};

export interface TestProxy {
  rt: TcpProxyRuntime;
  port: number;
  decisions: ToxicDecision[];
  close(): Promise<void>;
}

export async function startProxy(upstreamPort: number, seed = 'test-seed'): Promise<TestProxy> {
  const decisions: ToxicDecision[] = [];
  const rt = new TcpProxyRuntime('p1', `127.0.0.1:${upstreamPort}`, { seed, onDecision: (d) => decisions.push(d) });
  const bound = await rt.start('127.0.0.1:0');
  const port = Number(bound.split(':').pop());
  return { rt, port, decisions, close: () => rt.stop() };
}

export function toxic(type: ToxicType, direction: Direction, attributes: Record<string, number> = {}, toxicity = 1, name = `${type}_${direction}`): ToxicConfig {
  return { name, type, stream: direction, direction, toxicity, attributes };
}

/** A client socket that records what it gets and when (ms since connect started). */
export interface Client {
  socket: net.Socket;
  t0: number;
  received(): Buffer;
  /** performance.now() of each 'data' event with its size. */
  reads: { at: number; size: number }[];
  endedAt: number | null;
  closedAt: number | null;
  error: NodeJS.ErrnoException | null;
  closed: Promise<void>;
}

export async function connect(port: number): Promise<Client> {
  const t0 = performance.now();
  const socket = net.connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  let closedResolve!: () => void;
  const c: Client = {
    socket,
    t0,
    received: () => Buffer.concat(chunks),
    reads: [],
    endedAt: null,
    closedAt: null,
    error: null,
    closed: new Promise<void>((r) => (closedResolve = r)),
  };
  const onData = (d: Buffer): void => {
    chunks.push(d);
    c.reads.push({ at: performance.now(), size: d.length });
  };
  socket.on('data', onData);
  socket.on('end', () => (c.endedAt = performance.now()));
  socket.on('error', (e: NodeJS.ErrnoException) => (c.error = e));
  socket.on('close', () => {
    c.closedAt = performance.now();
    closedResolve();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return c;
}

export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Deterministic non-trivial bytes. */
export function pattern(size: number, salt = 0): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = (0x9e3779b9 ^ salt) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** Time (ms) from `since` until the client has received `bytes` bytes. */
export async function timeToReceive(c: Client, bytes: number, since: number, timeoutMs = 8000): Promise<number> {
  await waitFor(() => c.received().length >= bytes, timeoutMs, `${bytes} bytes`);
  let total = 0;
  for (const r of c.reads) {
    total += r.size;
    if (total >= bytes) return r.at - since;
  }
  return performance.now() - since;
}
