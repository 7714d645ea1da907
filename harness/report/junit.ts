import type { ConformanceMatrix, RunReport } from './report-model.js';
import { xmlEscape as x } from './xml.js';

/*
 * junit.xml: one <testsuite> per layer, one <testcase> per scenario x seed. The common JUnit
 * readers (GitHub test reporters, GitLab, Jenkins) take name/classname/time, <failure> with a
 * message attribute and a body, and <skipped message>. A failure's body carries the replay
 * command and the artifact folder, so a CI page shows how to reproduce it.
 */

export function renderRunJunit(report: RunReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const cells = report.matrices.flatMap((m) => m.rows.flatMap((r) => Object.values(r.cells)));
  const total = report.runs.length + cells.length;
  const failures = report.runs.filter((r) => r.verdict === 'failed').length + cells.filter((c) => c.verdict === 'failed').length;
  const skipped = report.runs.filter((r) => r.verdict === 'skipped').length + cells.filter((c) => c.verdict === 'skipped').length;
  const time = (ms: number): string => (ms / 1000).toFixed(3);
  const allMs = report.layers.reduce((n, l) => n + l.durationMs, 0);
  out.push(`<testsuites name="aeronet run" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}" time="${time(allMs)}">`);
  for (const layer of report.layers) {
    const runs = report.runs.filter((r) => r.layer === layer.layer);
    const f = runs.filter((r) => r.verdict === 'failed').length;
    const s = runs.filter((r) => r.verdict === 'skipped').length;
    out.push(`  <testsuite name="${x(`${layer.layer} layer`)}" tests="${runs.length}" failures="${f}" errors="0" skipped="${s}" time="${time(layer.durationMs)}">`);
    if (layer.status === 'skipped' || layer.notes.length > 0) {
      out.push('    <properties>');
      if (layer.skipReason !== null) out.push(`      <property name="skipped" value="${x(layer.skipReason)}"/>`);
      for (const n of layer.notes) out.push(`      <property name="note" value="${x(n)}"/>`);
      out.push('    </properties>');
    }
    for (const r of runs) {
      const open = `    <testcase name="${x(`${r.scenario} seed ${r.seed}`)}" classname="${x(`aeronet.${r.layer}.${r.scenario.split('/')[0]}`)}" time="${time(r.durationMs)}"`;
      if (r.verdict === 'passed') {
        out.push(`${open}/>`);
      } else if (r.verdict === 'skipped') {
        out.push(`${open}>`, `      <skipped message="${x(r.failure?.message ?? 'skipped')}"/>`, '    </testcase>');
      } else {
        const first = r.failure ? `${r.failure.kind}: ${r.failure.message.split('\n')[0]}` : 'failed';
        const body = [r.failure ? `${r.failure.kind}: ${r.failure.message}` : 'failed', '', `replay:   ${r.replay}`, ...(r.artifactDir !== null ? [`artifact: ${r.artifactDir}`] : [])].join('\n');
        out.push(`${open}>`, `      <failure message="${x(first)}" type="${x(r.failure?.kind ?? 'failure')}">${x(body)}</failure>`, '    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  for (const m of report.matrices) out.push(...matrixSuites(m));
  out.push('</testsuites>', '');
  return out.join('\n');
}

/** A conformance x faults matrix: one <testsuite> per column, one <testcase> per case in it. */
function matrixSuites(m: ConformanceMatrix): string[] {
  const out: string[] = [];
  for (const col of m.columns) {
    const cells = m.rows.map((row) => ({ row, cell: row.cells[col.id] })).filter((x) => x.cell !== undefined);
    const f = cells.filter((x) => x.cell!.verdict === 'failed').length;
    const s = cells.filter((x) => x.cell!.verdict === 'skipped').length;
    out.push(`  <testsuite name="${x(`conformance ${m.suite} x faults: ${col.id}`)}" tests="${cells.length}" failures="${f}" errors="0" skipped="${s}">`);
    out.push('    <properties>', `      <property name="faults" value="${x(col.detail)}"/>`, ...(col.skipReason !== null ? [`      <property name="skipped" value="${x(col.skipReason)}"/>`] : []), '    </properties>');
    for (const { row, cell } of cells) {
      const open = `    <testcase name="${x(`${row.id}: ${row.title}`)}" classname="${x(`aeronet.conformance.${m.suite}.${col.id}`)}"`;
      if (cell!.verdict === 'passed') out.push(`${open}/>`);
      else if (cell!.verdict === 'skipped') out.push(`${open}>`, `      <skipped message="${x(cell!.detail ?? col.skipReason ?? 'skipped')}"/>`, '    </testcase>');
      else {
        const body = [cell!.detail ?? 'failed', ...(cell!.seed !== undefined ? [`seed: ${cell!.seed}`] : []), ...(cell!.repro !== undefined ? [`repro: ${cell!.repro}`] : [])].join('\n');
        out.push(`${open}>`, `      <failure message="${x((cell!.detail ?? 'failed').split('\n')[0]!)}" type="conformance">${x(body)}</failure>`, '    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  return out;
}
