import { MemoryLogger } from '../../../server/core/logger.js';
import { createDemoRouter } from '../../../server/demo/demo-routes.js';
import { createServer, type AeronetServer } from '../../../server/server.js';
import type { Sim } from '../../sim/sim.js';
import { CLEAN_PLAN, runUnderFaults, summarizeFaults, trafficCounter, type CaseTraffic, type FaultProfileSpec, type FaultRun, type LinkPlan, type SuiteRunner, type TargetFactory } from '../faults.js';
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
  return async (target, caseIds) => {
    const results: MeasuredCaseResult[] = [];
    const traffic = trafficCounter(target.sim);
    await target.run(
      runH1Suite(target, {
        ...options,
        ...(caseIds !== null ? { filter: caseIds } : {}),
        onCase: (result) => {
          results.push({ ...result, traffic: traffic() });
          options.onCase?.(result);
        },
      }),
    );
    return results;
  };
}

/** HTTP/1.1 sim targets for a server of the caller's, one fresh world per plan. */
export function h1SimTargetFactory<S extends AcceptsTransports>(server: (sim: Sim) => S, describe?: string): TargetFactory<SimTarget<S>> {
  return (plan: LinkPlan) =>
    simTarget({
      seed: plan.seed,
      faults: { clientToServer: plan.clientToServer, serverToClient: plan.serverToClient },
      splitClientAt: plan.splitClientAt,
      server,
      ...(describe !== undefined ? { describe } : {}),
    });
}

/** aeronet with the demo routes (as `aeronet serve`, compression off: zlib's thread pool is not on virtual time). */
export const aeronetH1Targets: TargetFactory<SimTarget<AeronetServer>> = h1SimTargetFactory((sim) =>
  createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false, logger: new MemoryLogger() }),
);

export const AERONET_IN_PROCESS = 'aeronet in-process (demo routes, simulated network on virtual time)';

export interface H1FaultsOptions {
  profiles: readonly FaultProfileSpec[];
  seeds: readonly number[];
  splitLimit?: number;
  onRun?: (run: FaultRun) => void;
  /** Default: aeronet, in-process. */
  targets?: TargetFactory<SimTarget>;
  /** What the report calls the target (default AERONET_IN_PROCESS). */
  describe?: string;
}

/**
 * The suite clean (whole writes both ways) and under each profile and seed, as one report in the
 * HTTP/2 suite's shape (so the shared renderers print it): the clean pass's cases, each with its
 * faulted results, and the summary with the cases that pass clean but fail under faults.
 */
export async function runH1SuiteUnderFaults(options: H1SuiteOptions, faults: H1FaultsOptions): Promise<SuiteReport> {
  const runner = h1SuiteRunner(options);
  const quiet = h1SuiteRunner({ ...options, onCase: () => {} });
  const targets = faults.targets ?? aeronetH1Targets;
  const clean = await runner(targets(CLEAN_PLAN), null);
  const outcome = await runUnderFaults(quiet, targets, faults.profiles, faults.seeds, {
    clean,
    ...(faults.splitLimit !== undefined ? { splitLimit: faults.splitLimit } : {}),
    ...(faults.onRun !== undefined ? { onRun: faults.onRun } : {}),
  });
  const describe = faults.describe ?? AERONET_IN_PROCESS;
  return {
    target: describe,
    cases: clean.map(({ traffic: _traffic, ...c }) => {
      const list = outcome.faulted.get(c.id);
      return list !== undefined ? { ...c, faults: list } : c;
    }),
    faults: summarizeFaults(outcome, describe),
  };
}
