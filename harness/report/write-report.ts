import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderHtmlReport } from './html-report.js';
import { renderRunJunit } from './junit.js';
import type { RunReport } from './report-model.js';
import { timelinesFor } from './write-html.js';

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
