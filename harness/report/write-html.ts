import path from 'node:path';
import { MAX_TIMELINES, timelineKey } from './html-report.js';
import type { RunReport } from './report-model.js';
import { buildTimeline, emptyTimeline, type TimelineOptions } from './timeline/build-timeline.js';
import type { Timeline } from './timeline/timeline.js';

/**
 * A timeline for every failed run that left an artifact folder, keyed as renderHtmlReport wants
 * (`${layer}|${scenario}|${seed}`). A folder path is relative to `reportDir` unless absolute
 * (report-model.ts). Never throws: a missing folder, manifest or capture gives a timeline whose
 * notes say so. Folders are read one at a time, so at most one capture is in memory.
 */
export async function timelinesFor(report: RunReport, reportDir: string, options: TimelineOptions = {}): Promise<Map<string, Timeline>> {
  const out = new Map<string, Timeline>();
  for (const run of report.runs) {
    if (run.verdict !== 'failed' || run.artifactDir === null) continue;
    if (out.size >= MAX_TIMELINES) break;
    const key = timelineKey(run);
    if (out.has(key)) continue;
    const dir = path.isAbsolute(run.artifactDir) ? run.artifactDir : path.join(reportDir, run.artifactDir);
    try {
      out.set(key, await buildTimeline(dir, run, options));
    } catch (err) {
      // buildTimeline catches its own errors; this is the last line of defence for the report.
      const t = emptyTimeline(run);
      t.notes.push(`no timeline: ${(err as Error).message}`);
      out.set(key, t);
    }
  }
  return out;
}
