/**
 * One HTTP/1.1 comparison for bench:check: `aeronet serve` and the node:http baseline
 * (node-http-hello.ts) on GET /hello with wrk, answers checked, warmed up, alternating rounds,
 * the ratio of medians. bench:h1 is the full version of this with latencies and flags.
 */
import { join } from 'node:path';
import { BenchError, wrkInvalidBanner } from './bench-support.js';
import { compareSample, httpGet } from './http-check.js';
import { startServer, type ServerCommand } from './server-process.js';
import { median } from './stats.js';
import { runWrk } from './wrk.js';
import { wrkProblems } from './wrk-output.js';

const EXPECTED = { status: 200, body: 'hello, world\n', contentType: 'text/plain; charset=utf-8' };

export interface H1Pair {
  aeronet: number;
  'node:http': number;
  ratio: number;
  rounds: Array<{ round: number; server: string; requestsPerSec: number }>;
}

export async function measureH1Pair(root: string, wrkPath: string, opts: { connections: number; seconds: number; warmup: number; rounds: number }): Promise<H1Pair> {
  const node = process.execPath;
  const cmds: ServerCommand[] = [
    { name: 'aeronet', command: node, args: [join(root, 'dist/cli/aeronet.js'), 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0'], cwd: root },
    { name: 'node:http', command: node, args: [join(root, 'dist/bench/node-http-hello.js'), '--host', '127.0.0.1', '--port', '0'], cwd: root },
  ];
  const servers = [];
  try {
    for (const cmd of cmds) {
      const s = await startServer(cmd);
      servers.push(s);
      const diffs = compareSample(await httpGet(s.url + '/hello'), EXPECTED);
      if (diffs.length > 0) throw new BenchError(`${cmd.name}: GET /hello is not the expected route: ${diffs.join('; ')}`);
    }
    const run = async (url: string, name: string, seconds: number, what: string): Promise<number> => {
      const r = await runWrk({ url, threads: 1, connections: opts.connections, duration: `${seconds}s`, latency: false, wrkPath });
      const problems = wrkProblems(r.result);
      if (problems.length > 0) throw new BenchError(wrkInvalidBanner(`${name} (${what})`, problems, r.raw));
      return r.result.requestsPerSec;
    };
    for (const s of servers) await run(s.url + '/hello', s.name, opts.warmup, 'warm-up');
    const rounds: H1Pair['rounds'] = [];
    for (let round = 1; round <= opts.rounds; round++) {
      for (const s of round % 2 === 1 ? servers : [...servers].reverse()) rounds.push({ round, server: s.name, requestsPerSec: await run(s.url + '/hello', s.name, opts.seconds, `round ${round}`) });
    }
    const a = median(rounds.filter((r) => r.server === 'aeronet').map((r) => r.requestsPerSec));
    const b = median(rounds.filter((r) => r.server === 'node:http').map((r) => r.requestsPerSec));
    return { aeronet: a, 'node:http': b, ratio: a / b, rounds };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}
