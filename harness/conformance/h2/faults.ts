import type { AeronetServer } from '../../../server/server.js';
import type { Sim } from '../../sim/sim.js';
import { AERONET_IN_PROCESS, measuredSuiteRunner, runSuiteUnderFaults, simLinkOptions, type CaseTraffic, type LinkPlan, type SuiteFaultsOptions, type SuiteRunner, type TargetFactory } from '../faults.js';
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
  return measuredSuiteRunner<SimTarget, CaseResult, SuiteOptions>(runH2Suite, options);
}

/** Sim targets for a server of the caller's, one fresh world per plan. */
export function simTargetFactory<S extends AcceptsTransports>(server: (sim: Sim) => S, describe?: string): TargetFactory<SimTarget<S>> {
  return (plan: LinkPlan) =>
    simTarget({
      ...simLinkOptions(plan),
      server,
      ...(describe !== undefined ? { describe } : {}),
    });
}

/** aeronet (the demo routes, as `aeronet serve`) in the sim, one fresh world per plan. */
export const aeronetTargets: TargetFactory<SimTarget<AeronetServer>> = (plan) =>
  aeronetInSim(simLinkOptions(plan));

export { AERONET_IN_PROCESS };

export type H2FaultsOptions = SuiteFaultsOptions<SimTarget>;

/** The 2 suite clean and under faults, as one report (see runSuiteUnderFaults). */
export function runH2SuiteUnderFaults(options: SuiteOptions, faults: H2FaultsOptions): Promise<SuiteReport> {
  return runSuiteUnderFaults((quiet) => h2SuiteRunner(quiet ? { ...options, onCase: () => {} } : options), aeronetTargets as TargetFactory<SimTarget>, faults) as Promise<SuiteReport>;
}
