import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderRunJunit } from './junit.js';
import type { RunReport } from './report-model.js';

/** Write report.json, junit.xml and report.html into `dir`; return their paths. */
export function writeReports(dir: string, report: RunReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files = {
    'report.json': JSON.stringify(report, null, 2) + '\n',
    'junit.xml': renderRunJunit(report),
  };
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    written.push(file);
  }
  return written;
}
