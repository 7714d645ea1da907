import { faultsJunitSuites } from '../faults-report.js';
import { summarize, type CaseResult, type SuiteReport } from './run-suite.js';

/** The XML escaping every JUnit writer here shares (harness/report/xml.ts). */
export { xmlEscape } from '../../report/xml.js';
import { xmlEscape } from '../../report/xml.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function counts(cases: readonly CaseResult[]): string {
  const s = summarize(cases);
  const ms = cases.reduce((sum, c) => sum + c.ms, 0);
  return `tests="${cases.length}" failures="${s.failed}" errors="0" skipped="${s.skipped}" time="${seconds(ms)}"`;
}

/**
 * The report as JUnit XML, for CI dashboards: one <testsuite> per top-level group (generic,
 * http2, hpack, rfc9113, abuse), one <testcase> per case, named "id: title", its class the
 * case's group; a failure carries expected and actual, a skip its reason. A group with optional
 * cases lists them in its <properties> ("optional ID" = "ran (...)" or "not run (...)"). `title`
 * labels the whole run (default "HTTP/2 conformance"; the HTTP/1.1 suite passes its own).
 */
export function renderJunit(report: SuiteReport, options: { title?: string } = {}): string {
  const groups = new Map<string, CaseResult[]>();
  for (const c of report.cases) {
    const top = c.id.split('/')[0]!;
    let list = groups.get(top);
    if (list === undefined) groups.set(top, (list = []));
    list.push(c);
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xmlEscape(`${options.title ?? 'HTTP/2 conformance'}: ${report.target}`)}" ${counts(report.cases)}>`];
  for (const [name, cases] of groups) {
    out.push(`  <testsuite name="${xmlEscape(name)}" ${counts(cases)}>`);
    const optional = cases.filter((c) => c.optional !== undefined);
    if (optional.length > 0) {
      out.push('    <properties>');
      for (const c of optional) out.push(`      <property name="${xmlEscape(`optional ${c.id}`)}" value="${xmlEscape(c.optional!.note)}"/>`);
      out.push('    </properties>');
    }
    for (const c of cases) {
      const open = `    <testcase classname="${xmlEscape(c.id.slice(0, c.id.lastIndexOf('/')))}" name="${xmlEscape(`${c.id}: ${c.title}`)}" time="${seconds(c.ms)}"`;
      if (c.result === 'passed') out.push(`${open}/>`);
      else if (c.result === 'skipped') out.push(`${open}>`, `      <skipped message="${xmlEscape(c.actual)}"/>`, '    </testcase>');
      else {
        out.push(`${open}>`);
        out.push(`      <failure message="${xmlEscape(`expected: ${c.expected}`)}" type="conformance">${xmlEscape(`expected: ${c.expected}\nactual: ${c.actual}`)}</failure>`);
        out.push('    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  if (report.faults !== undefined) out.push(...faultsJunitSuites(report.cases, report.faults, xmlEscape));
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
