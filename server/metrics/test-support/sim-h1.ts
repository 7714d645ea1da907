import { Sim } from '../../../harness/sim/sim.js';
import type { TestConnection } from '../../../harness/sim/test-socket.js';
import { createServer, type AeronetServer } from '../../server.js';
import type { ServerOptions } from '../../server-options.js';
import { createDemoRouter } from '../../demo/demo-routes.js';
import { MemoryLogger } from '../../core/logger.js';
import type { WorkMeter } from '../../core/work-meter.js';

/** Test-only: aeronet with the demo routes on the sim, for byte-level HTTP/1.1 clients. */
export interface SimH1World {
  sim: Sim;
  server: AeronetServer;
  logger: MemoryLogger;
  /** A new connection; `meters` gets its WorkMeter. */
  open(): TestConnection;
  readonly meters: WorkMeter[];
}

export function simH1World(seed: number, options: Partial<ServerOptions> = {}): SimH1World {
  const sim = new Sim({ seed });
  const logger = new MemoryLogger();
  // `options.logger` replaces the MemoryLogger (which then stays empty).
  const server = createServer({ handler: createDemoRouter().handle, compression: false, ...options, clock: sim.clock, logger: options.logger ?? logger });
  const meters: WorkMeter[] = [];
  return {
    sim,
    server,
    logger,
    meters,
    open: () => sim.connect((t) => {
      const meter = server.accept(t);
      if (meter !== null) meters.push(meter);
    }),
  };
}

/** GET-like requests, pipelined in one write; the last one asks to close. */
export function pipelined(...targets: string[]): string {
  return targets.map((t, i) => {
    const [method, target] = t.includes(' ') ? t.split(' ') : ['GET', t];
    return `${method} ${target} HTTP/1.1\r\nhost: sim.test\r\n${i === targets.length - 1 ? 'connection: close\r\n' : ''}\r\n`;
  }).join('');
}
