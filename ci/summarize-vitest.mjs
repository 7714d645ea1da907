#!/usr/bin/env node
// Sums one or more vitest JSON reports (`--reporter=json --outputFile.json=...`) into the one-line
// summary CI prints last: `N passed, N failed` plus `, N skipped` when nonzero.
//
// Plain JS with node: built-ins only, because it runs before (and regardless of) the TypeScript build.
//
//   node ci/summarize-vitest.mjs artifacts/vitest.json [more.json ...]   -> "12 passed, 0 failed"
//   node ci/summarize-vitest.mjs --counts artifacts/vitest.json          -> "12 0 0" (passed failed skipped)
//
// A report that is missing or unreadable counts as 1 failed: no report means the run never got to
// produce one (tsc failed, vitest crashed), and that must not read as success.
// Exit status: 1 when the total failed count is nonzero, else 0.
import { readFileSync } from 'node:fs';

/** Counts for one parsed vitest JSON report. */
function countReport(report) {
  const n = (v) => (Number.isFinite(v) ? v : 0);
  const passed = n(report.numPassedTests);
  let failed = n(report.numFailedTests);
  // vitest counts skipped tests as "pending" and `it.todo` separately; both are "skipped" to a reader.
  const skipped = n(report.numPendingTests) + n(report.numTodoTests);
  // A test file that fails outside any test (import error, throw at top level, failing hook) makes
  // vitest exit 1 yet adds nothing to numFailedTests; count each such file as one failure.
  for (const file of Array.isArray(report.testResults) ? report.testResults : []) {
    const assertions = Array.isArray(file.assertionResults) ? file.assertionResults : [];
    if (file.status === 'failed' && !assertions.some((a) => a.status === 'failed')) failed += 1;
  }
  return { passed, failed, skipped };
}

function formatSummary({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
}

function main(argv) {
  const countsOnly = argv.includes('--counts');
  const files = argv.filter((a) => a !== '--counts');
  const total = { passed: 0, failed: 0, skipped: 0 };
  if (files.length === 0) {
    console.error('summarize-vitest: no report files given; counting that as a failure');
    total.failed = 1;
  }
  for (const file of files) {
    let counts;
    try {
      counts = countReport(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      console.error(`summarize-vitest: cannot read ${file} (${err.code ?? err.message}); counting it as 1 failed`);
      counts = { passed: 0, failed: 1, skipped: 0 };
    }
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  }
  console.log(countsOnly ? `${total.passed} ${total.failed} ${total.skipped}` : formatSummary(total));
  return total.failed > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
