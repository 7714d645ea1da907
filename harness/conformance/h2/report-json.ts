import type { SuiteReport } from './run-suite.js';

/** The report as JSON: {"target", "cases": [{"id", "title", "result", "expected", "actual", "ms"}]}. */
export function renderJson(report: SuiteReport): string {
  const shaped = {
    target: report.target,
    cases: report.cases.map(({ id, title, result, expected, actual, ms }) => ({ id, title, result, expected, actual, ms })),
  };
  return `${JSON.stringify(shaped, null, 2)}\n`;
}
