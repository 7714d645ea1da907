import { xmlUnescape } from './xml.js';

/*
 * Any JUnit XML report read back, leniently: vitest's, the conformance suites', `aeronet run`'s,
 * h2spec's. Enough of the format for a summary page: <testsuite name> with its <testcase name
 * classname time>, and a case's <failure>/<error> (failed) or <skipped> (skipped).
 */

export interface JunitCase {
  name: string;
  classname: string;
  seconds: number;
  result: 'passed' | 'failed' | 'skipped';
  /** The failure's or skip's message attribute. */
  message: string;
  /** The failure's text (for a failure) . */
  detail: string;
}

export interface JunitSuite {
  name: string;
  cases: JunitCase[];
}

/** Throws when the text is not a JUnit report at all, so a broken run never reads as "no tests". */
export function readJunit(xml: string): JunitSuite[] {
  if (!/<testsuites?\b/.test(xml)) throw new Error('not a JUnit report: no <testsuites> or <testsuite> element');
  const suites: JunitSuite[] = [];
  for (const suite of xml.matchAll(/<testsuite\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testsuite>)/g)) {
    const attrs = xmlAttributes(suite[1]!);
    const cases: JunitCase[] = [];
    for (const tc of (suite[2] ?? '').matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const a = xmlAttributes(tc[1]!);
      const body = tc[2] ?? '';
      const bad = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
      const skipped = /<skipped\b([^>]*?)\/?>/.exec(body);
      cases.push({
        name: a.get('name') ?? '',
        classname: a.get('classname') ?? '',
        seconds: Number(a.get('time') ?? 0) || 0,
        result: bad !== null ? 'failed' : skipped !== null ? 'skipped' : 'passed',
        message: bad !== null ? (xmlAttributes(bad[2]!).get('message') ?? '') : skipped !== null ? (xmlAttributes(skipped[1]!).get('message') ?? '') : '',
        detail: bad !== null ? xmlUnescape(bad[3] ?? '').replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, '$1') : '',
      });
    }
    suites.push({ name: attrs.get('name') ?? '', cases });
  }
  return suites;
}

/** An element's attributes, entities decoded. */
export function xmlAttributes(text: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs.set(m[1]!, xmlUnescape(m[2] ?? m[3] ?? ''));
  return attrs;
}
