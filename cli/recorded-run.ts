import { findScenario } from '../scenarios/index.js';
import { readManifest, type Manifest } from '../harness/artifacts/write-artifact.js';
import type { Scenario } from '../harness/runner/scenario.js';
import { readManifestBase, type ArtifactLayer } from '../harness/artifacts/artifact-folder.js';
import { UsageError } from './usage-error.js';

/** Check the one argument (an artifact folder) and say which layer wrote it. */
export function recordedLayer(command: string, args: string[]): ArtifactLayer {
  if (args.includes('--help') || args.includes('-h')) throw new UsageError(null);
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new UsageError(`${command} takes exactly one argument: an artifact folder`);
  try {
    return readManifestBase(args[0]!).data.layer;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * The one argument `repro` and `shrink` take: an artifact folder. Returns its manifest and the
 * scenario it names, or a UsageError that says what is wrong (usage, unreadable manifest,
 * unknown scenario).
 */
export function loadRecordedRun(command: string, args: string[]): { manifest: Manifest; scenario: Scenario; dir: string } {
  if (args.includes('--help') || args.includes('-h')) throw new UsageError(null);
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new UsageError(`${command} takes exactly one argument: an artifact folder`);
  let manifest: Manifest;
  try {
    manifest = readManifest(args[0]!);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const scenario = findScenario(manifest.scenario);
  if (scenario === undefined) throw new UsageError(`the manifest names scenario "${manifest.scenario}", which this version does not have`);
  return { manifest, scenario, dir: args[0]! };
}
