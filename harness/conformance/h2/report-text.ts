import { GROUP_TITLES, H2SPEC_GROUPS, groupChain } from './groups.js';
import { faultFailureLines, faultsSummaryLines, faultsSuffix, verdictWithFaults } from '../faults-report.js';
import { summarize, type CaseResult, type SuiteReport } from './run-suite.js';

const MARK: Record<CaseResult['result'], string> = { passed: '✓', failed: '✗', skipped: '-' };

function countLine(cases: readonly CaseResult[]): string {
  const s = summarize(cases);
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
}

/** What a suite other than HTTP/2's (the HTTP/1.1 one) changes in the text report. */
export interface TextReportOptions {
  /** The first line's label (default "HTTP/2 conformance"). */
  title?: string;
  /** Group headings by id prefix (default: the HTTP/2 suite's, groups.ts). */
  groupTitles?: ReadonlyMap<string, string>;
}

/**
 * For other suites' ids ("smuggling/cl-te/2"): every prefix short of the case's own number,
 * outermost first, that has a heading, and the case's own group always.
 */
function prefixChain(id: string, titles: ReadonlyMap<string, string>): string[] {
  const parts = id.split('/');
  const chain: string[] = [];
  for (let k = 1; k < parts.length; k++) {
    const prefix = parts.slice(0, k).join('/');
    if (titles.has(prefix) || k === parts.length - 1) chain.push(prefix);
  }
  return chain;
}

/**
 * A report as h2spec prints one: group headings as a tree, a mark per case (✓ passed, ✗ failed,
 * - skipped), expected and actual under each failure, then the failures again by id, the
 * optional cases (which ran, which did not and why), and the counts: h2spec's groups and ours
 * apart, and the total last ("N passed, N failed, N skipped").
 */
export function renderText(report: SuiteReport, options: TextReportOptions = {}): string {
  const titles = options.groupTitles ?? GROUP_TITLES;
  const out: string[] = [`${options.title ?? 'HTTP/2 conformance'}: ${report.target}`, ''];
  let open: string[] = [];
  for (const c of report.cases) {
    const chain = options.groupTitles === undefined ? groupChain(c.id) : prefixChain(c.id, titles);
    let same = 0;
    while (same < chain.length && same < open.length && chain[same] === open[same]) same++;
    for (let depth = same; depth < chain.length; depth++) {
      if (depth === 0 && out[out.length - 1] !== '') out.push('');
      out.push(`${'  '.repeat(depth)}${titles.get(chain[depth]!) ?? chain[depth]!}`);
    }
    open = chain;
    const indent = '  '.repeat(chain.length);
    const label = `${c.id.slice(c.id.lastIndexOf('/') + 1)}: ${c.title}`;
    if (c.result === 'skipped') {
      out.push(`${indent}${MARK.skipped} ${label} (skipped: ${c.actual})`);
      continue;
    }
    out.push(`${indent}${MARK[c.result]} ${label}${faultsSuffix(c)}`);
    if (c.result === 'failed') {
      out.push(`${indent}  -> expected: ${c.expected}`);
      out.push(`${indent}     actual:   ${c.actual}`);
    }
    for (const line of faultFailureLines(c)) out.push(`${indent}  ${line}`);
  }
  const failed = report.cases.filter((c) => c.result === 'failed');
  if (failed.length > 0) {
    out.push('', 'Failures:');
    for (const c of failed) out.push(`  ✗ ${c.id}: ${c.title}`);
  }
  const optional = report.cases.filter((c) => c.optional !== undefined);
  if (optional.length > 0) {
    out.push('', 'Optional cases:');
    for (const c of optional) out.push(`  ${c.id}: ${c.optional!.note}`);
  }
  out.push('');
  if (report.faults !== undefined) return `${[...out, ...faultsSummaryLines(report.faults, report.cases), '', ...faultsCounts(report)].join('\n')}\n`;
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

/**
 * The last lines under --faults: the clean pass's counts, then the counts a CI reads, where a
 * case passes only if it passed clean and in every faulted run.
 */
function faultsCounts(report: SuiteReport): string[] {
  const ms = report.cases.reduce((sum, c) => sum + c.ms, 0);
  const combined = report.cases.map((c) => ({ ...c, result: verdictWithFaults(c) }));
  return [
    `clean pass: ${report.cases.length} cases in ${(ms / 1000).toFixed(1)} s of virtual time: ${countLine(report.cases)}`,
    'clean and under every fault (a case passes only if it passed every run):',
    countLine(combined),
  ];
}
