import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioResult } from '../runner/run-scenario.js';
import { captureToPcap } from './capture-to-pcap.js';

/** The shape every layer writes: see artifacts/README.md. */
export interface Manifest {
  scenario: string;
  layer: 'sim';
  seed: number;
  ok: boolean;
  failure: ScenarioResult['failure'];
  traceHash: string;
  virtualMs: number;
  /** Every fault parameter the seed derived, per connection and direction. */
  faults: ScenarioResult['faults'];
  /** Fault values that replaced the seed's (a shrunk schedule); {} otherwise. */
  overrides: ScenarioResult['overrides'];
  versions: { node: string; aeronet: string };
  gitCommit: string | null;
  replay: string;
  repro: string;
  captureWarnings: string[];
  createdAt: string;
}

const PACKAGE_ROOT = findPackageRoot();

/**
 * Write `artifacts/<scenario>-<seed>-<utc time>/` for a run: manifest.json, events.log,
 * server.log, capture.pcap. Returns the folder. `now` is wall time: it only names the folder.
 */
export function writeArtifact(result: ScenarioResult, root = path.join(process.cwd(), 'artifacts'), now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const dir = path.join(root, `${result.scenario.replace(/\//g, '__')}-${result.seed}-${stamp}`);
  mkdirSync(dir, { recursive: true });
  const { pcap, warnings } = captureToPcap(result.capture);
  const manifest: Manifest = {
    scenario: result.scenario,
    layer: 'sim',
    seed: result.seed,
    ok: result.ok,
    failure: result.failure,
    traceHash: result.traceHash,
    virtualMs: result.virtualMs,
    faults: result.faults,
    overrides: result.overrides,
    versions: { node: process.version, aeronet: packageVersion() },
    gitCommit: gitCommit(),
    replay: `npx aeronet run --layer sim --scenario ${result.scenario} --seed ${result.seed}`,
    repro: `npx aeronet repro ${path.relative(process.cwd(), dir) || dir}`,
    captureWarnings: warnings,
    createdAt: now.toISOString(),
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(path.join(dir, 'events.log'), result.trace.join('\n') + '\n');
  writeFileSync(path.join(dir, 'server.log'), result.serverLog.map((r) => JSON.stringify(r)).join('\n') + (result.serverLog.length ? '\n' : ''));
  writeFileSync(path.join(dir, 'capture.pcap'), pcap);
  return dir;
}

/** Read and check a manifest, with errors that say what is wrong. */
export function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (is this an artifact folder?)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
  const m = data as Partial<Manifest>;
  if (typeof m.scenario !== 'string' || m.layer !== 'sim' || typeof m.seed !== 'number' || !Number.isInteger(m.seed)) {
    throw new Error(`${file} lacks a scenario, a sim layer or an integer seed`);
  }
  validateOverrides(m.overrides ?? {}, file);
  return m as Manifest;
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

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      readFileSync(path.join(dir, 'package.json'));
      return dir;
    } catch {
      dir = path.dirname(dir);
    }
  }
  return process.cwd();
}
