import { createServer, type AeronetServer } from '../../server/server.js';
import type { ServerOptions } from '../../server/server-options.js';
import { createDemoRouter } from '../../server/demo/demo-routes.js';
import type { Logger } from '../../server/core/logger.js';
import type { Transport } from '../../server/transport/transport.js';
import type { Sim } from '../sim/sim.js';
import { transportStream } from '../sim/node-streams.js';

/** aeronet with the demo routes on a simulation's clock: the server the sim layer's runs drive. */
export interface DemoServerOnSim {
  readonly server: AeronetServer;
  /** Hand a connection's server end (`sim.connect(accept)`) to the server. */
  accept(transport: Transport): void;
  /** The same through the server's TLS handshake (the server must have `tls` options). */
  acceptTls(transport: Transport): void;
  /** What must be empty after a run: live connections, TLS handshakes that never finished, and what the metrics count as open. */
  readonly registry: { readonly connectionCount: number; readonly metrics: AeronetServer['metrics'] };
}

/**
 * The demo routes with response compression off (zlib's thread pool is not on the virtual
 * clock) and metrics on (so every run checks through them that nothing leaked), then `options`
 * on top, on `sim`'s clock, logging to `logger`. Shared by the scenario
 * runner (harness/runner/run-scenario.ts) and the capture replay (harness/replay/).
 */
export function demoServerOnSim(sim: Sim, logger: Logger, options: Partial<ServerOptions> = {}): DemoServerOnSim {
  const server = createServer({ handler: createDemoRouter().handle, compression: false, metrics: true, ...options, clock: sim.clock, logger });
  return {
    server,
    accept: (t) => server.accept(t),
    acceptTls: (t) => server.acceptTls(transportStream(t, sim.clock)),
    // A TLS handshake that never finished is as much a leak as a connection.
    registry: { get connectionCount() { return server.connectionCount + server.handshakeCount; }, metrics: server.metrics },
  };
}
