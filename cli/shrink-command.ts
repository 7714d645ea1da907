import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeArtifact } from '../harness/artifacts/write-artifact.js';
import { replayTestFile } from '../harness/artifacts/replay-test-file.js';
import { shrink } from '../harness/runner/shrink.js';
import { loadRecordedRun, recordedLayer } from './recorded-run.js';
import { UsageError } from './usage-error.js';
import { shrinkProxy } from './proxy-repro.js';

/**
 * `aeronet shrink <artifact dir>`: reduce the recorded failure's fault schedule to a minimal one
 * that still fails, write it as a new artifact with a standalone replay test. Exit 0 when a
 * shrunk artifact was written, 1 when the failure does not happen any more.
 */
export async function shrinkCommand(args: string[]): Promise<number> {
  const layer = recordedLayer('shrink', args);
  if (layer === 'proxy') return shrinkProxy(args[0]!);
  if (layer === 'netem') throw new UsageError('shrink does not apply to netem artifacts: kernel-level runs are not repeatable, so no smaller link can be shown to fail the same way; use `aeronet repro <dir> --times N` for a reproduction rate');
  const { manifest, scenario, dir: recordedDir } = loadRecordedRun('shrink', args);
  const outcome = await shrink(scenario, manifest.seed, manifest.overrides ?? {});
  if (outcome === null) {
    process.stdout.write(`${manifest.scenario} seed ${manifest.seed} passes now: nothing to shrink\n`);
    return 1;
  }
  const root = path.dirname(path.resolve(recordedDir));
  const dir = writeArtifact(outcome.result, root);
  const repoRoot = process.cwd();
  writeFileSync(path.join(dir, 'replay.test.ts'), replayTestFile(dir, repoRoot, manifest.scenario, manifest.seed, outcome.overrides, outcome.result.failure!.message));
  process.stdout.write(`shrunk ${manifest.scenario} seed ${manifest.seed} in ${outcome.attempts} runs; ${outcome.steps.length} simplification(s):\n`);
  for (const step of outcome.steps) process.stdout.write(`  ${step}\n`);
  process.stdout.write(`still fails: ${outcome.result.failure!.kind}: ${outcome.result.failure!.message.split('\n')[0]}\n`);
  process.stdout.write(`artifact:    ${path.relative(process.cwd(), dir)}\n`);
  process.stdout.write(`replay test: npx vitest run -c vitest.replay.config.ts ${path.relative(process.cwd(), path.join(dir, 'replay.test.ts'))}\n`);
  return 0;
}
