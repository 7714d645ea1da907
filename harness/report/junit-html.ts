import type { JunitSuite } from './junit-read.js';

/*
 * A self-contained HTML page for JUnit reports that are not layer runs (vitest's unit tests, the
 * conformance suites): totals, then one table per suite, failures first and open, each with its
 * message and text. No script, no external resource: it opens from a CI artifact as it is.
 */

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderJunitHtml(title: string, sources: ReadonlyArray<{ file: string; suites: JunitSuite[] }>): string {
  const all = sources.flatMap((s) => s.suites.flatMap((suite) => suite.cases));
  const count = (r: string, list = all): number => list.filter((c) => c.result === r).length;
  const out: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    '<style>body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}',
    'td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}',
    '.failed{color:#b00020;font-weight:600}.skipped{color:#8a6d00}.passed{color:#1b7f3b}pre{white-space:pre-wrap;margin:.3em 0;background:#faf5f5;padding:.4em}',
    'summary{cursor:pointer;font-weight:600;margin:.4em 0}</style></head><body>',
    `<h1>${esc(title)}</h1>`,
    `<p id="totals"><span class="passed">${count('passed')} passed</span>, <span class="failed">${count('failed')} failed</span>, <span class="skipped">${count('skipped')} skipped</span> (${all.length} tests)</p>`,
  ];
  for (const source of sources) {
    out.push(`<h2>${esc(source.file)}</h2>`);
    for (const suite of source.suites) {
      const failed = count('failed', suite.cases);
      out.push(`<details${failed > 0 ? ' open' : ''}><summary>${esc(suite.name || '(unnamed suite)')}: ${suite.cases.length} tests, <span class="${failed > 0 ? 'failed' : 'passed'}">${failed} failed</span>, ${count('skipped', suite.cases)} skipped</summary>`);
      out.push('<table><thead><tr><th>test</th><th>result</th><th>time</th><th>message</th></tr></thead><tbody>');
      const rank = { failed: 0, skipped: 1, passed: 2 } as const;
      for (const c of [...suite.cases].sort((a, b) => rank[a.result] - rank[b.result])) {
        const detail = c.result === 'failed' && c.detail !== '' ? `<pre>${esc(c.detail)}</pre>` : '';
        out.push(`<tr class="case"><td>${esc(c.classname ? `${c.classname} › ${c.name}` : c.name)}</td><td class="${c.result}">${c.result}</td><td>${c.seconds.toFixed(3)} s</td><td>${esc(c.message)}${detail}</td></tr>`);
      }
      out.push('</tbody></table></details>');
    }
  }
  out.push('</body></html>', '');
  return out.join('\n');
}
