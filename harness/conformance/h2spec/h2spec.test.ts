import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { H2SPEC_CASES } from '../h2/cases/index.js';
import type { CaseResult } from '../h2/run-suite.js';
import { compareWithH2spec, renderComparison } from './compare.js';
import { parseH2specJunit, xmlUnescape } from './junit.js';
import { h2specArgs, locateH2spec, runH2spec } from './run-h2spec.js';

/*
 * The fixture is h2spec 2.6.0's JUnit report as its reporter (reporter/junit_report.go) writes
 * one, for a run without -S against a server like node:http2: one <testsuite> per group with
 * cases, package = group id, a <testcase> per case with its title as classname and no number,
 * failures as <error> (expected lines, then actual), one skip, the strict-only case absent.
 *
 * Two entries were corrected to what h2spec does against node:http2 (Node 20), from h2spec's
 * source and node's frames: http2/5.4.1/1 passes (h2spec's PING is 8 octets on stream 3; node
 * answers GOAWAY(INTERNAL_ERROR) and closes, and VerifyConnectionClose asks only for the close),
 * and http2/6.9.1/2 fails (node's GOAWAY says INTERNAL_ERROR, and h2spec waits for the GOAWAY
 * and wants FLOW_CONTROL_ERROR: "expected" line, then what came).
 */
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'h2spec-2.6.0-junit.xml');
const FAILED = ['http2/5.1.1/2', 'http2/6.7/2', 'http2/6.9.1/2'];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'aeronet-h2spec-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Our results, made to match the fixture's verdicts. */
function oursLike(results: ReturnType<typeof parseH2specJunit>): CaseResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  return H2SPEC_CASES.map((c) => ({
    id: c.id,
    title: c.title,
    result: c.strict === true ? 'skipped' : byId.get(c.id)!.result,
    expected: 'x',
    actual: 'y',
    ms: 1,
  }));
}

describe("h2spec 2.6.0's JUnit report", () => {
  const results = parseH2specJunit(readFileSync(FIXTURE, 'utf8'));

  it('maps every case to our id by group and title, with its verdict', () => {
    expect(results).toHaveLength(146);
    expect(results.filter((r) => r.id === null)).toEqual([]);
    expect(results.map((r) => r.id)).toEqual(H2SPEC_CASES.filter((c) => c.strict !== true).map((c) => c.id));
    expect(results.filter((r) => r.result === 'failed').map((r) => r.id)).toEqual(FAILED);
    expect(results.filter((r) => r.result === 'skipped').map((r) => r.id)).toEqual(['http2/5.1.2/1']);
    // Titles with quotes come escaped the way Go writes attributes (&#34;).
    expect(results.find((r) => r.id === 'http2/8.1.2.3/1')!.title).toBe('Sends a HEADERS frame with empty ":path" pseudo-header field');
    expect(results.find((r) => r.id === 'http2/6.7/2')!.detail).toBe('PING Frame (length:8, flags:0x01, stream_id:0, opaque_data:h2spec)\nGOAWAY Frame (last_stream_id:0, error_code:INTERNAL_ERROR, debug_data:)');
    expect(results.find((r) => r.id === 'http2/6.9.1/2')!.detail).toBe('GOAWAY Frame (Error Code: FLOW_CONTROL_ERROR)\nGOAWAY Frame (last_stream_id:0, error_code:INTERNAL_ERROR, debug_data:)');
    expect(results.find((r) => r.id === 'http2/5.4.1/1')!.result).toBe('passed');
  });

  it('reads other JUnit spellings too: <failure message>, name attributes, self-closing elements, CDATA', () => {
    const xml = [
      '<testsuites><testsuite name="6.7. PING" package="http2/6.7">',
      '<testcase package="http2/6.7" classname="Sends a PING frame"/>',
      '<testcase classname="http2/6.7" name="Sends a PING frame with ACK"><failure message="expected a PING ACK">GOAWAY &amp; close</failure></testcase>',
      '<testcase classname="http2/6.7" name="http2/6.7/3"><skipped/></testcase>',
      '<testcase package="http2/6.7" classname="Sends a PING frame with a length field value other than 8"><error><![CDATA[raw <text>]]></error></testcase>',
      '<testcase package="http2/6.7" classname="A case from another h2spec"></testcase>',
      '</testsuite></testsuites>',
    ].join('\n');
    expect(parseH2specJunit(xml).map((r) => [r.id, r.result, r.detail])).toEqual([
      ['http2/6.7/1', 'passed', ''],
      ['http2/6.7/2', 'failed', 'expected a PING ACK\nGOAWAY & close'],
      ['http2/6.7/3', 'skipped', ''],
      ['http2/6.7/4', 'failed', 'raw <text>'],
      [null, 'passed', ''],
    ]);
    expect(() => parseH2specJunit('h2spec: command not found')).toThrow(/not a JUnit report/);
    expect(xmlUnescape('&#34;a&#x9;b&#39; &lt;&gt;&amp;')).toBe('"a\tb\' <>&');
  });

  it('compares verdicts: agreement, disagreements either way, cases missing from its report', () => {
    const same = compareWithH2spec(oursLike(results), results);
    expect(same).toEqual({ agreed: 146, disagreements: [], missingFromH2spec: [], unknown: [] });
    expect(renderComparison(same, 'h2spec -p 1')).toContain('h2spec agrees with every verdict');

    const ours = oursLike(results);
    const set = (id: string, result: CaseResult['result']) => Object.assign(ours.find((c) => c.id === id)!, { result, actual: `ours ${result}` });
    set('http2/6.7/2', 'passed'); // we accept what h2spec does not
    set('generic/1/1', 'failed'); // h2spec accepts what we do not
    set('http2/5.4.1/2', 'passed'); // strict, ran by us, absent from a report made without -S
    const cmp = compareWithH2spec(ours, results.filter((r) => r.id !== 'hpack/6.3/1'));
    expect(cmp.disagreements.map((d) => [d.id, d.ours.result, d.h2spec.result])).toEqual([
      ['generic/1/1', 'failed', 'passed'],
      ['http2/6.7/2', 'passed', 'failed'],
    ]);
    expect(cmp.missingFromH2spec).toEqual(['http2/5.4.1/2', 'hpack/6.3/1']);
    expect(cmp.agreed).toBe(143);
    const text = renderComparison(cmp, 'h2spec -p 1');
    expect(text).toContain('≠ http2/6.7/2: Sends a PING frame with ACK');
    expect(text).toContain('      h2spec: failed\n              PING Frame (length:8');
    expect(text.trimEnd().split('\n').pop()).toBe('h2spec disagrees on 2 cases');
  });
});

describe('running h2spec', () => {
  it("builds h2spec 2.6.0's command line from ours", () => {
    const base = { host: '127.0.0.1', port: 8080, junitFile: '/tmp/r.xml' };
    expect(h2specArgs(base)).toEqual(['-h', '127.0.0.1', '-p', '8080', '-o', '2', '-j', '/tmp/r.xml']);
    expect(h2specArgs({ ...base, tls: true, insecure: true, strict: true, timeoutMs: 1500, path: '/hello', filter: ['http2/6.5', 'generic/', 'abuse'] })).toEqual([
      'http2/6.5', 'generic', '-h', '127.0.0.1', '-p', '8080', '-t', '-k', '-S', '-o', '2', '-P', '/hello', '-j', '/tmp/r.xml',
    ]);
    expect(h2specArgs({ ...base, filter: ['h2spec', 'abuse'] })).toEqual(['-h', '127.0.0.1', '-p', '8080', '-o', '2', '-j', '/tmp/r.xml']);
    expect(h2specArgs({ ...base, filter: ['rfc9113', 'abuse'] })).toBeNull();
  });

  it('finds it at $H2SPEC (which must be an executable file), else on PATH', () => {
    writeFileSync(path.join(tmp, 'not-executable'), '');
    expect(locateH2spec({ PATH: tmp })).toBeNull();
    expect(locateH2spec({ H2SPEC: path.join(tmp, 'not-executable'), PATH: '' })).toBeNull();
    expect(locateH2spec({ H2SPEC: path.join(tmp, 'missing') })).toBeNull();
    expect(locateH2spec({ H2SPEC: tmp })).toBeNull(); // a directory
    const dir = mkdtempSync(path.join(tmp, 'path-'));
    writeFileSync(path.join(dir, 'h2spec'), '#!/bin/sh\n');
    chmodSync(path.join(dir, 'h2spec'), 0o755);
    expect(locateH2spec({ PATH: ['/nonexistent', dir].join(path.delimiter) })).toBe(path.join(dir, 'h2spec'));
    expect(locateH2spec({ H2SPEC: path.join(dir, 'h2spec'), PATH: '' })).toBe(path.join(dir, 'h2spec'));
    // $H2SPEC, when set, is the only place looked at.
    expect(locateH2spec({ H2SPEC: path.join(tmp, 'missing'), PATH: dir })).toBeNull();
  });

  it('runs it and collects its output and exit code', async () => {
    const script = path.join(tmp, 'fake-h2spec.sh');
    writeFileSync(script, '#!/bin/sh\necho "args: $*"\necho oops >&2\nexit 1\n');
    chmodSync(script, 0o755);
    expect(await runH2spec(script, ['-h', 'x', '-p', '1'])).toEqual({ exitCode: 1, stdout: 'args: -h x -p 1\n', stderr: 'oops\n' });
  });
});
