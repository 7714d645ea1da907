import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { findNetemScenario } from '../scenarios/netem/index.js';
import { runJob, type NetemJob } from '../harness/netem/run-netem-layer.js';
import { runClientSide, writeClientReport } from '../harness/netem/client-side.js';
import { linkFor } from '../harness/netem/run-netem-scenario.js';
import { topology } from '../netns/topology.js';
import type { Backend } from '../netns/preflight.js';
import { parseFlags } from './parse-flags.js';
import { UsageError } from './usage-error.js';

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
