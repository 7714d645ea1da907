import { escapeHtml as e, slug } from './html-escape.js';
import { faultTitle, fmt, ladderLegend, renderLadderSvg } from './ladder-svg.js';
import { REPORT_CSS, REPORT_JS } from './report-assets.js';
import type { ConformanceMatrix, LayerSummary, RunRecord, RunReport, Verdict } from './report-model.js';
import type { Timeline } from './timeline/timeline.js';

/** The key of a run's timeline in the map renderHtmlReport takes. */
/** Failures past this many get no diagram: a broken server can fail thousands of runs, and the page must still open. */
export const MAX_TIMELINES = 100;

export function timelineKey(run: Pick<RunRecord, 'layer' | 'scenario' | 'seed'>): string {
  return `${run.layer}|${run.scenario}|${run.seed}`;
}

/**
 * The run report as one self-contained HTML page: inline CSS, inline script, inline SVG, and a
 * Content-Security-Policy that forbids fetching anything, so it opens the same from a CI artifact
 * on a machine with no network. Sections: per-layer summary, a filterable table of every run, a
 * section per failure (its ladder diagram, the check that broke, seed, replay command, artifact),
 * and the conformance x faults matrices. Readable with scripts off: the script only filters.
 */
export function renderHtmlReport(report: RunReport, timelines: Map<string, Timeline>): string {
  const failures = report.runs.filter((r) => r.verdict === 'failed');
  const title = `aeronet run report: ${report.runs.length} runs, ${failures.length} failed`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head><body>',
    header(report),
    layersSection(report.layers),
    runsSection(report.runs, failures),
    failuresSection(failures, timelines),
    report.matrices.length > 0 ? matricesSection(report.matrices) : '',
    `<script>${REPORT_JS}</script>`,
    '</body></html>',
  ].join('\n');
}

function header(r: RunReport): string {
  const shard = r.shard ? `, shard ${r.shard.index}/${r.shard.count}` : '';
  return `<header><h1>aeronet run report</h1>
<p class="meta-line">${e(r.tool)} ${e(r.version)}${r.gitCommit ? ` at <span class="mono">${e(r.gitCommit)}</span>` : ''}, started ${e(r.startedAt)}${e(shard)}</p>
<p class="meta-line">command: <code>${e(r.command)}</code></p></header>`;
}

function verdictBadge(v: Verdict | 'ran'): string {
  const cls = v === 'ran' ? 'passed' : v;
  return `<span class="verdict v-${cls}">${e(v)}</span>`;
}

function layersSection(layers: readonly LayerSummary[]): string {
  const rows = layers.map((l) => `<tr data-layer="${e(l.layer)}"><td>${e(l.layer)}</td><td>${l.status === 'ran' ? verdictBadge('ran') : verdictBadge('skipped')}${l.skipReason ? ` ${e(l.skipReason)}` : ''}</td>` +
    `<td class="num">${l.scenarios}</td><td class="num">${l.seeds}</td><td class="num">${l.runs}</td><td class="num">${l.passed}</td><td class="num">${l.failed > 0 ? `<strong>${l.failed}</strong>` : l.failed}</td><td class="num">${e(seconds(l.durationMs))}</td>` +
    `<td>${l.notes.length > 0 ? `<ul class="notes">${l.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : ''}</td></tr>`);
  return `<section id="layers"><h2>Layers</h2><table class="layers"><thead><tr><th>layer</th><th>status</th><th class="num">scenarios</th><th class="num">seeds</th><th class="num">runs</th><th class="num">passed</th><th class="num">failed</th><th class="num">duration</th><th>notes</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function runsSection(runs: readonly RunRecord[], failures: readonly RunRecord[]): string {
  const layers = [...new Set(runs.map((r) => r.layer))];
  const anchor = new Map(failures.map((f, i) => [f, failureId(f, i)]));
  const rows = runs.map((r) => {
    const id = anchor.get(r);
    return `<tr data-layer="${e(r.layer)}" data-verdict="${e(r.verdict)}" data-scenario="${e(r.scenario)}"><td>${e(r.layer)}</td><td>${id ? `<a href="#${id}">${e(r.scenario)}</a>` : e(r.scenario)}</td><td class="num">${r.seed}</td><td>${verdictBadge(r.verdict)}</td><td class="num">${e(seconds(r.durationMs))}</td><td>${r.failure ? `${e(r.failure.kind)}: ${e(clip(r.failure.message, 160))}` : ''}</td></tr>`;
  });
  const filters = `<form class="filters" id="filters" hidden>
<label>layer <select id="filter-layer"><option value="">all</option>${layers.map((l) => `<option value="${e(l)}">${e(l)}</option>`).join('')}</select></label>
<label>verdict <select id="filter-verdict"><option value="">all</option><option value="passed">passed</option><option value="failed">failed</option><option value="skipped">skipped</option></select></label>
<label>scenario <input type="search" id="filter-text" placeholder="text in the scenario name"></label>
<span class="count" id="filter-count"></span></form>`;
  return `<section id="runs-section"><h2>Runs</h2>${filters}<table id="runs"><thead><tr><th>layer</th><th>scenario</th><th class="num">seed</th><th>verdict</th><th class="num">time</th><th>failure</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function failureId(r: RunRecord, i: number): string {
  return `failure-${i + 1}-${slug(`${r.layer}-${r.scenario}-${r.seed}`)}`;
}

function failuresSection(failures: readonly RunRecord[], timelines: Map<string, Timeline>): string {
  if (failures.length === 0) return '<section id="failures"><h2>Failures</h2><p>None.</p></section>';
  return `<section id="failures"><h2>Failures (${failures.length})</h2>${failures.map((f, i) => failureSection(f, i, timelines.get(timelineKey(f)))).join('\n')}</section>`;
}

function failureSection(r: RunRecord, i: number, t: Timeline | undefined): string {
  const id = failureId(r, i);
  const cmdId = `${id}-replay`;
  const parts = [`<section class="failure" id="${id}" data-layer="${e(r.layer)}" data-scenario="${e(r.scenario)}">`];
  parts.push(`<h3>${e(r.scenario)} <span class="meta-line">· ${e(r.layer)} · seed ${r.seed}</span></h3>`);
  parts.push(`<div class="broke"><strong>${e(r.failure?.kind ?? 'failed')}</strong>: ${e(r.failure?.message ?? '(no message)')}</div>`);
  parts.push(`<dl class="kv"><dt>seed</dt><dd>${r.seed}</dd><dt>artifact</dt><dd class="mono">${r.artifactDir ? e(r.artifactDir) : '(none)'}</dd><dt>time</dt><dd>${e(seconds(r.durationMs))}</dd></dl>`);
  parts.push(`<div class="cmd"><pre id="${cmdId}">${e(r.replay)}</pre><button type="button" class="copy" data-for="${cmdId}" hidden>copy</button></div>`);
  const why = r.artifactDir === null ? 'the run left no artifact folder to read' : `only the first ${MAX_TIMELINES} failures get a diagram; open the artifact folder, or run aeronet repro on it`;
  parts.push(t ? timelineBlock(t, `${id}-ladder`) : `<p class="meta-line">No timeline: ${e(why)}.</p>`);
  parts.push('</section>');
  return parts.join('');
}

function timelineBlock(t: Timeline, id: string): string {
  const parts: string[] = [];
  parts.push(`<p class="meta-line">Timeline: ${t.arrows.length} arrow(s) from ${e(t.source)}; time 0 is ${e(t.origin)}; ${t.connections.length} connection(s)${t.connections.length > 0 ? `: ${t.connections.map((c) => `c${c.index} ${e(c.protocol)} (${e(c.client)})`).join(', ')}` : ''}${t.pureAcks > 0 ? `; ${t.pureAcks} pure ACK(s) not drawn` : ''}.</p>`);
  if (t.params.length > 0) parts.push(`<details open><summary>Fault parameters (${t.params.length})</summary><ul class="notes">${t.params.map((p) => `<li class="mono">${e(p)}</li>`).join('')}</ul></details>`);
  // The caveats (estimated times, a capture read in part) before the picture they qualify.
  if (t.notes.length > 0) parts.push(`<ul class="notes">${t.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`);
  if (t.arrows.length > 0) {
    parts.push(ladderLegend(t));
    parts.push(`<div class="diagram">${renderLadderSvg(t, id)}</div>`);
  }
  if (t.faults.length > 0) {
    const rows = t.faults.map((f) => `<tr data-kind="${e(f.kind)}"><td class="num">${e(fmt(f.atMs))}</td><td>${e(f.kind)}${f.inferred ? ' (inferred)' : ''}</td><td>${f.connection !== undefined ? `c${f.connection}` : ''}</td><td>${e(f.side ?? '')}</td><td title="${e(faultTitle(f))}">${e(f.text)}</td></tr>`);
    parts.push(`<details${t.faults.length <= 40 ? ' open' : ''}><summary>Faults (${t.faults.length}${t.elided.faults > 0 ? `, ${t.elided.faults} more left out` : ''})</summary><table class="faults"><thead><tr><th class="num">ms</th><th>kind</th><th>conn</th><th>side</th><th>what</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`);
  }
  if (t.log.length > 0) parts.push(`<details><summary>events.log (${t.log.length} line(s)${t.elided.logLines > 0 ? `, ${t.elided.logLines} left out` : ''})</summary><pre class="log">${e(t.log.join('\n'))}</pre></details>`);
  return parts.join('');
}

function matricesSection(matrices: readonly ConformanceMatrix[]): string {
  return `<section id="matrices"><h2>Conformance × faults</h2>${matrices.map(matrixTable).join('\n')}</section>`;
}

function matrixTable(m: ConformanceMatrix): string {
  const head = m.columns.map((c) => `<th title="${e(`${c.detail}${c.seeds.length > 0 ? `; seeds ${c.seeds.join(', ')}` : ''}${c.skipReason ? `; skipped: ${c.skipReason}` : ''}`)}">${e(c.label)}${c.skipReason ? ' <span class="verdict v-skipped">skipped</span>' : ''}</th>`).join('');
  const rows = m.rows.map((row) => {
    const cells = m.columns.map((c) => {
      const cell = row.cells[c.id];
      if (cell === undefined) return `<td class="absent" title="${e(c.skipReason ?? 'not run')}">–</td>`;
      const tip = [cell.detail, cell.seed !== undefined ? `seed ${cell.seed}` : '', cell.repro ?? ''].filter(Boolean).join('\n');
      return `<td class="cell v-${e(cell.verdict)}"${tip ? ` title="${e(tip)}"` : ''}>${e(cell.verdict === 'passed' ? 'pass' : cell.verdict === 'failed' ? 'FAIL' : 'skip')}</td>`;
    }).join('');
    return `<tr><td class="mono">${e(row.id)}</td><td>${e(row.title)}</td>${cells}</tr>`;
  }).join('');
  const skipped = m.columns.filter((c) => c.skipReason);
  const findings = m.breaksOnlyUnderFaults.length === 0 ? '<p>No case passes clean and breaks only under faults.</p>' :
    `<table class="findings"><thead><tr><th>case</th><th>column</th><th class="num">seed</th><th>what happened</th><th>repro</th></tr></thead><tbody>${m.breaksOnlyUnderFaults.map((f) => `<tr><td class="mono">${e(f.id)}</td><td>${e(f.column)}</td><td class="num">${f.seed ?? ''}</td><td>${e(f.detail)}</td><td><code>${e(f.repro)}</code></td></tr>`).join('')}</tbody></table>`;
  return `<h3>${e(m.suite)} suite: ${m.rows.length} case(s) × ${m.columns.length} column(s)</h3>
${skipped.length > 0 ? `<ul class="notes">${skipped.map((c) => `<li>${e(c.label)} skipped: ${e(c.skipReason!)}</li>`).join('')}</ul>` : ''}
<div class="diagram"><table class="matrix" data-suite="${e(m.suite)}"><thead><tr><th>case</th><th>title</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>
<h3>Passes clean, breaks only under faults (${m.breaksOnlyUnderFaults.length})</h3>${findings}`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
