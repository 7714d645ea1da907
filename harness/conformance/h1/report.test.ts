import { describe, expect, it } from 'vitest';
import type { SuiteReport } from './run-suite.js';
import { renderH1Json, renderH1Junit, renderH1Text } from './report.js';

const REPORT: SuiteReport = {
  target: '127.0.0.1:8080',
  cases: [
    { id: 'h1/host/1', title: 'HTTP/1.1 request without Host: 400 (RFC 9112 §3.2 MUST)', result: 'passed', expected: '400 Bad Request', actual: '400, closed', ms: 2 },
    { id: 'h1/pipelining/2', title: 'Three POSTs', result: 'skipped', expected: '', actual: 'needs an echo path (--echo-path)', ms: 0 },
    { id: 'smuggling/duplicates/1', title: 'Two Host lines with different values: 400 (RFC 9112 §3.2 MUST)', result: 'failed', expected: '400 Bad Request', actual: '200 then 200, kept open', ms: 1 },
  ],
};

describe('HTTP/1.1 report renderers (the HTTP/2 suite\'s, with this suite\'s title and headings)', () => {
  it('text: the title, the group tree, failures detailed and listed, the counts', () => {
    expect(renderH1Text(REPORT)).toBe(
      [
        'HTTP/1.1 conformance: 127.0.0.1:8080',
        '',
        'HTTP/1.1 origin-server requirements (RFC 9112, RFC 9110)',
        '  Host (RFC 9112 §3.2, RFC 9110 §7.2)',
        '    ✓ 1: HTTP/1.1 request without Host: 400 (RFC 9112 §3.2 MUST)',
        '  Pipelining (RFC 9112 §9.3.2)',
        '    - 2: Three POSTs (skipped: needs an echo path (--echo-path))',
        '',
        'Request smuggling (RFC 9112 §11.2)',
        '  Duplicate Host and Content-Length',
        '    ✗ 1: Two Host lines with different values: 400 (RFC 9112 §3.2 MUST)',
        '      -> expected: 400 Bad Request',
        '         actual:   200 then 200, kept open',
        '',
        'Failures:',
        '  ✗ smuggling/duplicates/1: Two Host lines with different values: 400 (RFC 9112 §3.2 MUST)',
        '',
        '3 cases in 0.0 s',
        '1 passed, 1 failed, 1 skipped',
        '',
      ].join('\n'),
    );
  });

  it('JUnit: titled for HTTP/1.1, a testsuite per top-level group', () => {
    const xml = renderH1Junit(REPORT);
    expect(xml).toContain('<testsuites name="HTTP/1.1 conformance: 127.0.0.1:8080" tests="3" failures="1" errors="0" skipped="1" time="0.003">');
    expect(xml).toContain('<testsuite name="h1" tests="2" failures="0" errors="0" skipped="1" time="0.002">');
    expect(xml).toContain('<testcase classname="smuggling/duplicates" name="smuggling/duplicates/1: Two Host lines with different values: 400 (RFC 9112 §3.2 MUST)" time="0.001">');
  });

  it('JSON: the same shape as the HTTP/2 suite\'s', () => {
    expect(JSON.parse(renderH1Json(REPORT))).toEqual(REPORT);
  });
});
