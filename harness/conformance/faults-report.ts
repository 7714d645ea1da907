import { compactRanges, type CaseVerdictKind, type FaultedResult, type FaultsSummary } from './faults.js';

/*
 * How the reports (text, JUnit, JSON) show the runs under faults, for any suite: next to each
 * case its faulted results, and after the tree a summary with the cases that pass on a clean
 * link but fail under faults.
 */

/** The case fields these helpers read. */
export interface CaseWithFaults {
  id: string;
  result: CaseVerdictKind;
  faults?: FaultedResult[];
}

/** Results grouped by the profile that was asked for (a fallback's under the profile that used it). */
function byRequested(faults: readonly FaultedResult[]): Map<string, FaultedResult[]> {
  const groups = new Map<string, FaultedResult[]>();
  for (const r of faults) {
    const key = r.insteadOf ?? r.profile;
    let list = groups.get(key);
    if (list === undefined) groups.set(key, (list = []));
    list.push(r);
  }
  return groups;
}

/** One profile's results in a few characters: "choppy ✓×5", "byte ✗ seeds 2, 4", "splits ✗ at 5-7 of 60". */
function shortResult(requested: string, list: readonly FaultedResult[]): string {
  const ran = list[0]!.profile;
  const name = ran === requested ? requested : `${requested} (as ${ran})`;
  const split = list.find((r) => r.splitPoints !== undefined);
  if (split !== undefined) {
    const { tried, failed } = split.splitPoints!;
    return failed.length === 0 ? `${name} ✓ ${tried} points` : `${name} ✗ at ${compactRanges(failed)} of ${tried}`;
  }
  const failed = list.filter((r) => r.result === 'failed');
  if (failed.length > 0) return `${name} ✗ seed${failed.length === 1 ? '' : 's'} ${failed.map((r) => r.seed).join(', ')} of ${list.length}`;
  if (list.every((r) => r.result === 'skipped')) return `${name} - skipped`;
  return `${name} ✓×${list.length}`;
}

/** "[choppy ✓×5, byte ✓×5, splits ✓ 61 points]", for the case's line in the tree ('' without faulted runs). */
export function faultsSuffix(c: CaseWithFaults): string {
  if (c.faults === undefined || c.faults.length === 0) return '';
  return ` [${[...byRequested(c.faults)].map(([requested, list]) => shortResult(requested, list)).join(', ')}]`;
}

/** Expected and actual of each failed faulted run, as lines to print under the case. */
export function faultFailureLines(c: CaseWithFaults): string[] {
  const out: string[] = [];
  for (const r of c.faults ?? []) {
    if (r.result !== 'failed') continue;
    const where = r.splitPoints !== undefined ? r.profile : `${r.profile} seed ${r.seed}${r.insteadOf !== undefined ? ` (for ${r.insteadOf})` : ''}`;
    out.push(`under ${where}:`);
    if (r.expected !== undefined) out.push(`  -> expected: ${r.expected}`);
    out.push(`     actual:   ${r.actual}`);
  }
  return out;
}

/** A case's verdict over the clean pass and every faulted run: it passes only if it passed them all. */
export function verdictWithFaults(c: CaseWithFaults): CaseVerdictKind {
  if (c.result !== 'passed') return c.result;
  return (c.faults ?? []).some((r) => r.result === 'failed') ? 'failed' : 'passed';
}

const seedList = (seeds: readonly number[]) => {
  const sorted = [...seeds].sort((a, b) => a - b);
  return compactRanges(sorted);
};

/** The summary after the tree: what ran where, the counts, and the cases that pass clean but fail under faults. */
export function faultsSummaryLines(summary: FaultsSummary, cases: readonly CaseWithFaults[]): string[] {
  const out = [`Under faults: ${summary.where}; the clean pass on whole writes; seeds ${seedList(summary.seeds)}`];
  for (const p of summary.profiles) {
    const own = cases.filter((c) => (c.faults ?? []).some((r) => r.profile === p.name && r.insteadOf === undefined)).length;
    const instead = new Map<string, number>();
    for (const c of cases) {
      const r = (c.faults ?? []).find((x) => x.insteadOf === p.name);
      if (r !== undefined) instead.set(r.profile, (instead.get(r.profile) ?? 0) + 1);
    }
    const failing = cases.filter((c) => (c.faults ?? []).some((r) => (r.insteadOf ?? r.profile) === p.name && r.result === 'failed')).length;
    const parts = [`${own} cases`, ...[...instead].map(([other, n]) => `${n} larger ones as ${other}`), `${failing} failing`];
    out.push(`  ${p.name}: ${p.summary}`);
    out.push(`    ${parts.join('; ')}`);
  }
  out.push(`  ${summary.runs} suite runs, ${summary.caseRuns} case runs, ${summary.failedCaseRuns} failed, in ${(summary.ms / 1000).toFixed(1)} s`);
  out.push('', `Pass clean, fail under faults: ${summary.passCleanFailFaults.length === 0 ? '(none)' : ''}`);
  for (const id of summary.passCleanFailFaults) {
    const c = cases.find((x) => x.id === id);
    out.push(`  ✗ ${id}${c !== undefined ? faultsSuffix(c) : ''}`);
  }
  return out;
}

/** JUnit: one <testsuite> per requested profile, a <testcase> per case that ran under it. */
export function faultsJunitSuites(cases: ReadonlyArray<CaseWithFaults & { title: string }>, summary: FaultsSummary, escape: (s: string) => string): string[] {
  const out: string[] = [];
  for (const p of summary.profiles) {
    const rows = cases
      .map((c) => ({ c, list: (c.faults ?? []).filter((r) => (r.insteadOf ?? r.profile) === p.name) }))
      .filter((row) => row.list.length > 0);
    const failed = rows.filter((row) => row.list.some((r) => r.result === 'failed')).length;
    out.push(`  <testsuite name="${escape(`faults/${p.name}`)}" tests="${rows.length}" failures="${failed}" errors="0" skipped="0">`);
    for (const { c, list } of rows) {
      const open = `    <testcase classname="${escape(`faults/${p.name}/${c.id.slice(0, c.id.lastIndexOf('/'))}`)}" name="${escape(`${c.id}: ${c.title}${faultsSuffix({ ...c, faults: list })}`)}"`;
      const bad = list.filter((r) => r.result === 'failed');
      if (bad.length === 0) {
        out.push(`${open}/>`);
        continue;
      }
      const text = faultFailureLines({ ...c, faults: bad }).join('\n');
      out.push(`${open}>`, `      <failure message="${escape(`fails under ${p.name}`)}" type="faults">${escape(text)}</failure>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  return out;
}
