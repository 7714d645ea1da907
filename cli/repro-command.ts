import { runScenario } from '../harness/runner/run-scenario.js';
import { loadRecordedRun, recordedLayer } from './recorded-run.js';
import { reproProxy } from './proxy-repro.js';
import { reproNetem } from './netem-repro.js';
import { UsageError } from './usage-error.js';

/**
 * `aeronet repro <artifact dir>`: re-run a recorded failure from its manifest. Exit 1 when it
 * fails again as recorded, 0 when it now passes; a different failure also exits 1, and says so.
 */
export async function reproCommand(argv: string[]): Promise<number> {
  // --times N: how often a netem artifact's run is re-created (kernel runs give a rate, not a verdict).
  const args = [...argv];
  let times: number | null = null;
  const at = args.indexOf('--times');
  if (at >= 0) {
    const raw = args[at + 1];
    if (raw === undefined || !/^[1-9][0-9]{0,3}$/.test(raw)) throw new UsageError(`--times must be an integer from 1 to 9999, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
    times = Number(raw);
    args.splice(at, 2);
  }
  const layer = recordedLayer('repro', args);
  if (times !== null && layer !== 'netem') throw new UsageError(`--times applies to netem artifacts; ${args[0]} is a ${layer}-layer artifact (its runs repeat exactly)`);
  if (layer === 'netem') return reproNetem(args[0]!, times ?? 10);
  if (layer === 'proxy') return reproProxy(args[0]!);
  const { manifest, scenario } = loadRecordedRun('repro', args);
  const result = await runScenario(scenario, manifest.seed, manifest.overrides ?? {});
  const sameTrace = result.traceHash === manifest.traceHash;
  if (result.ok) {
    process.stdout.write(`PASS ${manifest.scenario} seed ${manifest.seed}: the recorded failure no longer happens${sameTrace ? '' : ' (the event trace differs from the recording)'}\n`);
    return 0;
  }
  const recorded = manifest.failure;
  const same = recorded !== null && recorded.kind === result.failure!.kind && recorded.message === result.failure!.message;
  process.stdout.write(`${same ? 'FAILS AGAIN as recorded' : 'FAILS DIFFERENTLY'}: ${manifest.scenario} seed ${manifest.seed}: ${result.failure!.kind}: ${result.failure!.message.split('\n')[0]}\n`);
  if (!same && recorded !== null) process.stdout.write(`  recorded: ${recorded.kind}: ${recorded.message.split('\n')[0]}\n`);
  process.stdout.write(`  trace: ${sameTrace ? 'identical to the recording' : 'differs from the recording'} (${result.traceHash.slice(0, 16)})\n`);
  return 1;
}
