import path from 'node:path';
import { ALL_SCENARIOS, findScenario, isSelftest } from '../../scenarios/index.js';
import { runSimLayer } from '../../harness/runner/run-layer.js';
import { UsageError } from './usage-error.js';
import { parseFlags } from './parse-flags.js';

/** Default seeds per scenario for the PR gate. */
export const DEFAULT_SEEDS = 50;

/** `aeronet run --layer sim [--list] [--scenario NAME] [--seed N | --seeds N] [--trace-hash]` */
export async function runCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    layer: { type: 'string', default: 'sim' },
    list: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    seed: { type: 'string' },
    seeds: { type: 'string' },
    'trace-hash': { type: 'boolean', default: false },
    artifacts: { type: 'string', default: 'artifacts' },
  });
  if (values.layer !== 'sim') {
    throw new UsageError(`--layer ${values.layer} is not available yet: only the sim layer exists (proxy and netem are planned)`);
  }
  if (values.list) {
    for (const s of ALL_SCENARIOS) process.stdout.write(`${s.name}\n`);
    return 0;
  }
  let scenarios = ALL_SCENARIOS.filter((s) => !isSelftest(s));
  if (values.scenario !== undefined) {
    const found = findScenario(values.scenario);
    if (found === undefined) throw new UsageError(`unknown scenario "${values.scenario}" (see --list)`);
    scenarios = [found];
  }
  if (values.seed !== undefined && values.seeds !== undefined) throw new UsageError('give --seed or --seeds, not both');
  const seeds = values.seed !== undefined ? [positiveInt(values.seed, '--seed', true)] : range(positiveInt(values.seeds ?? String(DEFAULT_SEEDS), '--seeds', false));

  const started = process.hrtime.bigint();
  const summary = await runSimLayer({
    scenarios,
    seeds,
    artifactsDir: path.resolve(values.artifacts),
    onResult(result, dir) {
      if (result.ok) return;
      process.stdout.write(`FAIL ${result.scenario} seed ${result.seed}: ${result.failure!.kind}: ${firstLine(result.failure!.message)}\n`);
      process.stdout.write(`  replay:   npx aeronet run --layer sim --scenario ${result.scenario} --seed ${result.seed}\n`);
      process.stdout.write(`  artifact: ${path.relative(process.cwd(), dir!) || dir}\n`);
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`sim layer: ${scenarios.length} scenario(s) x ${seeds.length} seed(s) = ${summary.runs} runs, ${summary.failed.length} failed, in ${seconds.toFixed(1)} s\n`);
  if (values['trace-hash']) process.stdout.write(`${summary.traceHash}\n`);
  return summary.failed.length > 0 ? 1 : 0;
}

function positiveInt(raw: string, flag: string, allowZero: boolean): number {
  if (!/^[0-9]{1,9}$/.test(raw) || (!allowZero && Number(raw) === 0)) throw new UsageError(`${flag} must be ${allowZero ? 'a non-negative' : 'a positive'} integer, got "${raw}"`);
  return Number(raw);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}
