import { spawn, spawnSync } from 'node:child_process';
import { track } from './children.js';

/** What one h2load run reported. */
export interface H2loadResult {
  requestsPerSec: number;
  /** Octets h2load received and sent on the connections (frames, headers, bodies) per second. */
  bytesPerSec: number;
  durationSec: number;
  trafficBytes: number;
  total: number;
  succeeded: number;
  failed: number;
  errored: number;
  timeout: number;
  status2xx: number;
  statusOther: number;
}

/** Path of h2load, or null when it is not installed (Debian: nghttp2-client). */
export function findH2load(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v h2load'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

/** Parse h2load's summary ("finished in ..., N req/s", "requests: ...", "status codes: ..."). */
export function parseH2load(output: string): H2loadResult | null {
  const rate = /finished in ([\d.]+)(m?s), ([\d.]+) req\/s/.exec(output);
  // "traffic: 10.28MB (10778614) total": the exact octet count is in the parentheses.
  const traffic = /traffic: [\d.]+[KMG]?B \((\d+)\) total/.exec(output);
  const req = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(output);
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  if (rate === null || req === null || codes === null || traffic === null) return null;
  const durationSec = Number(rate[1]) / (rate[2] === 'ms' ? 1000 : 1);
  const trafficBytes = Number(traffic[1]);
  return {
    requestsPerSec: Number(rate[3]),
    bytesPerSec: durationSec > 0 ? trafficBytes / durationSec : 0,
    durationSec,
    trafficBytes,
    total: Number(req[1]),
    succeeded: Number(req[2]),
    failed: Number(req[3]),
    errored: Number(req[4]),
    timeout: Number(req[5]),
    status2xx: Number(codes[1]),
    statusOther: Number(codes[2]) + Number(codes[3]) + Number(codes[4]),
  };
}

/** Why a run's figure would measure failures rather than the server; empty when clean. */
export function h2loadProblems(r: H2loadResult): string[] {
  const problems: string[] = [];
  if (r.failed > 0) problems.push(`${r.failed} requests failed`);
  if (r.errored > 0) problems.push(`${r.errored} requests errored`);
  if (r.timeout > 0) problems.push(`${r.timeout} requests timed out`);
  if (r.statusOther > 0) problems.push(`${r.statusOther} responses were not 2xx`);
  if (r.succeeded === 0) problems.push('no request succeeded');
  return problems;
}

export function runH2load(h2load: string, url: string, args: string[]): Promise<{ result: H2loadResult | null; raw: string; args: string[] }> {
  const all = [...args, url];
  return new Promise((resolve, reject) => {
    const child = spawn(h2load, all, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child, { group: false });
    let raw = '';
    child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
    child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve({ result: parseH2load(raw), raw, args: all }));
  });
}
