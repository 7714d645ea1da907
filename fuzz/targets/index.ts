/** Every fuzz target, by the name `aeronet fuzz` takes. Loaded on demand: each pulls in its own code. */
import type { FuzzTarget } from '../fuzz-target.js';

const LOADERS: Record<string, () => Promise<{ target: FuzzTarget }>> = {
  'h1-request': () => import('./h1-request.js'),
  'chunked-body': () => import('./chunked-body.js'),
  'h2-frames': () => import('./h2-frames.js'),
  'hpack-decoder': () => import('./hpack-decoder.js'),
  'h2-connection': () => import('./h2-connection.js'),
  'toxiproxy-json': () => import('./toxiproxy-json.js'),
};

/** Targets that check the fuzzing pipeline itself: runnable by name, never part of `all`. */
const SELFTESTS: Record<string, () => Promise<{ target: FuzzTarget }>> = {
  'selftest-magic': () => import('./selftest-magic.js'),
};

export const TARGET_NAMES: readonly string[] = Object.keys(LOADERS);
export const SELFTEST_NAMES: readonly string[] = Object.keys(SELFTESTS);

export async function loadTarget(name: string): Promise<FuzzTarget> {
  const load = LOADERS[name] ?? SELFTESTS[name];
  if (load === undefined) throw new Error(`unknown fuzz target "${name}" (targets: ${TARGET_NAMES.join(', ')})`);
  return (await load()).target;
}
