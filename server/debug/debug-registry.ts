import { readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AeronetServer } from '../server.js';
import type { CountingClock } from '../transport/counting-clock.js';

/** What the debug registry reports: enough for a harness to prove nothing leaked after a run. */
export interface RegistrySnapshot {
  /** Connections the server is serving (HTTP/1.1 and HTTP/2). */
  connections: number;
  /** TLS handshakes under way. */
  handshakes: number;
  /** The server clock's timers still pending (idle, header, drain and stall deadlines). */
  timers: number;
  /** Open file descriptors of the process (Linux /proc/self/fd), null where unknown. */
  fds: number | null;
  /** Node's active handles by type (process.getActiveResourcesInfo()), e.g. TCPSocketWrap. */
  resources: Record<string, number>;
  rssBytes: number;
  heapUsedBytes: number;
}

export function registrySnapshot(server: AeronetServer, clock: CountingClock): RegistrySnapshot {
  const resources: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) resources[r] = (resources[r] ?? 0) + 1;
  const mem = process.memoryUsage();
  return {
    connections: server.connectionCount,
    handshakes: server.handshakeCount,
    timers: clock.pendingTimers,
    fds: openFds(),
    resources,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
  };
}

function openFds(): number | null {
  try {
    // readdir itself holds one descriptor open while it lists the directory.
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return null;
  }
}

/**
 * The debug listener (`aeronet serve --debug-port N`, off by default): GET /registry answers the
 * snapshot as JSON. It is a separate node:http listener on its own port, so its own connection
 * never shows up in the server's registry and a proxy in front of the server never sees it.
 */
export async function startDebugListener(server: AeronetServer, clock: CountingClock, options: { host: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const listener = http.createServer((req, res) => {
    if (req.url !== '/registry' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /registry\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(registrySnapshot(server, clock)) + '\n');
  });
  listener.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port, options.host, () => resolve());
  });
  const { port } = listener.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/registry`,
    close: () => new Promise<void>((resolve) => {
      listener.closeAllConnections();
      listener.close(() => resolve());
    }),
  };
}
