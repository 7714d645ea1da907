import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { NETEM_SCENARIOS, findNetemScenario } from '../scenarios/netem/index.js';
import { runJob, runNetemLayer, type NetemJob } from '../harness/netem/run-netem-layer.js';
import { runClientSide, writeClientReport } from '../harness/netem/client-side.js';
import { linkFor } from '../harness/netem/run-netem-scenario.js';
import { topology } from '../netns/topology.js';
import { describePreflight, preflight, type Backend } from '../netns/preflight.js';
import { artifactName } from '../harness/netem/netem-artifact.js';
import type { NetemScenario } from '../harness/netem/netem-scenario.js';
import { parseFlags } from './parse-flags.js';
import { printVerdict, summaryLine } from './layer-report.js';
import { UsageError } from './usage-error.js';

/** `run --layer netem`: preflight, then every scenario x seed on the backend it picked. */
export async function netemLayerCommand(values: { list: boolean; scenario?: string | undefined; artifacts: string; backend?: string | undefined; smoke?: boolean }, seeds: number[]): Promise<number> {
  if (values.list) {
    for (const s of NETEM_SCENARIOS) process.stdout.write(`${s.name}${s.smoke ? ' (smoke)' : ''}\n`);
    return 0;
  }
  const requested = values.backend ?? 'auto';
  if (requested !== 'host' && requested !== 'uml' && requested !== 'auto') throw new UsageError(`--backend must be host, uml or auto, got "${requested}"`);
  let scenarios: readonly NetemScenario[] = values.smoke ? NETEM_SCENARIOS.filter((s) => s.smoke) : NETEM_SCENARIOS;
  if (values.scenario !== undefined) {
    const found = findNetemScenario(values.scenario);
    if (found === undefined) throw new UsageError(`unknown netem scenario "${values.scenario}" (see --layer netem --list)`);
    scenarios = [found];
  }
  const pf = await preflight(requested);
  for (const line of describePreflight(pf)) process.stdout.write(`preflight: ${line}\n`);
  if (pf.backend === null) {
    process.stdout.write(`netem layer: cannot run here: ${pf.missing.join('; ')}\n`);
    return 1;
  }
  const started = process.hrtime.bigint();
  const artifactsDir = path.resolve(values.artifacts);
  const workDir = path.join(artifactsDir, `.netem-work-${process.pid}`);
  let summary;
  try {
    summary = await runNetemLayer({
      scenarios,
      seeds,
      backend: pf.backend,
      workDir,
      artifactsDir,
      onResult: (result, dir) => printVerdict(result, `npx aeronet run --layer netem --backend ${pf.backend} --scenario ${result.scenario} --seed ${result.seed}`, dir, true),
    }, findNetemScenario);
  } finally {
    // AERONET_NETEM_KEEP=1 keeps every run's results and captures (passing ones too) for a look.
    if (process.env['AERONET_NETEM_KEEP'] === '1') process.stdout.write(`kept: ${artifactName(workDir)}\n`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const boot = summary.umlMs !== null ? `, ${(summary.umlMs / 1000).toFixed(1)} s in User-Mode Linux ${pf.uml.kernel} (boot included)` : '';
  process.stdout.write(summaryLine(`netem layer (backend ${pf.backend})`, scenarios.length, seeds.length, summary.runs, summary.failed.length, seconds, boot));
  return summary.failed.length > 0 ? 1 : 0;
}

/** `aeronet netem-inside --job FILE` (internal): run a job in this kernel, as the UML guest does. */
export async function netemInsideCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, { job: { type: 'string' } });
  if (values.job === undefined || !existsSync(values.job)) throw new UsageError(`netem-inside needs --job <file> (written by run --layer netem), got ${values.job ?? 'none'}`);
  const job = JSON.parse(readFileSync(values.job, 'utf8')) as NetemJob;
  for (const item of job.items) mkdirSync(item.dir, { recursive: true });
  await runJob(job, findNetemScenario, (line) => process.stdout.write(`${line}\n`));
  return 0;
}

/** `aeronet netem-client ...` (internal): a scenario's client half, run inside the client namespace. */
export async function netemClientCommand(args: string[]): Promise<number> {
  const v = parseFlags(args, {
    scenario: { type: 'string' }, seed: { type: 'string' }, 'run-id': { type: 'string' }, port: { type: 'string' },
    'debug-url': { type: 'string' }, started: { type: 'string' }, report: { type: 'string' }, 'follow-up': { type: 'boolean', default: false },
  });
  const scenario = v.scenario !== undefined ? findNetemScenario(v.scenario) : undefined;
  if (scenario === undefined || v.seed === undefined || v['run-id'] === undefined || v.port === undefined || v['debug-url'] === undefined || v.report === undefined) {
    throw new UsageError('netem-client is internal: run --layer netem starts it');
  }
  const seed = Number(v.seed);
  const report = await runClientSide(scenario, seed, topology(v['run-id']), Number(v.port), linkFor(scenario, seed), v['debug-url'], v['follow-up'], Number(v.started ?? Date.now()));
  writeClientReport(v.report, report);
  return 0;
}

export type { Backend };
