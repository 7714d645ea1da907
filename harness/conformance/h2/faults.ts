import type { AeronetServer } from '../../../server/server.js';
import type { Sim } from '../../sim/sim.js';
import { CLEAN_PLAN, runUnderFaults, summarizeFaults, trafficCounter, type CaseTraffic, type FaultProfileSpec, type FaultRun, type LinkPlan, type SuiteRunner, type TargetFactory } from '../faults.js';
import { aeronetInSim } from './aeronet-target.js';
import { runH2Suite, type CaseResult, type SuiteOptions, type SuiteReport } from './run-suite.js';
import { simTarget, type AcceptsTransports, type SimTarget } from './sim-target.js';

/** A case's result with the bytes its connections moved (in-process runs count them). */
export type MeasuredCaseResult = CaseResult & { traffic: CaseTraffic };

/**
 * The HTTP/2 suite as runUnderFaults drives it: run the chosen cases on a sim target, and count
 * per case the bytes of the connections it opened (connections are numbered in the order cases
 * open them, so each case's are the ones opened since the previous case ended).
 */
export function h2SuiteRunner(options: SuiteOptions): SuiteRunner<SimTarget, MeasuredCaseResult> {
  return async (target, caseIds) => {
    const results: MeasuredCaseResult[] = [];
    const traffic = trafficCounter(target.sim);
    await target.run(
      runH2Suite(target, {
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

/** Sim targets for a server of the caller's, one fresh world per plan. */
export function simTargetFactory<S extends AcceptsTransports>(server: (sim: Sim) => S, describe?: string): TargetFactory<SimTarget<S>> {
  return (plan: LinkPlan) =>
    simTarget({
      seed: plan.seed,
      faults: { clientToServer: plan.clientToServer, serverToClient: plan.serverToClient },
      splitClientAt: plan.splitClientAt,
      server,
      ...(describe !== undefined ? { describe } : {}),
    });
}

/** aeronet (the demo routes, as `aeronet serve`) in the sim, one fresh world per plan. */
export const aeronetTargets: TargetFactory<SimTarget<AeronetServer>> = (plan) =>
  aeronetInSim({ seed: plan.seed, faults: { clientToServer: plan.clientToServer, serverToClient: plan.serverToClient }, splitClientAt: plan.splitClientAt });

export const AERONET_IN_PROCESS = 'aeronet in-process (demo routes, simulated network on virtual time)';

export interface H2FaultsOptions {
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
 * The suite clean (whole writes both ways) and under each profile and seed, as one report: the
 * clean pass's cases, each with its faulted results, and the summary with the cases that pass
 * clean but fail under faults.
 */
export async function runH2SuiteUnderFaults(options: SuiteOptions, faults: H2FaultsOptions): Promise<SuiteReport> {
  const runner = h2SuiteRunner(options);
  const quiet = h2SuiteRunner({ ...options, onCase: () => {} });
  const targets = faults.targets ?? aeronetTargets;
  // The clean pass reports progress (onCase); the faulted runs report per run (onRun).
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
