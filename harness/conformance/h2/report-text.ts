import { GROUP_TITLES, H2SPEC_GROUPS, groupChain } from './groups.js';
import { summarize, type CaseResult, type SuiteReport } from './run-suite.js';

const MARK: Record<CaseResult['result'], string> = { passed: '✓', failed: '✗', skipped: '-' };

function countLine(cases: readonly CaseResult[]): string {
  const s = summarize(cases);
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
}

/**
 * A report as h2spec prints one: group headings as a tree, a mark per case (✓ passed, ✗ failed,
 * - skipped), expected and actual under each failure, then the failures again by id and the
 * counts: h2spec's groups and ours apart, and the total last ("N passed, N failed, N skipped").
 */
export function renderText(report: SuiteReport): string {
  const out: string[] = [`HTTP/2 conformance: ${report.target}`, ''];
  let open: string[] = [];
  for (const c of report.cases) {
    const chain = groupChain(c.id);
    let same = 0;
    while (same < chain.length && same < open.length && chain[same] === open[same]) same++;
    for (let depth = same; depth < chain.length; depth++) {
      if (depth === 0 && out[out.length - 1] !== '') out.push('');
      out.push(`${'  '.repeat(depth)}${GROUP_TITLES.get(chain[depth]!) ?? chain[depth]!}`);
    }
    open = chain;
    const indent = '  '.repeat(chain.length);
    const label = `${c.id.slice(c.id.lastIndexOf('/') + 1)}: ${c.title}`;
    if (c.result === 'skipped') {
      out.push(`${indent}${MARK.skipped} ${label} (skipped: ${c.actual})`);
      continue;
    }
    out.push(`${indent}${MARK[c.result]} ${label}`);
    if (c.result === 'failed') {
      out.push(`${indent}  -> expected: ${c.expected}`);
      out.push(`${indent}     actual:   ${c.actual}`);
    }
  }
  const failed = report.cases.filter((c) => c.result === 'failed');
  if (failed.length > 0) {
    out.push('', 'Failures:');
    for (const c of failed) out.push(`  ✗ ${c.id}: ${c.title}`);
  }
  out.push('');
  const ours = report.cases.filter((c) => !H2SPEC_GROUPS.includes(c.id.split('/')[0]!));
  const theirs = report.cases.filter((c) => H2SPEC_GROUPS.includes(c.id.split('/')[0]!));
  if (theirs.length > 0 && ours.length > 0) {
    out.push(`h2spec cases (${theirs.length}): ${countLine(theirs)}`);
    out.push(`extra cases (${ours.length}): ${countLine(ours)}`);
  }
  const ms = report.cases.reduce((sum, c) => sum + c.ms, 0);
  out.push(`${report.cases.length} cases in ${(ms / 1000).toFixed(1)} s`);
  out.push(countLine(report.cases));
  return `${out.join('\n')}\n`;
}
