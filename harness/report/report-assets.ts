/*
 * The report page's inline stylesheet and script. Inline because the page must open from a CI
 * artifact download with no network: no CDN, no fetch. The script only filters the runs table
 * (and copies replay commands); everything else is static markup.
 */

export const REPORT_CSS = `
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --pass:#dcfce7; --fail:#fee2e2; --skip:#f3f4f6; --passfg:#166534; --failfg:#991b1b; --skipfg:#4b5563; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0 auto; padding: 16px 24px 48px; max-width: 1280px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 16px; margin: 0 0 6px; }
.meta-line { color: var(--muted); margin: 0 0 2px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.v-passed { background: var(--pass); color: var(--passfg); } .v-failed { background: var(--fail); color: var(--failfg); } .v-skipped { background: var(--skip); color: var(--skipfg); }
.verdict { font-weight: 600; border-radius: 3px; padding: 0 6px; display: inline-block; }
.filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin: 8px 0; }
.filters label { display: flex; gap: 4px; align-items: center; }
.filters input[type=search] { width: 260px; }
.count { color: var(--muted); }
tr.hidden { display: none; }
section.failure { border: 1px solid var(--line); border-left: 4px solid #dc2626; border-radius: 4px; padding: 12px 16px; margin: 16px 0; }
.broke { background: var(--fail); color: var(--failfg); padding: 6px 10px; border-radius: 3px; white-space: pre-wrap; word-break: break-word; }
.cmd { display: flex; gap: 6px; align-items: stretch; margin: 6px 0; }
.cmd pre { margin: 0; flex: 1; padding: 6px 8px; background: #f3f4f6; border-radius: 3px; overflow-x: auto; white-space: pre; }
button.copy { cursor: pointer; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
.kv dt { color: var(--muted); } .kv dd { margin: 0; word-break: break-all; }
.diagram { overflow-x: auto; border: 1px solid var(--line); border-radius: 3px; margin: 8px 0; background: #fff; }
ul.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12.5px; }
.badge { display: inline-block; width: 16px; height: 16px; border-radius: 50%; color: #fff; text-align: center; font-size: 11px; line-height: 16px; font-weight: 700; }
.sw { display: inline-block; width: 26px; height: 0; border-top: 2px solid; vertical-align: middle; }
.sw.c2s { border-color: #2563eb; } .sw.s2c { border-color: #059669; } .sw.lost { border-color: #b91c1c; border-top-style: dashed; }
.dot { display: inline-block; width: 6px; height: 6px; border-radius: 50%; border: 1px solid #374151; }
ul.notes { margin: 4px 0; padding-left: 20px; color: #374151; }
details { margin: 6px 0; } summary { cursor: pointer; color: #374151; }
pre.log { max-height: 320px; overflow: auto; background: #f9fafb; padding: 6px 8px; border: 1px solid var(--line); }
table.faults td:first-child { white-space: nowrap; }
table.matrix td.cell { text-align: center; font-weight: 600; }
table.matrix td.absent { color: var(--muted); text-align: center; }
svg.ladder { font: 11px system-ui, sans-serif; display: block; }
svg.ladder .col { font-size: 13px; font-weight: 700; text-anchor: middle; }
svg.ladder .axis-title { fill: #6b7280; }
svg.ladder .lane { stroke: #9ca3af; stroke-width: 2; }
svg.ladder .grid { stroke: #f3f4f6; }
svg.ladder .tick { fill: #6b7280; text-anchor: end; font-variant-numeric: tabular-nums; }
svg.ladder .gap { fill: #9ca3af; text-anchor: end; font-style: italic; }
svg.ladder .elided rect { fill: #f3f4f6; stroke: #d1d5db; stroke-dasharray: 4 3; }
svg.ladder .elided text { fill: #4b5563; text-anchor: middle; }
svg.ladder .arrow line { stroke-width: 1.4; }
svg.ladder .arrow.c2s line { stroke: #2563eb; } svg.ladder .arrow.s2c line { stroke: #059669; }
svg.ladder .arrow.lost line { stroke: #b91c1c; stroke-dasharray: 5 3; } svg.ladder .cross { stroke: #b91c1c; stroke-width: 2; }
svg.ladder .arrow.rst line { stroke-width: 2.2; }
svg.ladder .est-start { fill: #fff; stroke: #374151; }
svg.ladder .meta { fill: #374151; } svg.ladder .meta.rst { fill: #b91c1c; font-weight: 700; }
svg.ladder .label { fill: #111827; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.ladder .fault text { fill: #fff; font-size: 9px; font-weight: 700; pointer-events: none; }
svg.ladder .stall { opacity: 0.45; }
@media print { .filters, button.copy { display: none; } }
`;

/**
 * Filters the runs table: by layer, verdict and a text search on the scenario. The initial
 * filter comes from the URL (?layer=sim&verdict=failed&q=h2, or the same after #), so a link, or
 * a headless browser, can open the page already filtered. Runs of plain DOM code; no library.
 */
export const REPORT_JS = `
(function () {
  var table = document.getElementById('runs');
  if (!table) return;
  var layer = document.getElementById('filter-layer');
  var verdict = document.getElementById('filter-verdict');
  var text = document.getElementById('filter-text');
  var count = document.getElementById('filter-count');
  var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr'));
  function params() {
    var raw = (location.search || '').replace(/^\\?/, '') + '&' + (location.hash || '').replace(/^#/, '');
    var out = {};
    raw.split('&').forEach(function (pair) {
      var i = pair.indexOf('=');
      if (i <= 0) return;
      try { out[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1).replace(/\\+/g, ' ')); } catch (e) {}
    });
    return out;
  }
  function apply() {
    var l = layer.value, v = verdict.value, q = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!l || row.getAttribute('data-layer') === l) && (!v || row.getAttribute('data-verdict') === v) && (!q || row.getAttribute('data-scenario').toLowerCase().indexOf(q) >= 0);
      row.className = ok ? '' : 'hidden';
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' runs shown';
    document.body.setAttribute('data-filtered', String(shown));
  }
  var p = params();
  if (p.layer) layer.value = p.layer;
  if (p.verdict) verdict.value = p.verdict;
  if (p.q) text.value = p.q;
  [layer, verdict].forEach(function (el) { el.addEventListener('change', apply); });
  text.addEventListener('input', apply);
  var form = document.getElementById('filters');
  form.hidden = false;
  form.addEventListener('submit', function (ev) { ev.preventDefault(); });
  apply();
  // Each diagram records how many of its arrows have a drawn length: a headless check (the
  // browser test, a CI step) reads it from the DOM to know the SVG was laid out, not just parsed.
  Array.prototype.forEach.call(document.querySelectorAll('svg.ladder'), function (svg) {
    var drawn = 0;
    Array.prototype.forEach.call(svg.querySelectorAll('g.arrow line'), function (line) {
      try { if (line.getTotalLength() > 0) drawn++; } catch (e) {}
    });
    svg.setAttribute('data-drawn-arrows', String(drawn));
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.copy'), function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var pre = document.getElementById(button.getAttribute('data-for'));
      var value = pre ? pre.textContent : '';
      function fallback() {
        var range = document.createRange();
        range.selectNodeContents(pre);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        try { document.execCommand('copy'); } catch (e) {}
      }
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(value).then(function () { button.textContent = 'copied'; }, fallback);
      else fallback();
    });
  });
})();
`;
