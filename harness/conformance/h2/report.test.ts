import { describe, expect, it } from 'vitest';
import { renderJson } from './report-json.js';
import { renderJunit, xmlEscape } from './report-junit.js';
import { renderText } from './report-text.js';
import type { SuiteReport } from './run-suite.js';

const REPORT: SuiteReport = {
  target: '127.0.0.1:8080 (h2c)',
  cases: [
    { id: 'generic/1/1', title: 'Sends a client connection preface', result: 'passed', expected: 'SETTINGS frame', actual: 'SETTINGS(MAX_CONCURRENT_STREAMS=100)', ms: 3 },
    { id: 'http2/5.4.1/2', title: 'Sends an invalid PING frame to receive GOAWAY frame', result: 'skipped', expected: '', actual: 'strict mode only (--strict)', ms: 0 },
    {
      id: 'http2/6.5.2/1',
      title: 'SETTINGS_ENABLE_PUSH (0x2): Sends the value other than 0 or 1',
      result: 'failed',
      expected: 'GOAWAY frame (error code: PROTOCOL_ERROR), or the connection closed',
      actual: 'GOAWAY(last stream 0, INTERNAL_ERROR, "<bad> & \'odd\'"), then nothing decisive within 2000 ms (timeout)',
      ms: 2001,
    },
    { id: 'abuse/ping-flood/1', title: 'Sends PING frames without reading the acknowledgements', result: 'passed', expected: 'x', actual: 'y', ms: 40 },
  ],
};

describe('report renderers', () => {
  it('JSON: exactly {"target", "cases": [{"id","title","result","expected","actual","ms"}]}', () => {
    const extra = { ...REPORT, cases: REPORT.cases.map((c) => ({ ...c, internal: true })) };
    const parsed = JSON.parse(renderJson(extra)) as unknown;
    expect(parsed).toEqual(REPORT);
    expect(Object.keys(parsed as object)).toEqual(['target', 'cases']);
    for (const c of (parsed as SuiteReport).cases) expect(Object.keys(c)).toEqual(['id', 'title', 'result', 'expected', 'actual', 'ms']);
    expect(renderJson(REPORT).endsWith('}\n')).toBe(true);
  });

  it('text: a tree of group headings, ✓/✗/- per case, failures detailed and listed, the counts last', () => {
    expect(renderText(REPORT)).toBe(
      [
        'HTTP/2 conformance: 127.0.0.1:8080 (h2c)',
        '',
        'Generic tests for HTTP/2 server',
        '  1. Starting HTTP/2',
        '    ✓ 1: Sends a client connection preface',
        '',
        'Hypertext Transfer Protocol Version 2 (HTTP/2)',
        '  5. Streams and Multiplexing',
        '    5.4. Error Handling',
        '      5.4.1. Connection Error Handling',
        '        - 2: Sends an invalid PING frame to receive GOAWAY frame (skipped: strict mode only (--strict))',
        '  6. Frame Definitions',
        '    6.5. SETTINGS',
        '      6.5.2. Defined SETTINGS Parameters',
        '        ✗ 1: SETTINGS_ENABLE_PUSH (0x2): Sends the value other than 0 or 1',
        '          -> expected: GOAWAY frame (error code: PROTOCOL_ERROR), or the connection closed',
        '             actual:   GOAWAY(last stream 0, INTERNAL_ERROR, "<bad> & \'odd\'"), then nothing decisive within 2000 ms (timeout)',
        '',
        'Abuse resistance (not in h2spec)',
        '  PING flood (CVE-2019-9512)',
        '    ✓ 1: Sends PING frames without reading the acknowledgements',
        '',
        'Failures:',
        '  ✗ http2/6.5.2/1: SETTINGS_ENABLE_PUSH (0x2): Sends the value other than 0 or 1',
        '',
        'h2spec cases (3): 1 passed, 1 failed, 1 skipped',
        'extra cases (1): 1 passed, 0 failed, 0 skipped',
        '4 cases in 2.0 s',
        '2 passed, 1 failed, 1 skipped',
        '',
      ].join('\n'),
    );
  });

  it('text: no failure list and no split counts when there is nothing to split', () => {
    const text = renderText({ target: 't', cases: [REPORT.cases[0]!] });
    expect(text).not.toContain('Failures:');
    expect(text).not.toContain('h2spec cases');
    expect(text.trimEnd().split('\n').pop()).toBe('1 passed, 0 failed, 0 skipped');
  });

  it('JUnit XML: a testsuite per top-level group, failures with expected and actual, skips with the reason', () => {
    expect(renderJunit(REPORT)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="HTTP/2 conformance: 127.0.0.1:8080 (h2c)" tests="4" failures="1" errors="0" skipped="1" time="2.044">',
        '  <testsuite name="generic" tests="1" failures="0" errors="0" skipped="0" time="0.003">',
        '    <testcase classname="generic/1" name="generic/1/1: Sends a client connection preface" time="0.003"/>',
        '  </testsuite>',
        '  <testsuite name="http2" tests="2" failures="1" errors="0" skipped="1" time="2.001">',
        '    <testcase classname="http2/5.4.1" name="http2/5.4.1/2: Sends an invalid PING frame to receive GOAWAY frame" time="0.000">',
        '      <skipped message="strict mode only (--strict)"/>',
        '    </testcase>',
        '    <testcase classname="http2/6.5.2" name="http2/6.5.2/1: SETTINGS_ENABLE_PUSH (0x2): Sends the value other than 0 or 1" time="2.001">',
        '      <failure message="expected: GOAWAY frame (error code: PROTOCOL_ERROR), or the connection closed" type="conformance">expected: GOAWAY frame (error code: PROTOCOL_ERROR), or the connection closed',
        'actual: GOAWAY(last stream 0, INTERNAL_ERROR, &quot;&lt;bad&gt; &amp; &apos;odd&apos;&quot;), then nothing decisive within 2000 ms (timeout)</failure>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="abuse" tests="1" failures="0" errors="0" skipped="0" time="0.040">',
        '    <testcase classname="abuse/ping-flood" name="abuse/ping-flood/1: Sends PING frames without reading the acknowledgements" time="0.040"/>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('optional cases: each says whether it ran and why, in JSON, text and JUnit', () => {
    const notRun = { ran: false, note: "not run (waits for the server's stall timeout; give --stall-wait MS)" };
    const ran = { ran: true, note: "ran (waits for the server's stall timeout: waited up to 35000 ms)" };
    const report: SuiteReport = {
      target: 't',
      cases: [
        { id: 'abuse/zero-window-stall/1', title: 'Holds', result: 'passed', expected: 'x', actual: 'held', ms: 3 },
        { id: 'abuse/zero-window-stall/2', title: 'Holds and waits', result: 'skipped', expected: '', actual: notRun.note, ms: 0, optional: notRun },
      ],
    };
    const parsed = JSON.parse(renderJson(report)) as { optional: unknown; cases: Array<Record<string, unknown>> };
    expect(Object.keys(parsed)).toEqual(['target', 'cases', 'optional']);
    expect(parsed.optional).toEqual([{ id: 'abuse/zero-window-stall/2', ...notRun }]);
    expect(Object.keys(parsed.cases[1]!)).toEqual(['id', 'title', 'result', 'expected', 'actual', 'ms', 'optional']);
    expect(Object.keys(parsed.cases[0]!)).not.toContain('optional');
    const text = renderText(report);
    expect(text).toContain(`    - 2: Holds and waits (skipped: ${notRun.note})\n`);
    expect(text).toContain(`\nOptional cases:\n  abuse/zero-window-stall/2: ${notRun.note}\n\n2 cases in 0.0 s\n`);
    expect(renderJunit(report)).toContain(`  <testsuite name="abuse" tests="2" failures="0" errors="0" skipped="1" time="0.003">\n    <properties>\n      <property name="optional abuse/zero-window-stall/2" value="${xmlEscape(notRun.note)}"/>\n    </properties>\n`);
    const withWait: SuiteReport = { ...report, cases: [report.cases[0]!, { ...report.cases[1]!, result: 'passed', actual: 'cut off', optional: ran }] };
    expect(renderText(withWait)).toContain(`Optional cases:\n  abuse/zero-window-stall/2: ${ran.note}\n`);
    expect((JSON.parse(renderJson(withWait)) as { optional: unknown }).optional).toEqual([{ id: 'abuse/zero-window-stall/2', ...ran }]);
    // No optional case selected: none of it.
    expect(renderText(REPORT)).not.toContain('Optional cases');
    expect(renderJunit(REPORT)).not.toContain('<properties>');
  });

  it('escapes XML and replaces characters XML 1.0 cannot carry', () => {
    expect(xmlEscape('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&apos;');
    expect(xmlEscape('nul\0 bell\x07 tab\t ok')).toBe('nul\ufffd bell\ufffd tab\t ok');
  });
});

describe('report renderers under --faults', () => {
  const faults = {
    where: 'aeronet in-process',
    profiles: [
      { name: 'byte', summary: '1-octet segments' },
      { name: 'splits', summary: 'every split point' },
    ],
    seeds: [1, 2],
    splitLimit: 1024,
    runs: 5,
    caseRuns: 100,
    failedCaseRuns: 2,
    ms: 1234,
    passCleanFailFaults: ['generic/1/1'],
  };
  const FAULTED: SuiteReport = {
    target: 'aeronet in-process',
    cases: [
      {
        ...REPORT.cases[0]!,
        faults: [
          { profile: 'byte', seed: 1, result: 'passed', actual: 'ok' },
          { profile: 'byte', seed: 2, result: 'failed', expected: 'SETTINGS frame', actual: 'connection closed (RST)' },
          { profile: 'splits', seed: null, result: 'failed', expected: 'SETTINGS frame', actual: 'failed at 2 of 32 split points (25-26); at 25: connection closed (RST)', splitPoints: { tried: 32, failed: [25, 26] } },
        ],
      },
      {
        ...REPORT.cases[3]!,
        faults: [
          { profile: 'choppy', seed: 1, result: 'passed', actual: 'ok', insteadOf: 'byte' },
          { profile: 'choppy', seed: 2, result: 'passed', actual: 'ok', insteadOf: 'byte' },
          { profile: 'choppy', seed: 1, result: 'passed', actual: 'ok', insteadOf: 'splits' },
          { profile: 'choppy', seed: 2, result: 'passed', actual: 'ok', insteadOf: 'splits' },
        ],
      },
    ],
    faults,
  };

  it('JSON: cases[].faults and the top-level faults, only when there are faulted runs', () => {
    const parsed = JSON.parse(renderJson(FAULTED)) as SuiteReport;
    expect(Object.keys(parsed)).toEqual(['target', 'cases', 'faults']);
    expect(Object.keys(parsed.cases[0]!)).toEqual(['id', 'title', 'result', 'expected', 'actual', 'ms', 'faults']);
    expect(parsed.cases[0]!.faults![2]).toEqual({ profile: 'splits', seed: null, result: 'failed', expected: 'SETTINGS frame', actual: 'failed at 2 of 32 split points (25-26); at 25: connection closed (RST)', splitPoints: { tried: 32, failed: [25, 26] } });
    expect(parsed.faults).toEqual(faults);
  });

  it('text: faulted results next to each case, failures under it, the summary, and a last line counting every run', () => {
    const text = renderText(FAULTED);
    expect(text).toContain('    ✓ 1: Sends a client connection preface [byte ✗ seed 2 of 2, splits ✗ at 25-26 of 32]\n      under byte seed 2:\n        -> expected: SETTINGS frame\n           actual:   connection closed (RST)\n      under splits:\n');
    expect(text).toContain('    ✓ 1: Sends PING frames without reading the acknowledgements [byte (as choppy) ✓×2, splits (as choppy) ✓×2]\n');
    expect(text.slice(text.indexOf('Under faults'))).toBe(
      [
        'Under faults: aeronet in-process; the clean pass on whole writes; seeds 1-2',
        '  byte: 1-octet segments',
        '    1 cases; 1 larger ones as choppy; 1 failing',
        '  splits: every split point',
        '    1 cases; 1 larger ones as choppy; 1 failing',
        '  5 suite runs, 100 case runs, 2 failed, in 1.2 s',
        '',
        'Pass clean, fail under faults: ',
        '  ✗ generic/1/1 [byte ✗ seed 2 of 2, splits ✗ at 25-26 of 32]',
        '',
        'clean pass: 2 cases in 0.0 s of virtual time: 2 passed, 0 failed, 0 skipped',
        'clean and under every fault (a case passes only if it passed every run):',
        '1 passed, 1 failed, 0 skipped',
        '',
      ].join('\n'),
    );
  });

  it('JUnit: a testsuite per profile after the groups', () => {
    const xml = renderJunit(FAULTED);
    expect(xml).toContain('  <testsuite name="faults/byte" tests="2" failures="1" errors="0" skipped="0">\n    <testcase classname="faults/byte/generic/1" name="generic/1/1: Sends a client connection preface [byte ✗ seed 2 of 2]">\n      <failure message="fails under byte" type="faults">under byte seed 2:');
    expect(xml).toContain('<testcase classname="faults/splits/abuse/ping-flood" name="abuse/ping-flood/1: Sends PING frames without reading the acknowledgements [splits (as choppy) ✓×2]"/>');
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});
