import { CLEAN_PLAN, runUnderFaults, type FaultProfileSpec, type FaultRun, type FaultsOutcome, type TargetFactory } from '../faults.js';
import type { MatrixCaseOptions, MatrixSuite, MeasuredResult } from './suites.js';

/*
 * The matrix's clean and sim columns are `runUnderFaults` (harness/conformance/faults.ts), the
 * runner `conformance --faults` uses, with the same options: so a cell's repro line, `conformance
 * <suite> ID --faults P --seed S`, runs that case exactly as the matrix did. With caseWorlds each
 * case of a seeded run has a world of its own, seeded from S and its id: alone in the repro it
 * meets the same faults as in the matrix.
 */

export interface SimMatrixOptions {
  profiles: readonly FaultProfileSpec[];
  seeds: readonly number[];
  splitLimit?: number;
  onRun?: (run: FaultRun) => void;
  /** Another server than aeronet's demo routes (tests: a server that breaks under faults). */
  targets?: TargetFactory<unknown>;
  /** The clean pass, when already run (with traffic). */
  clean?: MeasuredResult[];
}

/** The clean pass (the selection in one world, whole writes; it draws nothing) and every profile x seed. */
export function runCleanPass(suite: MatrixSuite, filter: readonly string[], caseOptions: MatrixCaseOptions, targets?: TargetFactory<unknown>): Promise<MeasuredResult[]> {
  return suite.simRunner(caseOptions, filter)((targets ?? suite.simTargets)(CLEAN_PLAN), null);
}

/** Every profile x seed (after the clean pass, given or run first). */
export function runSimColumns(suite: MatrixSuite, filter: readonly string[], caseOptions: MatrixCaseOptions, sim: SimMatrixOptions): Promise<FaultsOutcome<MeasuredResult>> {
  return runUnderFaults(suite.simRunner(caseOptions, filter), sim.targets ?? suite.simTargets, sim.profiles, sim.seeds, {
    caseWorlds: true,
    ...(sim.splitLimit !== undefined ? { splitLimit: sim.splitLimit } : {}),
    ...(sim.onRun !== undefined ? { onRun: sim.onRun } : {}),
    ...(sim.clean !== undefined ? { clean: sim.clean } : {}),
  });
}
