import type net from 'node:net';

/** A test server the suites' own tests run against. */
export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Listen on 127.0.0.1 and a free port. close() destroys the connections still open first, so a
 * test never waits on a client that a case left behind. `connectionEvent` is 'secureConnection'
 * for a TLS server (its sockets are the TLS ones).
 */
export async function listenOnLoopback(server: net.Server, connectionEvent: 'connection' | 'secureConnection' = 'connection'): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  server.on(connectionEvent, (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
