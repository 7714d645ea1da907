import { readManifestBase, type ArtifactLayer } from '../../artifacts/artifact-folder.js';
import { netemTimeline } from './netem-timeline.js';
import { proxyTimeline } from './proxy-timeline.js';
import { simTimeline } from './sim-timeline.js';
import { capTimeline, DEFAULT_CAPS, type TimelineCaps } from './timeline-caps.js';
import type { Timeline } from './timeline.js';

export interface TimelineOptions {
  caps?: TimelineCaps;
}

/** What the report already knows of the run, used when the manifest cannot be read. */
export interface RunIdentity {
  layer: ArtifactLayer;
  scenario: string;
  seed: number;
}

/** A timeline with nothing on it yet. */
export function emptyTimeline(run: RunIdentity): Timeline {
  return {
    layer: run.layer,
    scenario: run.scenario,
    seed: run.seed,
    origin: 'the run\'s start',
    source: 'none',
    endMs: 0,
    connections: [],
    arrows: [],
    faults: [],
    params: [],
    pureAcks: 0,
    elided: { arrows: 0, faults: 0, labels: 0, logLines: 0, gapAfterArrow: null },
    notes: [],
    log: [],
  };
}

/**
 * The timeline of one artifact folder, whatever layer wrote it. Never throws: a missing or
 * corrupt manifest, capture or log leaves a note in the timeline and whatever could be read.
 */
export async function buildTimeline(dir: string, run: RunIdentity, options: TimelineOptions = {}): Promise<Timeline> {
  const timeline = emptyTimeline(run);
  let manifest: Record<string, unknown>;
  try {
    const read = readManifestBase(dir);
    manifest = read.data;
    timeline.layer = read.data.layer;
    timeline.scenario = read.data.scenario;
    timeline.seed = read.data.seed;
  } catch (err) {
    timeline.notes.push(`no timeline: ${(err as Error).message}`);
    return capTimeline(timeline, options.caps ?? DEFAULT_CAPS);
  }
  try {
    switch (timeline.layer) {
      case 'sim': await simTimeline(dir, manifest, timeline); break;
      case 'proxy': await proxyTimeline(dir, manifest, timeline); break;
      case 'netem': await netemTimeline(dir, manifest, timeline); break;
    }
  } catch (err) {
    // A bug here must not cost the report: say what broke and keep what was built.
    timeline.notes.push(`the timeline is incomplete: ${(err as Error).message}`);
  }
  if (timeline.arrows.length === 0) timeline.notes.push('nothing to draw: no segments or deliveries were found');
  return capTimeline(timeline, options.caps ?? DEFAULT_CAPS);
}
