import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Backend } from '../../netns/preflight.js';
import { runInUml } from '../../netns/uml.js';
import { aeronetCli } from '../proxy/layer/serve-process.js';
import { writeNetemArtifact } from './netem-artifact.js';
import type { NetemScenario } from './netem-scenario.js';
import { runNetemScenario, type NetemRunResult } from './run-netem-scenario.js';
import { KEYLOG_ENV, keyLogRequested } from '../artifacts/key-log-artifact.js';

/** One scenario x seed of a job, and the folder its result and captures go to. */
export interface NetemJobItem {
  scenario: string;
  seed: number;
  runId: string;
  dir: string;
}

export interface NetemJob {
  backend: Backend;
  items: NetemJobItem[];
}

export interface NetemLayerOptions {
  scenarios: readonly NetemScenario[];
  seeds: readonly number[];
  backend: Backend;
  /** Scratch space for results and captures (kept for failures as artifacts, else removed by the caller). */
  workDir: string;
  artifactsDir: string;
  /** The guest's time limit under UML (all runs together). */
  umlTimeoutMs?: number;
  onResult?: (result: NetemRunResult, artifactDir: string | null) => void;
  onConsole?: (chunk: string) => void;
}

export interface NetemLayerSummary {
  runs: number;
  failed: NetemRunResult[];
  /** Wall time of the User-Mode Linux guest (boot included), or null on the host backend. */
  umlMs: number | null;
}

export function jobFor(scenarios: readonly NetemScenario[], seeds: readonly number[], backend: Backend, workDir: string): NetemJob {
  const items: NetemJobItem[] = [];
  for (const s of scenarios) for (const seed of seeds) {
    const i = items.length;
    items.push({ scenario: s.name, seed, runId: `r${i}x${process.pid % 10000}`, dir: path.join(workDir, String(i)) });
  }
  return { backend, items };
}

/** Run a job's items one after another in this kernel (the host's, or inside the UML guest). */
export async function runJob(job: NetemJob, find: (name: string) => NetemScenario | undefined, log: (line: string) => void): Promise<void> {
  for (const item of job.items) {
    const scenario = find(item.scenario);
    if (scenario === undefined) throw new Error(`unknown netem scenario ${item.scenario}`);
    const result = await runNetemScenario(scenario, item.seed, item.runId, item.dir, job.backend);
    writeFileSync(path.join(item.dir, 'result.json'), JSON.stringify(result) + '\n');
    log(`${result.ok ? 'ok  ' : 'FAIL'} ${item.scenario} seed ${item.seed} (${(result.durationMs / 1000).toFixed(1)} s)`);
  }
}

/**
 * The netem layer: every scenario x seed on the chosen backend. On the host backend the runs
 * happen here; on User-Mode Linux one guest boots and runs the whole job (`aeronet netem-inside`),
 * writing each result and its captures to the work folder, which the host then reads. Failures
 * become artifact folders.
 */
export async function runNetemLayer(options: NetemLayerOptions, find: (name: string) => NetemScenario | undefined): Promise<NetemLayerSummary> {
  mkdirSync(options.workDir, { recursive: true });
  const job = jobFor(options.scenarios, options.seeds, options.backend, options.workDir);
  let umlMs: number | null = null;
  let guestProblem: string | null = null;
  if (options.backend === 'host') {
    await runJob(job, find, () => {});
  } else {
    const jobFile = path.join(options.workDir, 'job.json');
    writeFileSync(jobFile, JSON.stringify(job, null, 2) + '\n');
    const script = path.join(options.workDir, 'guest.sh');
    // The guest starts with init.sh's environment only: pass the key log request in (key-log-artifact.ts).
    const env = keyLogRequested() ? `${KEYLOG_ENV}=1 ` : '';
    writeFileSync(script, `cd ${JSON.stringify(process.cwd())} && ${env}exec ${JSON.stringify(process.execPath)} ${JSON.stringify(aeronetCli())} netem-inside --job ${JSON.stringify(jobFile)}\n`);
    const run = await runInUml(script, { timeoutMs: options.umlTimeoutMs ?? 20 * 60_000, ...(options.onConsole ? { onConsole: options.onConsole } : {}) });
    umlMs = run.ms;
    if (run.exitCode !== 0) guestProblem = `the User-Mode Linux guest ended with status ${run.exitCode}${run.exitCode === 124 ? ' (time limit)' : ''}; its console ended with: ${run.console.trim().split('\n').slice(-15).join(' | ')}`;
  }
  const failed: NetemRunResult[] = [];
  for (const item of job.items) {
    const file = path.join(item.dir, 'result.json');
    let result: NetemRunResult;
    if (existsSync(file)) result = JSON.parse(readFileSync(file, 'utf8')) as NetemRunResult;
    else result = missingResult(item, options.backend, guestProblem ?? 'the run wrote no result');
    let dir: string | null = null;
    if (!result.ok) {
      failed.push(result);
      dir = writeNetemArtifact(result, options.artifactsDir);
    }
    options.onResult?.(result, dir);
  }
  return { runs: job.items.length, failed, umlMs };
}

function missingResult(item: NetemJobItem, backend: Backend, why: string): NetemRunResult {
  return {
    layer: 'netem', scenario: item.scenario, seed: item.seed, ok: false, failure: { kind: 'error', message: why }, durationMs: 0, backend, kernel: '', link: {}, commands: [], notes: [],
    serverLog: [], serverCommand: [], tls: false, registry: { baseline: null, final: null }, captures: { client: null, server: null, note: why },
  };
}
