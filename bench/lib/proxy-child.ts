/**
 * The proxy under test in bench:proxy, as its own process (its own event loop, as in a real
 * deployment): one data-plane runtime (harness/proxy/runtime createProxyRuntime) with no toxics,
 * relaying to --upstream. Once listening it prints its bound address on stdout, as a URL so
 * server-process.ts startServer() can pick it up:
 *
 *   proxy bench listening on http://127.0.0.1:39989 (127.0.0.1:39989 -> 127.0.0.1:41234)
 *
 * SIGTERM/SIGINT stop the runtime and exit 0 (so `node --cpu-prof` writes its profile).
 *
 *   node dist/bench/lib/proxy-child.js --upstream 127.0.0.1:41234 [--listen 127.0.0.1:0] [--seed bench]
 */
import { parseArgs } from 'node:util';
import { createProxyRuntime } from '../../harness/proxy/runtime/index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:0' },
      seed: { type: 'string', default: 'bench' },
    },
    strict: true,
  });
  if (values.upstream === undefined) throw new Error('usage: proxy-child.js --upstream HOST:PORT [--listen HOST:PORT] [--seed S]');
  const runtime = createProxyRuntime('bench', values.upstream, { seed: values.seed, onDecision: () => {} });
  const bound = await runtime.start(values.listen);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void runtime.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`proxy bench listening on http://${bound} (${bound} -> ${values.upstream})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`proxy-child: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
