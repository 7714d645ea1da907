import { H2SPEC_CASES } from '../h2/cases/index.js';
import { xmlAttributes as attributes } from '../../report/junit-read.js';
import { xmlUnescape } from '../../report/xml.js';

/*
 * h2spec 2.6.0's JUnit report (`h2spec -j FILE`), read back. Its shape (reporter/junit_report.go,
 * Go's encoding/xml, indented by two spaces):
 *
 *   <testsuites>
 *     <testsuite name="6.5. SETTINGS" package="http2/6.5" id="6.5" tests="3" skipped="0" failures="0" errors="1">
 *       <testcase package="http2/6.5" classname="Sends a SETTINGS frame with ACK flag and payload" time="0.0012"></testcase>
 *       <testcase package="http2/6.5" classname="..." time="2.0003"><error>expected lines&#xA;actual</error></testcase>
 *       <testcase package="http2/6.5" classname="..." time="0.0000"><skipped></skipped></testcase>
 *     </testsuite>
 *
 * One <testsuite> per group that has cases (nested groups flattened), its package the group id;
 * a <testcase> per case run, its classname the case's title, with no case number: cases left out
 * (by a filter, or strict ones without -S) are absent, so a case is found by group and title.
 * h2spec writes a failed verdict as <error> (its TestError is returned by pointer, which the
 * reporter's `case spec.TestError` does not match) and would write <failure> otherwise: both
 * count as failed. Element content is written raw (innerxml), so it is read leniently.
 */

export type H2specVerdict = 'passed' | 'failed' | 'skipped';

export interface H2specCaseResult {
  /** Our id for the case (h2spec's own numbering: group/N), or null if the title is not one we know. */
  id: string | null;
  /** h2spec's group id ("http2/6.5"). */
  group: string;
  title: string;
  result: H2specVerdict;
  /** What h2spec said for a failure (expected lines, then actual), '' otherwise. */
  detail: string;
}

export { xmlUnescape } from '../../report/xml.js';

/** The case list to map titles to ids: h2spec's 147 (ours under its ids and titles). */
export interface KnownCase {
  id: string;
  title: string;
}

/**
 * Read h2spec's JUnit XML. Throws if it is not a JUnit report at all (no <testsuites> or
 * <testsuite>), so that a broken run is not read as "no cases".
 */
export function parseH2specJunit(xml: string, known: readonly KnownCase[] = H2SPEC_CASES): H2specCaseResult[] {
  if (!/<testsuites?\b/.test(xml)) throw new Error('not a JUnit report: no <testsuites> or <testsuite> element');
  const results: H2specCaseResult[] = [];
  const taken = new Set<string>();
  for (const suite of xml.matchAll(/<testsuite\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testsuite>)/g)) {
    const suiteAttrs = attributes(suite[1]!);
    const group = suiteAttrs.get('package') ?? suiteAttrs.get('name') ?? '';
    for (const tc of (suite[2] ?? '').matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const attrs = attributes(tc[1]!);
      const body = tc[2] ?? '';
      const caseGroup = attrs.get('package') ?? group;
      // h2spec puts the title in classname; a report that uses name (and classname for the group) works too.
      const candidates = [attrs.get('classname'), attrs.get('name')].filter((x): x is string => x !== undefined);
      const inGroup = known.filter((c) => c.id.slice(0, c.id.lastIndexOf('/')) === caseGroup && !taken.has(c.id));
      const match = inGroup.find((c) => candidates.includes(c.title)) ?? known.find((c) => candidates.includes(c.id) && !taken.has(c.id));
      if (match !== undefined) taken.add(match.id);
      const bad = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
      const result: H2specVerdict = bad !== null ? 'failed' : /<skipped\b/.test(body) ? 'skipped' : 'passed';
      let detail = '';
      if (bad !== null) {
        const message = attributes(bad[2]!).get('message');
        const text = xmlUnescape((bad[3] ?? '').replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')).trim();
        detail = [message, text].filter((x) => x !== undefined && x !== '').join('\n');
      }
      results.push({ id: match?.id ?? null, group: caseGroup, title: match?.title ?? candidates[0] ?? '', result, detail });
    }
  }
  return results;
}
