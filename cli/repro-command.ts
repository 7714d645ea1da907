import { runScenario } from '../harness/runner/run-scenario.js';
import { loadRecordedRun, recordedLayer } from './recorded-run.js';
import { reproProxy } from './proxy-repro.js';

/**
 * `aeronet repro <artifact dir>`: re-run a recorded failure from its manifest. Exit 1 when it
 * fails again as recorded, 0 when it now passes; a different failure also exits 1, and says so.
 */
export async function reproCommand(args: string[]): Promise<number> {
  if (recordedLayer('repro', args) === 'proxy') return reproProxy(args[0]!);
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
