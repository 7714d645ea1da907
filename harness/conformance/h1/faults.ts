import { MemoryLogger } from '../../../server/core/logger.js';
import { createDemoRouter } from '../../../server/demo/demo-routes.js';
import { createServer, type AeronetServer } from '../../../server/server.js';
import type { Sim } from '../../sim/sim.js';
import { AERONET_IN_PROCESS, measuredSuiteRunner, runSuiteUnderFaults, simLinkOptions, type CaseTraffic, type LinkPlan, type SuiteFaultsOptions, type SuiteRunner, type TargetFactory } from '../faults.js';
import { runH1Suite, type CaseResult, type H1SuiteOptions, type SuiteReport } from './run-suite.js';
import { simTarget, type AcceptsTransports, type SimTarget } from './sim-target.js';

/*
 * The HTTP/1.1 suite under faults: the adapter harness/conformance/faults.ts needs (a runner and a
 * target factory), the same shape as h2/faults.ts. The report renderers are the shared ones.
 */

/** A case's result with the bytes its connections moved (in-process runs count them). */
export type MeasuredCaseResult = CaseResult & { traffic: CaseTraffic };

/** What the suite requests from aeronet's demo routes: GET /hello, POST /echo (echoes the content). */
export const AERONET_H1_PATHS: Readonly<Pick<H1SuiteOptions, 'path' | 'echoPath'>> = { path: '/hello', echoPath: '/echo' };

/**
 * The HTTP/1.1 suite as runUnderFaults drives it: run the chosen cases on a sim target, and count
 * per case the bytes of the connections it opened (each case's are those opened since the
 * previous case ended: cases run one at a time and open connections in order).
 */
export function h1SuiteRunner(options: H1SuiteOptions): SuiteRunner<SimTarget, MeasuredCaseResult> {
  return measuredSuiteRunner<SimTarget, CaseResult, H1SuiteOptions>(runH1Suite, options);
}

/** HTTP/1.1 sim targets for a server of the caller's, one fresh world per plan. */
export function h1SimTargetFactory<S extends AcceptsTransports>(server: (sim: Sim) => S, describe?: string): TargetFactory<SimTarget<S>> {
  return (plan: LinkPlan) =>
    simTarget({
      ...simLinkOptions(plan),
      server,
      ...(describe !== undefined ? { describe } : {}),
    });
}

/** aeronet with the demo routes (as `aeronet serve`, compression off: zlib's thread pool is not on virtual time). */
export const aeronetH1Targets: TargetFactory<SimTarget<AeronetServer>> = h1SimTargetFactory((sim) =>
  createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false, logger: new MemoryLogger() }),
);

export { AERONET_IN_PROCESS };

export type H1FaultsOptions = SuiteFaultsOptions<SimTarget>;

/** The 1 suite clean and under faults, as one report (see runSuiteUnderFaults). */
export function runH1SuiteUnderFaults(options: H1SuiteOptions, faults: H1FaultsOptions): Promise<SuiteReport> {
  return runSuiteUnderFaults((quiet) => h1SuiteRunner(quiet ? { ...options, onCase: () => {} } : options), aeronetH1Targets as TargetFactory<SimTarget>, faults) as Promise<SuiteReport>;
}
