import type { CaseResult } from '../h2/run-suite.js';
import type { H2specCaseResult } from './junit.js';

/** One case where h2spec's verdict and ours differ. */
export interface Disagreement {
  id: string;
  title: string;
  ours: { result: CaseResult['result']; expected: string; actual: string };
  h2spec: { result: H2specCaseResult['result']; detail: string };
}

export interface H2specComparison {
  /** Cases both ran, with the same verdict. */
  agreed: number;
  disagreements: Disagreement[];
  /** h2spec cases we ran that h2spec's report lacks (a filter it did not get, or a crash). */
  missingFromH2spec: string[];
  /** h2spec results whose title is not one of its 147 (another h2spec version?). */
  unknown: H2specCaseResult[];
}

/**
 * Our verdict against h2spec's, for every case of h2spec's groups that we ran. Both skipped, or
 * both passed, or both failed, agree; anything else is a disagreement worth reading: a server
 * behaviour one tool accepts and the other does not, or a case one could not apply.
 */
export function compareWithH2spec(ours: readonly CaseResult[], theirs: readonly H2specCaseResult[]): H2specComparison {
  const byId = new Map(theirs.filter((t) => t.id !== null).map((t) => [t.id!, t]));
  const disagreements: Disagreement[] = [];
  const missingFromH2spec: string[] = [];
  let agreed = 0;
  for (const c of ours) {
    if (!/^(generic|http2|hpack)\//.test(c.id)) continue;
    const t = byId.get(c.id);
    if (t === undefined) {
      // A strict-only case we skipped is absent from a report made without -S, as it should be.
      if (c.result !== 'skipped') missingFromH2spec.push(c.id);
      continue;
    }
    if (t.result === c.result) agreed++;
    else disagreements.push({ id: c.id, title: c.title, ours: { result: c.result, expected: c.expected, actual: c.actual }, h2spec: { result: t.result, detail: t.detail } });
  }
  return { agreed, disagreements, missingFromH2spec, unknown: theirs.filter((t) => t.id === null) };
}

const indent = (text: string, pad: string) => text.split('\n').map((line) => `${pad}${line}`).join('\n');

/** The comparison as text, after our report. */
export function renderComparison(cmp: H2specComparison, h2specCommand: string): string {
  const out = ['', `Compared with h2spec (${h2specCommand}):`];
  out.push(`  ${cmp.agreed} cases agree, ${cmp.disagreements.length} disagree`);
  for (const d of cmp.disagreements) {
    out.push(`  ≠ ${d.id}: ${d.title}`);
    out.push(`      ours:   ${d.ours.result}${d.ours.result === 'failed' ? ` (expected: ${d.ours.expected})` : ''}`);
    out.push(`              ${d.ours.actual}`);
    out.push(`      h2spec: ${d.h2spec.result}`);
    if (d.h2spec.detail !== '') out.push(indent(d.h2spec.detail, '              '));
  }
  if (cmp.missingFromH2spec.length > 0) out.push(`  not in h2spec's report: ${cmp.missingFromH2spec.join(', ')}`);
  if (cmp.unknown.length > 0) out.push(`  h2spec cases we do not know: ${cmp.unknown.map((u) => `${u.group}: ${u.title}`).join('; ')}`);
  out.push(cmp.disagreements.length === 0 ? 'h2spec agrees with every verdict' : `h2spec disagrees on ${cmp.disagreements.length} case${cmp.disagreements.length === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}
