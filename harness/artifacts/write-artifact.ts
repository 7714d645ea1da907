import path from 'node:path';
import type { ScenarioResult } from '../runner/run-scenario.js';
import { captureToPcap } from './capture-to-pcap.js';
import { artifactDir, manifestBase, readManifestBase, writeArtifactFolder, type ManifestBase } from './artifact-folder.js';
import { replayCommand } from '../runner/replay-command.js';

/** The sim layer's manifest: the shared base (artifact-folder.ts) and the sim's own record. */
export interface Manifest extends ManifestBase {
  layer: 'sim';
  failure: ScenarioResult['failure'];
  traceHash: string;
  virtualMs: number;
  /** Every fault parameter the seed derived, per connection and direction. */
  faults: ScenarioResult['faults'];
  /** Fault values that replaced the seed's (a shrunk schedule); {} otherwise. */
  overrides: ScenarioResult['overrides'];
}

/**
 * Write `artifacts/<scenario>-<seed>-<utc time>/` for a sim run: manifest.json, events.log,
 * server.log, capture.pcap. Returns the folder. `now` is wall time: it only names the folder.
 */
export function writeArtifact(result: ScenarioResult, root = path.join(process.cwd(), 'artifacts'), now = new Date()): string {
  const dir = artifactDir(root, result.scenario, result.seed, now);
  const { pcap, warnings } = captureToPcap(result.capture);
  const manifest: Manifest = {
    ...manifestBase('sim', result.scenario, result.seed, result.ok, result.failure, dir, replayCommand('sim', result.scenario, result.seed), warnings, now),
    layer: 'sim',
    failure: result.failure,
    traceHash: result.traceHash,
    virtualMs: result.virtualMs,
    faults: result.faults,
    overrides: result.overrides,
  };
  return writeArtifactFolder(dir, manifest, { events: result.trace, serverLog: result.serverLog.map((r) => JSON.stringify(r)), pcap, keyLog: result.keyLog });
}

/** Read and check a manifest, with errors that say what is wrong. */
export function readManifest(dir: string): Manifest {
  const { file, data } = readManifestBase(dir);
  if (data.layer !== 'sim') throw new Error(`${file} is a ${data.layer}-layer artifact, not a sim one`);
  validateOverrides(data['overrides'] ?? {}, file);
  return data as unknown as Manifest;
}

/** Allowed values of each fault parameter: a hand-edited manifest gets told exactly what is wrong. */
const FAULT_RANGES: Record<string, { min: number; max: number; nullable?: boolean }> = {
  maxSegment: { min: 1, max: 1 << 30 },
  coalesce: { min: 0, max: 1 },
  latencyMs: { min: 0, max: 3_600_000 },
  jitterMs: { min: 0, max: 3_600_000 },
  stallChance: { min: 0, max: 1 },
  stallMs: { min: 0, max: 3_600_000 },
  windowBytes: { min: 1, max: 1 << 30 },
  resetAfterBytes: { min: 0, max: Number.MAX_SAFE_INTEGER, nullable: true },
  eagainChance: { min: 0, max: 1 },
  eintrChance: { min: 0, max: 1 },
};

/** The hostile-link mode's faults (overrides.N.direction.hostile: null, or an object of these). */
const HOSTILE_RANGES: Record<string, { min: number; max: number }> = {
  duplicate: { min: 0, max: 1 },
  reorder: { min: 0, max: 1 },
  corrupt: { min: 0, max: 1 },
};

function validateOverrides(overrides: unknown, file: string): void {
  const fail = (what: string): never => {
    throw new Error(`${file}: overrides${what}`);
  };
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) fail(' must be an object keyed by connection number');
  for (const [connection, directions] of Object.entries(overrides as object)) {
    if (!/^[1-9][0-9]*$/.test(connection)) fail(`: "${connection}" is not a connection number`);
    if (directions === null || typeof directions !== 'object') fail(`.${connection} must be an object`);
    for (const [direction, params] of Object.entries(directions as object)) {
      if (direction !== 'clientToServer' && direction !== 'serverToClient') fail(`.${connection}: unknown direction "${direction}"`);
      if (params === null || typeof params !== 'object') fail(`.${connection}.${direction} must be an object`);
      for (const [name, value] of Object.entries(params as object)) {
        if (name === 'hostile') {
          validateHostile(value, `.${connection}.${direction}.hostile`, fail);
          continue;
        }
        const range = FAULT_RANGES[name];
        if (range === undefined) fail(`.${connection}.${direction}: unknown fault parameter "${name}"`);
        if (value === null && range!.nullable) continue;
        if (typeof value !== 'number' || !Number.isFinite(value) || value < range!.min || value > range!.max || ((name === 'maxSegment' || name === 'windowBytes') && !Number.isInteger(value))) {
          fail(`.${connection}.${direction}.${name} = ${JSON.stringify(value)}: expected ${range!.nullable ? 'null or ' : ''}a number from ${range!.min} to ${range!.max}`);
        }
      }
    }
  }
}

function validateHostile(value: unknown, where: string, fail: (what: string) => never): void {
  if (value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) fail(`${where} = ${JSON.stringify(value)}: expected null or an object of duplicate, reorder and corrupt chances`);
  const given = value as Record<string, unknown>;
  for (const name of Object.keys(given)) if (HOSTILE_RANGES[name] === undefined) fail(`${where}: unknown hostile fault "${name}"`);
  for (const [name, range] of Object.entries(HOSTILE_RANGES)) {
    const v = given[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < range.min || v > range.max) fail(`${where}.${name} = ${JSON.stringify(v)}: expected a number from ${range.min} to ${range.max}`);
  }
}
