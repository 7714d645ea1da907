import type { SuiteReport } from './run-suite.js';

/**
 * The report as JSON: {"target", "cases": [{"id", "title", "result", "expected", "actual", "ms"}]}.
 * When the run selected optional cases (abuse/zero-window-stall/2), each gains "optional":
 * {"ran", "note"} ("ran (...)" or "not run (...; give --stall-wait MS)", a skip when not run), and
 * the report gains "optional": [{"id", "ran", "note"}], the same for all of them in suite order.
 * Under --faults (and only then) two additions, so a reader of the plain shape is not affected:
 * - each case gains "faults": [{"profile", "seed", "result", "actual"}, ...], one entry per
 *   faulted run of the case, with "expected" when it failed, "insteadOf" when the profile ran in
 *   place of one too fine-grained for the case (choppy for a flood under byte), and, for the
 *   deterministic splits profile, "seed": null and "splitPoints": {"tried", "failed": [offsets]};
 * - the report gains "faults": {"where", "profiles": [{"name", "summary"}], "seeds",
 *   "splitLimit", "runs", "caseRuns", "failedCaseRuns", "ms", "passCleanFailFaults": [ids]}.
 */
export function renderJson(report: SuiteReport): string {
  const optional = report.cases.filter((c) => c.optional !== undefined).map((c) => ({ id: c.id, ...c.optional! }));
  const shaped = {
    target: report.target,
    cases: report.cases.map(({ id, title, result, expected, actual, ms, faults, optional: o }) => ({ id, title, result, expected, actual, ms, ...(o !== undefined ? { optional: o } : {}), ...(faults !== undefined ? { faults } : {}) })),
    ...(optional.length > 0 ? { optional } : {}),
    ...(report.faults !== undefined ? { faults: report.faults } : {}),
  };
  return `${JSON.stringify(shaped, null, 2)}\n`;
}
