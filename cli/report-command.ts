import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readJunit } from '../harness/report/junit-read.js';
import { renderJunitHtml } from '../harness/report/junit-html.js';
import { mergeReports } from '../harness/report/merge-reports.js';
import type { RunReport } from '../harness/report/report-model.js';
import { writeReports } from '../harness/report/write-report.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

/**
 * `aeronet report --merge DIR [--merge DIR ...] --out DIR`: the report folders of a sharded run
 * (`run --shard i/n --report DIR` in each CI job) as one: report.json, junit.xml, report.html.
 * `aeronet report --junit FILE [--junit FILE ...] --out FILE.html [--title T]`: an HTML page for
 * JUnit reports that are not layer runs (unit tests, conformance suites).
 */
export async function reportCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    merge: { type: 'string', multiple: true },
    junit: { type: 'string', multiple: true },
    out: { type: 'string' },
    title: { type: 'string' },
  });
  const merge = values.merge ?? [];
  const junit = values.junit ?? [];
  if ((merge.length === 0) === (junit.length === 0)) throw new UsageError('report needs --merge DIR ... or --junit FILE ... (one of the two)');
  if (values.out === undefined) throw new UsageError('report needs --out (a folder for --merge, an .html file for --junit)');
  const out = path.resolve(values.out);
  if (junit.length > 0) {
    if (!out.endsWith('.html')) throw new UsageError(`--out for --junit is an .html file, got "${values.out}"`);
    const sources = junit.map((file) => ({ file: path.basename(file), suites: readJunit(readText(file)) }));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, renderJunitHtml(values.title ?? 'aeronet test report', sources));
    process.stdout.write(`report: ${path.relative(process.cwd(), out) || out}\n`);
    return 0;
  }
  const parts = merge.map((dir) => ({ dir: path.resolve(dir), report: readReport(dir) }));
  let merged: RunReport;
  try {
    merged = mergeReports(parts, out);
  } catch (err) {
    throw new UsageError(`cannot merge: ${(err as Error).message}`);
  }
  const files = await writeReports(out, merged);
  const failed = merged.runs.filter((r) => r.verdict === 'failed').length;
  process.stdout.write(`merged ${parts.length} report(s): ${merged.runs.length} runs, ${failed} failed\n`);
  process.stdout.write(`report: ${files.map((f) => path.relative(process.cwd(), f) || f).join(', ')}\n`);
  return 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A report folder's report.json, checked enough that a wrong folder is named as such. */
function readReport(dir: string): RunReport {
  const file = path.join(dir, 'report.json');
  let data: unknown;
  try {
    data = JSON.parse(readText(file));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file} is not valid JSON`);
  }
  const r = data as Partial<RunReport>;
  if (r === null || typeof r !== 'object' || r.tool !== 'aeronet' || !Array.isArray(r.runs) || !Array.isArray(r.layers)) throw new UsageError(`${file} is not an aeronet run report (written by run --report)`);
  return { ...r, matrices: r.matrices ?? [] } as RunReport;
}
