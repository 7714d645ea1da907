import path from 'node:path';
import type { LayerSummary, RunReport } from './report-model.js';

/**
 * The shards of one run (`--shard i/n` in a CI matrix) as one report: runs concatenated in layer
 * order, each layer's counts summed, its notes and skip reasons kept once each. Artifact paths
 * are rebased from each shard's folder to `outDir`. The shards must come from the same commit
 * and shard count, and together cover every shard once: a missing or repeated shard would read
 * as a smaller, greener run. Matrix-only reports (no layer runs) are added alongside.
 */
export function mergeReports(all: ReadonlyArray<{ dir: string; report: RunReport }>, outDir: string): RunReport {
  if (all.length === 0) throw new Error('nothing to merge');
  const commits = new Set(all.map((p) => p.report.gitCommit));
  if (commits.size > 1) throw new Error(`the reports come from different commits: ${[...commits].join(', ')}`);
  // A report with no layer runs is a conformance matrix (`conformance --matrix --report`): it
  // joins the merged report's matrices and takes no part in the shard checks.
  const matrixOnly = all.filter((p) => p.report.layers.length === 0 && p.report.runs.length === 0);
  const parts = all.filter((p) => !matrixOnly.includes(p));
  if (parts.length === 0) {
    const first = all[0]!.report;
    return { ...first, command: `merged: ${all.map((p) => p.report.command).join('; ')}`, shard: null, matrices: all.flatMap((p) => p.report.matrices) };
  }
  const counts = new Set(parts.map((p) => p.report.shard?.count ?? 1));
  if (counts.size > 1) throw new Error(`the reports come from different shard counts: ${[...counts].join(', ')}`);
  const n = [...counts][0]!;
  const seen = parts.map((p) => p.report.shard?.index ?? 1).sort((a, b) => a - b);
  const expected = Array.from({ length: n }, (_, i) => i + 1);
  if (seen.join(',') !== expected.join(',')) throw new Error(`the shards must be 1..${n}, each once; got ${seen.join(', ')}`);

  const layers = new Map<string, LayerSummary>();
  for (const { report } of parts) for (const l of report.layers) {
    const m = layers.get(l.layer);
    if (m === undefined) {
      layers.set(l.layer, { ...l, notes: [...l.notes] });
      continue;
    }
    m.scenarios += l.scenarios;
    m.runs += l.runs;
    m.passed += l.passed;
    m.failed += l.failed;
    m.durationMs += l.durationMs;
    m.seeds = Math.max(m.seeds, l.seeds);
    // A layer that ran in any shard ran; a skip reason stays visible.
    if (l.status === 'ran') m.status = 'ran';
    if (l.skipReason !== null && m.skipReason === null) m.skipReason = l.skipReason;
    for (const note of l.notes) if (!m.notes.includes(note)) m.notes.push(note);
  }
  const order = ['sim', 'proxy', 'netem'];
  const runs = parts.flatMap(({ dir, report }) => report.runs.map((r) => ({
    ...r,
    artifactDir: r.artifactDir === null ? null : path.relative(outDir, path.resolve(dir, r.artifactDir)) || '.',
  })));
  runs.sort((a, b) => order.indexOf(a.layer) - order.indexOf(b.layer));
  const first = parts[0]!.report;
  return {
    ...first,
    startedAt: parts.map((p) => p.report.startedAt).sort()[0]!,
    command: `merged from ${n} shard(s): ${first.command.replace(/ --shard \S+/, '')}`,
    shard: null,
    layers: [...layers.values()].sort((a, b) => order.indexOf(a.layer) - order.indexOf(b.layer)),
    runs,
    matrices: [...parts, ...matrixOnly].flatMap((p) => p.report.matrices),
  };
}
