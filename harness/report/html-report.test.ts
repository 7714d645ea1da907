import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from './html-escape.js';
import { renderHtmlReport, timelineKey } from './html-report.js';
import type { RunReport } from './report-model.js';
import type { Timeline } from './timeline/timeline.js';
import { EVIL_SCENARIO, sampleReport } from './test-support/sample-report.js';
import { timelinesFor } from './write-html.js';

const root = mkdtempSync(path.join(tmpdir(), 'aeronet-html-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let report: RunReport;
let timelines: Map<string, Timeline>;
let html: string;
beforeAll(async () => {
  report = sampleReport(root);
  timelines = await timelinesFor(report, root);
  html = renderHtmlReport(report, timelines);
});

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
const section = (id: string) => {
  const start = html.indexOf(`<section class="failure" id="${id}`);
  return html.slice(start, html.indexOf('</section>', start));
};

describe('renderHtmlReport', () => {
  it('is one self-contained page: inline style and script, nothing fetched', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<link\b|<script\s+src=|<img\b|@import|url\((?!#)/i);
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//i);
    expect(count(html, /<script>/g)).toBe(1);
  });

  it('escapes what peers control: scenario names and failure messages come out as text', () => {
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>document.title');
    expect(html).toContain(escapeHtml(EVIL_SCENARIO));
    expect(html).toContain('&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;');
    expect(html).toContain('needs root &lt;and&gt; a kernel with netem');
  });

  it('summarises each layer, and lists every run in one table with what the filters read', () => {
    expect(count(html, /<tr data-layer="[a-z]+"><td>/g)).toBe(report.layers.length);
    const rows = html.slice(html.indexOf('<table id="runs">'), html.indexOf('</table>', html.indexOf('<table id="runs">')));
    expect(count(rows, /<tr data-layer=/g)).toBe(8);
    expect(rows).toContain('<tr data-layer="proxy" data-verdict="failed" data-scenario="proxy/synth">');
    expect(count(rows, /data-verdict="failed"/g)).toBe(4);
    // Each failure links to its section.
    expect(count(rows, /<a href="#failure-\d+-/g)).toBe(4);
  });

  it('gives each failure its diagram, the check that broke, seed, replay command and artifact', () => {
    expect(count(html, /<section class="failure"/g)).toBe(4);
    const sim = section('failure-1-sim-test-sim-synth-3');
    expect(sim).toContain('<strong>invariant</strong>: response bytes differ after the stall');
    expect(sim).toContain('<pre id="failure-1-sim-test-sim-synth-3-replay">npx aeronet run --layer sim --scenario test/sim-synth --seed 3</pre>');
    expect(sim).toContain('<dd class="mono">artifacts/sim</dd>');
    expect(sim).toMatch(/<svg [^>]*class="ladder"/);
    // Every arrow of the timeline is drawn; the stall and the split are badges with a legend.
    const t = report.runs[1]!;
    expect(timelineKey(t)).toBe('sim|test/sim-synth|3');
    const arrows = timelines.get(timelineKey(t))!.arrows;
    expect(arrows).toHaveLength(9);
    expect(count(sim, /<g class="arrow /g)).toBe(arrows.length);
    expect(count(sim, /<g class="arrow c2s[ "]/g)).toBe(arrows.filter((a) => a.from === 'client').length);
    expect(sim).toContain('<g class="fault" data-kind="stall">');
    expect(sim).toContain('<g class="fault" data-kind="split">');
    expect(sim).toContain('stall: arrived bytes held from the receiver');
    expect(sim).toContain('>GET /x HTTP/1.1</text>');
    // A failure without a folder still has its section, saying there is no timeline.
    expect(section('failure-2-')).toContain('No timeline: the run left no artifact folder to read.');
    const netem = section('failure-4-netem-netem-synth-1');
    expect(netem).toContain('<g class="fault" data-kind="drop">');
    expect(netem).toContain('drop (inferred)');
    const proxy = section('failure-3-proxy-proxy-synth-2');
    expect(proxy).toContain('<g class="arrow s2c lost"');
    expect(proxy).toContain('(sent by the proxy)');
  });

  it('renders the conformance matrix with coloured verdicts and the breaks-only-under-faults list', () => {
    const matrix = html.slice(html.indexOf('<section id="matrices">'));
    expect(matrix).toContain('<table class="matrix" data-suite="h2">');
    expect(count(matrix, /<td class="cell v-passed"/g)).toBe(3);
    expect(count(matrix, /<td class="cell v-failed"/g)).toBe(1);
    // The skipped column has no cells, and says why.
    expect(count(matrix, /<td class="absent" title="no root">/g)).toBe(2);
    expect(matrix).toContain('netem: lossy skipped: no root');
    expect(matrix).toContain('Passes clean, breaks only under faults (1)');
    expect(matrix).toContain('<code>npx aeronet conformance h2 --faults choppy --seeds 3 http2/6.9.1/2</code>');
  });

  it('leaves the matrices out when there are none', () => {
    const plain = renderHtmlReport({ ...report, matrices: [] }, new Map());
    expect(plain).not.toContain('id="matrices"');
    expect(plain).toContain('No timeline: the run left no artifact folder to read.');
  });
});
