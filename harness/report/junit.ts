import type { RunReport } from './report-model.js';
import { xmlEscape as x } from './xml.js';

/*
 * junit.xml: one <testsuite> per layer, one <testcase> per scenario x seed. The common JUnit
 * readers (GitHub test reporters, GitLab, Jenkins) take name/classname/time, <failure> with a
 * message attribute and a body, and <skipped message>. A failure's body carries the replay
 * command and the artifact folder, so a CI page shows how to reproduce it.
 */

export function renderRunJunit(report: RunReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = report.runs.length;
  const failures = report.runs.filter((r) => r.verdict === 'failed').length;
  const skipped = report.runs.filter((r) => r.verdict === 'skipped').length;
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
  out.push('</testsuites>', '');
  return out.join('\n');
}
