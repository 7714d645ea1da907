import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYLOG_FILE } from './key-log-artifact.js';

/** The layers that write artifacts; each one's manifest starts with ManifestBase. */
export type ArtifactLayer = 'sim' | 'proxy' | 'netem';

/** What every layer's manifest.json says first (artifacts/README.md): one shape across layers. */
export interface ManifestBase {
  scenario: string;
  layer: ArtifactLayer;
  seed: number;
  ok: boolean;
  failure: { kind: string; message: string } | null;
  versions: { node: string; aeronet: string };
  gitCommit: string | null;
  /** The command that runs the scenario again from scratch. */
  replay: string;
  /** The command that replays this artifact (same faults, same decisions). */
  repro: string;
  captureWarnings: string[];
  createdAt: string;
  /** The TLS key log file in the folder (AERONET_TLS_KEYLOG=1 runs with TLS only): it decrypts the captures. */
  keylog?: string;
}

/** The four files of every artifact folder, and any a layer adds. */
export interface ArtifactFiles {
  events: readonly string[];
  /** The server's log, one JSON record per line. */
  serverLog: readonly string[];
  pcap: Buffer;
  extra?: Record<string, string | Buffer>;
  /** NSS key log lines of the run's TLS sessions (key-log-artifact.ts); written as tls-keys.log when non-empty. */
  keyLog?: string | null;
}

const PACKAGE_ROOT = findPackageRoot();

/** `<root>/<scenario with / as __>-<seed>-<utc time>`; `now` only names the folder. */
export function artifactDir(root: string, scenario: string, seed: number, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return path.join(root, `${scenario.replace(/\//g, '__')}-${seed}-${stamp}`);
}

/** Create the folder and write manifest.json, events.log, server.log, capture.pcap (+ extras). */
export function writeArtifactFolder(dir: string, manifest: ManifestBase, files: ArtifactFiles): string {
  mkdirSync(dir, { recursive: true });
  const keyLog = files.keyLog ?? '';
  if (keyLog !== '') manifest = { ...manifest, keylog: KEYLOG_FILE };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (keyLog !== '') writeFileSync(path.join(dir, KEYLOG_FILE), keyLog, { mode: 0o600 });
  writeFileSync(path.join(dir, 'events.log'), files.events.join('\n') + '\n');
  writeFileSync(path.join(dir, 'server.log'), files.serverLog.join('\n') + (files.serverLog.length ? '\n' : ''));
  writeFileSync(path.join(dir, 'capture.pcap'), files.pcap);
  for (const [name, content] of Object.entries(files.extra ?? {})) writeFileSync(path.join(dir, name), content);
  return dir;
}

/** Read manifest.json and check the part every layer shares, with errors that say what is wrong. */
export function readManifestBase(dir: string): { file: string; data: ManifestBase & Record<string, unknown> } {
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
  const m = data as Partial<ManifestBase>;
  if (data === null || typeof data !== 'object' || typeof m.scenario !== 'string' || typeof m.seed !== 'number' || !Number.isInteger(m.seed)) {
    throw new Error(`${file} lacks a scenario or an integer seed`);
  }
  if (m.layer !== 'sim' && m.layer !== 'proxy' && m.layer !== 'netem') throw new Error(`${file}: layer must be "sim", "proxy" or "netem", got ${JSON.stringify(m.layer)}`);
  return { file, data: data as ManifestBase & Record<string, unknown> };
}

/** The shared manifest fields for a run of `layer`. */
export function manifestBase(layer: ArtifactLayer, scenario: string, seed: number, ok: boolean, failure: ManifestBase['failure'], dir: string, replay: string, captureWarnings: string[], now: Date): ManifestBase {
  return {
    scenario,
    layer,
    seed,
    ok,
    failure,
    versions: { node: process.version, aeronet: packageVersion() },
    gitCommit: gitCommit(),
    replay,
    repro: `npx aeronet repro ${path.relative(process.cwd(), dir) || dir}`,
    captureWarnings,
    createdAt: now.toISOString(),
  };
}

export function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

export function packageVersion(): string {
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
