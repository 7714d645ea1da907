import type { ConformanceMatrix, MatrixCell, MatrixRow, Verdict } from '../../report/report-model.js';

/*
 * The matrix for a terminal: the columns with their totals, a table of only the cases whose
 * verdict differs somewhere from their clean one (a case that passes everywhere is a line nobody
 * needs), then the findings (pass clean, fail under a fault) each with the command that repeats
 * it, and the cases that fail clean. report.html is another agent's rendering of the same model.
 */

const MARK: Record<Verdict, string> = { passed: '✓', failed: '✗', skipped: '-' };

/** A row differs from clean when some column fails where clean did not, or passes where clean failed. */
export function differsFromClean(row: MatrixRow): boolean {
  const clean = row.cells['clean']?.verdict;
  return Object.entries(row.cells).some(([id, cell]) => id !== 'clean' && cell.verdict !== 'skipped' && clean !== 'skipped' && cell.verdict !== clean);
}

function totals(matrix: ConformanceMatrix, columnId: string): { passed: number; failed: number; skipped: number } {
  const t = { passed: 0, failed: 0, skipped: 0 };
  for (const r of matrix.rows) {
    const c: MatrixCell | undefined = r.cells[columnId];
    if (c !== undefined) t[c.verdict]++;
  }
  return t;
}

export function renderMatrixText(matrix: ConformanceMatrix): string {
  const out: string[] = [`Conformance x faults matrix, ${matrix.suite}: ${matrix.rows.length} cases x ${matrix.columns.length} columns`, ''];
  const idWidth = Math.max(...matrix.columns.map((c) => c.id.length), 6);
  for (const col of matrix.columns) {
    const seeds = col.seeds.length > 0 ? ` [seed${col.seeds.length === 1 ? '' : 's'} ${col.seeds.length <= 3 ? col.seeds.join(', ') : `${col.seeds[0]}-${col.seeds[col.seeds.length - 1]}`}]` : '';
    if (col.skipReason !== null) {
      out.push(`  ${col.id.padEnd(idWidth)}  skipped: ${col.skipReason}`);
      continue;
    }
    const t = totals(matrix, col.id);
    out.push(`  ${col.id.padEnd(idWidth)}  ${`${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`.padEnd(34)}${col.detail}${seeds}`);
  }

  const ran = matrix.columns.filter((c) => c.skipReason === null);
  const differing = matrix.rows.filter(differsFromClean);
  out.push('', `Cases that differ from clean: ${differing.length === 0 ? '(none)' : differing.length}`);
  if (differing.length > 0) {
    const caseWidth = Math.max(4, ...differing.map((r) => r.id.length));
    const widths = ran.map((c) => Math.max(c.label.length, 1));
    out.push(`  ${'case'.padEnd(caseWidth)}  ${ran.map((c, k) => c.label.padEnd(widths[k]!)).join('  ')}`);
    for (const r of differing) {
      out.push(`  ${r.id.padEnd(caseWidth)}  ${ran.map((c, k) => {
        const cell = r.cells[c.id];
        return (cell === undefined ? ' ' : MARK[cell.verdict]).padEnd(widths[k]!);
      }).join('  ')}`.trimEnd());
    }
    out.push(`  (${Object.entries(MARK).map(([v, m]) => `${m} ${v}`).join(', ')})`);
  }

  out.push('', `Pass clean, fail under faults: ${matrix.breaksOnlyUnderFaults.length === 0 ? '(none)' : matrix.breaksOnlyUnderFaults.length}`);
  for (const f of matrix.breaksOnlyUnderFaults) {
    out.push(`  ✗ ${f.id} under ${f.column}${f.seed !== null ? ` seed ${f.seed}` : ''}: ${f.detail}`);
    out.push(`    repro: ${f.repro}`);
  }

  const failClean = matrix.rows.filter((r) => r.cells['clean']?.verdict === 'failed');
  if (failClean.length > 0) {
    out.push('', `Fail clean: ${failClean.length}`);
    for (const r of failClean) out.push(`  ✗ ${r.id}: ${r.cells['clean']!.detail ?? ''}`, `    repro: ${r.cells['clean']!.repro ?? ''}`);
  }

  // Failures that are not findings (the case fails clean too, or in the proxy's baseline): listed, so none goes unseen.
  const listed = new Set(matrix.breaksOnlyUnderFaults.map((f) => `${f.id} ${f.column}`));
  const other = matrix.rows.flatMap((r) => ran.filter((c) => c.id !== 'clean' && r.cells[c.id]?.verdict === 'failed' && !listed.has(`${r.id} ${c.id}`) && r.cells['clean']?.verdict === 'passed').map((c) => ({ r, c })));
  if (other.length > 0) {
    out.push('', `Fail in a column and in its baseline too (not counted as a fault's): ${other.length}`);
    for (const { r, c } of other) out.push(`  ✗ ${r.id} under ${c.id}: ${r.cells[c.id]!.detail ?? ''}`, `    repro: ${r.cells[c.id]!.repro ?? ''}`);
  }

  const failedCells = matrix.rows.reduce((n, r) => n + Object.values(r.cells).filter((c) => c.verdict === 'failed').length, 0);
  out.push('', `${matrix.rows.length} cases, ${ran.length} of ${matrix.columns.length} columns ran, ${failedCells} failed cells, ${matrix.breaksOnlyUnderFaults.length} pass clean and fail only under faults`);
  return `${out.join('\n')}\n`;
}
