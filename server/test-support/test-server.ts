import net from 'node:net';
import { createServer, type AeronetServer, type ServerOptions } from '../server.js';
import { MemoryLogger } from '../core/logger.js';
import { createDemoRouter } from '../demo/demo-routes.js';

export interface TestServer {
  server: AeronetServer;
  url: string;
  port: number;
  logger: MemoryLogger;
  close(): Promise<void>;
}

/** Start a server on 127.0.0.1 and a free port; the demo routes unless a handler is given. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logger = new MemoryLogger();
  const server = createServer({ handler: createDemoRouter().handle, logger, ...options });
  const { url, port } = await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, url, port, logger, close: () => server.close({ deadlineMs: 1000 }) };
}

/**
 * Send raw bytes on a fresh TCP connection and collect everything the server sends until it
 * closes the connection (or `timeoutMs` passes). `end` half-closes after writing.
 */
export function rawExchange(port: number, data: string | Buffer, options: { end?: boolean; timeoutMs?: number } = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 2000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? finish(true) : settled || reject(err)));
    socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    if (options.end) socket.end();
  });
}
