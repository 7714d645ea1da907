import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from './html-report.js';
import { findChromium, runChromium } from './test-support/headless-chromium.js';
import { sampleReport } from './test-support/sample-report.js';
import { timelinesFor } from './write-html.js';

/*
 * The report in a real browser: headless Chromium loads the page from a file:// URL (as from a
 * downloaded CI artifact), runs its script, and prints the DOM (--dump-dom), which is checked
 * here; a screenshot of the page is kept in artifacts/report-screenshots/. Skipped only when no
 * Chromium is installed (CI installs Debian's chromium).
 */
const CHROMIUM = findChromium();
if (CHROMIUM === null) console.warn('html-report.browser.test.ts: skipped: no chromium on PATH (apt-get install chromium, or set CHROMIUM)');

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOTS = path.join(REPO, 'artifacts', 'report-screenshots');
const root = mkdtempSync(path.join(tmpdir(), 'aeronet-report-browser-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let page: string;

beforeAll(async () => {
  const report = sampleReport(root);
  page = path.join(root, 'report.html');
  writeFileSync(page, renderHtmlReport(report, await timelinesFor(report, root)));
});

/** The page's DOM after its script ran, opened at `suffix` (?query or #hash). */
async function dom(suffix = ''): Promise<string> {
  const run = await runChromium(CHROMIUM!, pathToFileURL(page).href + suffix, ['--dump-dom', '--virtual-time-budget=3000', '--window-size=1280,2000']);
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  return run.stdout;
}

function runRows(html: string): { shown: string[]; hidden: number } {
  const start = html.indexOf('<table id="runs">');
  const table = html.slice(start, html.indexOf('</table>', start));
  const rows = table.match(/<tr [^>]*data-scenario="[^"]*"[^>]*>/g) ?? [];
  return {
    shown: rows.filter((r) => !/class="hidden"/.test(r)).map((r) => /data-scenario="([^"]*)"/.exec(r)![1]!),
    hidden: rows.filter((r) => /class="hidden"/.test(r)).length,
  };
}

describe.skipIf(CHROMIUM === null)('the HTML report in headless Chromium', () => {
  it('loads, runs its script, lists every run and draws each failure\'s diagram', async () => {
    const html = await dom();
    expect(html).toContain('<title>aeronet run report: 8 runs, 4 failed</title>');
    // The script ran: it shows the filter form (hidden without scripts) and counts the rows.
    expect(html).toMatch(/<form class="filters" id="filters">/);
    expect(html).toContain('<span class="count" id="filter-count">8 of 8 runs shown</span>');
    expect(runRows(html)).toEqual({ shown: expect.any(Array), hidden: 0 });
    expect(runRows(html).shown).toHaveLength(8);
    // Markup in a scenario name or a message stayed text: no element came of it.
    expect(html).not.toMatch(/<img\b/);
    expect(html).not.toContain('pwned</title>');
    // Three failures have folders, so three ladders; each drew all its arrows (a laid-out length).
    const ladders = [...html.matchAll(/<svg [^>]*class="ladder"[^>]*>([\s\S]*?)<\/svg>/g)];
    expect(ladders).toHaveLength(3);
    for (const [svg, inner] of ladders) {
      const arrows = (inner!.match(/<g class="arrow /g) ?? []).length;
      expect(arrows).toBeGreaterThan(3);
      expect(/data-drawn-arrows="(\d+)"/.exec(svg)?.[1]).toBe(String(arrows));
      expect(inner).toMatch(/<g class="fault" data-kind="[a-z-]+">/);
    }
  }, 60_000);

  it('filters from the URL: ?layer=sim&verdict=failed hides the other rows', async () => {
    const html = await dom('?layer=sim&verdict=failed');
    const rows = runRows(html);
    expect(rows.shown).toEqual(['test/sim-synth', 'h1/<img src=x onerror=alert(1)>&"quoted"'.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')]);
    expect(rows.hidden).toBe(6);
    expect(html).toContain('2 of 8 runs shown');
    expect(html).toMatch(/<body[^>]* data-filtered="2"/);
  }, 60_000);

  it('filters from the hash too: #q=synth shows the runs whose scenario contains it', async () => {
    const rows = runRows(await dom('#q=synth'));
    expect(rows.shown).toEqual(['test/sim-synth', 'proxy/synth', 'netem/synth']);
    expect(rows.hidden).toBe(5);
  }, 60_000);

  it('takes a screenshot of the page into artifacts/report-screenshots/', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, 'report.png');
    rmSync(file, { force: true });
    const run = await runChromium(CHROMIUM!, pathToFileURL(page).href, [`--screenshot=${file}`, '--window-size=1280,5200', '--virtual-time-budget=3000']);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const png = readFileSync(file);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // IHDR: the width and height of the window.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 5200]);
    expect(png.length).toBeGreaterThan(50_000);
  }, 60_000);
});
