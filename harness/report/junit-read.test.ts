import { describe, expect, it } from 'vitest';
import { readJunit } from './junit-read.js';
import { renderJunitHtml } from './junit-html.js';

const VITEST_LIKE = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="3" failures="1" errors="0" time="1.2">
    <testsuite name="server/a.test.ts" timestamp="x" hostname="h" tests="3" failures="1" errors="0" skipped="1" time="1.1">
        <testcase classname="server/a.test.ts" name="parses &lt;chunked&gt;" time="0.5">
        </testcase>
        <testcase classname="server/a.test.ts" name="rejects" time="0.25">
            <failure message="expected 400 to be 200" type="AssertionError">
AssertionError: expected 400 to be 200 &amp; more
            </failure>
        </testcase>
        <testcase classname="server/a.test.ts" name="later" time="0">
            <skipped/>
        </testcase>
    </testsuite>
</testsuites>`;

describe('reading JUnit reports', () => {
  it('reads suites, cases, verdicts, messages and failure text', () => {
    const suites = readJunit(VITEST_LIKE);
    expect(suites).toHaveLength(1);
    expect(suites[0]!.cases.map((c) => [c.name, c.result])).toEqual([['parses <chunked>', 'passed'], ['rejects', 'failed'], ['later', 'skipped']]);
    expect(suites[0]!.cases[1]).toMatchObject({ message: 'expected 400 to be 200', seconds: 0.25 });
    expect(suites[0]!.cases[1]!.detail).toContain('expected 400 to be 200 & more');
  });

  it('refuses what is not a JUnit report', () => {
    expect(() => readJunit('<html></html>')).toThrow(/not a JUnit report/);
  });

  it('renders one page: totals, failures first with their text, everything escaped', () => {
    const html = renderJunitHtml('unit <tests>', [{ file: 'vitest.xml', suites: readJunit(VITEST_LIKE) }]);
    expect(html).toContain('<title>unit &lt;tests&gt;</title>');
    expect(html).toMatch(/1 passed<\/span>, <span class="failed">1 failed<\/span>, <span class="skipped">1 skipped<\/span> \(3 tests\)/);
    const rows = [...html.matchAll(/<tr class="case"><td>[^<]*› ([^<]*)<\/td><td class="(\w+)">/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([['rejects', 'failed'], ['later', 'skipped'], ['parses &lt;chunked&gt;', 'passed']]);
    expect(html).toContain('<pre>\nAssertionError: expected 400 to be 200 &amp; more');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});
