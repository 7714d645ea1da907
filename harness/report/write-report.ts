import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderHtmlReport } from './html-report.js';
import { renderRunJunit } from './junit.js';
import type { RunReport } from './report-model.js';
import { timelinesFor } from './write-html.js';

/**
 * Make sure `dir` can take the report before a long run starts, so a typo or a read-only path is
 * a usage error up front instead of a run whose results have nowhere to go. Null when it can,
 * else why not.
 */
export function reportDirProblem(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.write-check-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
    return null;
  } catch (err) {
    return `cannot write the report to ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}

/**
 * Write report.json, junit.xml and report.html (with a timeline of each failure, read from its
 * artifact folder) into `dir`; return their paths.
 */
export async function writeReports(dir: string, report: RunReport): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files = {
    'report.json': JSON.stringify(report, null, 2) + '\n',
    'junit.xml': renderRunJunit(report),
    'report.html': renderHtmlReport(report, await timelinesFor(report, dir)),
  };
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    written.push(file);
  }
  return written;
}
