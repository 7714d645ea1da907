import { MemoryLogger } from '../../../server/core/logger.js';
import { createDemoRouter } from '../../../server/demo/demo-routes.js';
import { createServer, type AeronetServer } from '../../../server/server.js';
import type { FaultProfile } from '../../sim/faults.js';
import type { SuiteOptions } from './run-suite.js';
import { simTarget, type SimTarget } from './sim-target.js';

/** What the suite requests from aeronet's demo routes: /hello, /echo (reads the body), /bytes/N. */
export const AERONET_PATHS: Readonly<Pick<SuiteOptions, 'path' | 'postPath' | 'largePath'>> = { path: '/hello', postPath: '/echo', largePath: '/bytes/100000' };

export interface AeronetSimOptions {
  seed?: number;
  faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile };
  splitClientAt?: number | null;
  describe?: string;
}

/**
 * aeronet with the demo routes (what `aeronet serve` runs) in a Sim, as a conformance target.
 * Response compression is off: zlib runs on Node's thread pool, whose timing the virtual clock
 * does not control (and the suite sends no accept-encoding anyway).
 */
export function aeronetInSim(options: AeronetSimOptions = {}): SimTarget<AeronetServer> {
  return simTarget({
    seed: options.seed ?? 1,
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
    ...(options.splitClientAt !== undefined ? { splitClientAt: options.splitClientAt } : {}),
    ...(options.describe !== undefined ? { describe: options.describe } : {}),
    server: (sim) => createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false, logger: new MemoryLogger() }),
  });
}
