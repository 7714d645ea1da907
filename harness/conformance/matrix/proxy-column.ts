import { existsSync } from 'node:fs';
import type { Proxy } from 'toxiproxy-node-client';
import type { MatrixCell, MatrixColumn } from '../../report/report-model.js';
import { openProxyTarget, type ProxyTarget } from '../../proxy/layer/proxy-target.js';
import { aeronetCli, startServeProcess, type ServeProcess } from '../../proxy/layer/serve-process.js';
import { clip, skippedClean, type CleanCase, type ColumnResult, type ReproFor } from './build-matrix.js';
import { PROXY_INAPPLICABLE, type ProxyToxicProfile } from './proxy-toxics.js';
import type { MatrixCaseOptions, MatrixSuite, MeasuredResult } from './suites.js';

/*
 * The proxy columns: the suite against a real `aeronet serve` process (the demo routes,
 * compression off, as the in-process clean pass), through the fault proxy (ours, in this process
 * and seeded, or the Toxiproxy at $TOXIPROXY_URL: proxy-target.ts), configured through
 * toxiproxy-node-client like the proxy layer's scenarios. One server per column, and one proxy
 * per case, named after it: our proxy seeds each proxy's draws by its name and connection number,
 * so a case meets the same jitter and slice sizes alone (the repro) as in the whole column.
 */

export interface ProxyColumnsOptions {
  toxics: readonly ProxyToxicProfile[];
  /** The proxy's seed (default 1). */
  seed?: number;
  caseOptions: MatrixCaseOptions;
  onProgress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export const proxyColumnId = (toxic: string): string => `proxy:${toxic}`;

/** The proxy's name for a case: Toxiproxy names go into URLs, so only [A-Za-z0-9._-]. */
export function caseProxyName(suite: string, id: string, external: boolean): string {
  const base = `matrix-${suite}-${id.replace(/[^A-Za-z0-9.-]/g, '_')}`;
  // A shared Toxiproxy may hold other runs' proxies: make ours unique there.
  return external ? `aeronet-${process.pid}-${base}` : base;
}

/** Why the proxy columns cannot run here, or null when they can. */
export function proxyUnavailable(): string | null {
  const cli = aeronetCli();
  return existsSync(cli) ? null : `no built CLI at ${cli} to run \`aeronet serve\` from (npm run build)`;
}

/** Each toxic profile on its column, the toxic columns' baseline being proxy:none (when it runs). */
export async function runProxyColumns(suite: MatrixSuite, clean: readonly (CleanCase & Partial<Pick<MeasuredResult, 'traffic'>>)[], repro: ReproFor, options: ProxyColumnsOptions): Promise<{ columns: ColumnResult[]; baselines: Record<string, string> }> {
  const seed = options.seed ?? 1;
  const columns: ColumnResult[] = [];
  const unavailable = proxyUnavailable();
  for (const toxic of options.toxics) {
    const column: MatrixColumn = { id: proxyColumnId(toxic.name), layer: 'proxy', label: `px:${toxic.name}`, detail: toxic.summary, seeds: [seed], skipReason: unavailable };
    if (unavailable !== null) {
      columns.push({ column, cells: new Map() });
      continue;
    }
    const started = performance.now();
    const result = await runProxyColumn(suite, clean, toxic, seed, repro, options);
    columns.push({ column: { ...column, detail: `${toxic.summary}; ${result.where}`, skipReason: result.skipReason }, cells: result.cells });
    const cells = [...result.cells.values()];
    options.onProgress?.(result.skipReason !== null
      ? `${column.id}: skipped: ${result.skipReason}`
      : `${column.id}: ${cells.filter((c) => c.verdict !== 'skipped').length} cases, ${cells.filter((c) => c.verdict === 'failed').length} failed, ${cells.filter((c) => c.verdict === 'skipped').length} skipped, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const baselines: Record<string, string> = {};
  if (options.toxics.some((t) => t.name === 'none')) for (const t of options.toxics) if (t.name !== 'none') baselines[proxyColumnId(t.name)] = proxyColumnId('none');
  return { columns, baselines };
}

/** Why this case does not run through this toxic, or null. */
export function proxySkip(suite: MatrixSuite, c: CleanCase & Partial<Pick<MeasuredResult, 'traffic'>>, toxic: ProxyToxicProfile): MatrixCell | null {
  if (c.result === 'skipped') return skippedClean(c);
  const why = PROXY_INAPPLICABLE[suite.name][c.id];
  if (why !== undefined) return { verdict: 'skipped', detail: why };
  if (toxic.limit !== undefined) {
    // Without a measure (the clean pass threw) the case counts as large, as runUnderFaults counts it.
    const moved = c.traffic === undefined ? Infinity : Math.max(c.traffic.clientToServer, c.traffic.serverToClient);
    if (moved > toxic.limit.bytes) return { verdict: 'skipped', detail: toxic.limit.why };
  }
  return null;
}

async function runProxyColumn(suite: MatrixSuite, clean: readonly (CleanCase & Partial<Pick<MeasuredResult, 'traffic'>>)[], toxic: ProxyToxicProfile, seed: number, repro: ReproFor, options: ProxyColumnsOptions): Promise<{ cells: Map<string, MatrixCell>; where: string; skipReason: string | null }> {
  const cells = new Map<string, MatrixCell>();
  const columnId = proxyColumnId(toxic.name);
  let server: ServeProcess | null = null;
  let target: ProxyTarget | null = null;
  try {
    try {
      server = await startServeProcess({ tls: false, args: ['--no-compression', '--log-level', 'warn'] });
      target = await openProxyTarget(String(seed), options.env);
    } catch (err) {
      return { cells, where: '', skipReason: `could not start: ${(err as Error).message}` };
    }
    const where = target.kind === 'aeronet' ? `aeronet's fault proxy, seed ${seed}` : `the Toxiproxy at ${target.url} (its draws are not seeded)`;
    for (const c of clean) {
      const skip = proxySkip(suite, c, toxic);
      if (skip !== null) {
        cells.set(c.id, skip);
        continue;
      }
      const crashed = server.crashed();
      if (crashed !== null) {
        cells.set(c.id, { verdict: 'failed', seed, detail: `aeronet serve had died (${crashed}) before this case`, repro: repro(c.id, columnId, seed) });
        continue;
      }
      const r = await throughProxy(suite, target, server.port, c.id, toxic, options.caseOptions);
      cells.set(c.id, r.result === 'failed'
        ? { verdict: 'failed', seed, detail: clip(r.actual), repro: repro(c.id, columnId, seed) }
        : { verdict: r.result, ...(r.result === 'skipped' ? { detail: clip(r.actual) } : {}) });
    }
    return { cells, where, skipReason: null };
  } finally {
    await target?.close();
    await server?.stop();
  }
}

/** One case through a proxy of its own with the column's toxics; the proxy is removed afterwards. */
async function throughProxy(suite: MatrixSuite, target: ProxyTarget, serverPort: number, id: string, toxic: ProxyToxicProfile, caseOptions: MatrixCaseOptions): Promise<{ result: 'passed' | 'failed' | 'skipped'; actual: string }> {
  let proxy: Proxy | null = null;
  try {
    proxy = await target.toxiproxy.createProxy({ name: caseProxyName(suite.name, id, target.kind !== 'aeronet'), listen: '127.0.0.1:0', upstream: `127.0.0.1:${serverPort}` });
    for (const spec of toxic.toxics) await proxy.addToxic({ ...spec } as Parameters<Proxy['addToxic']>[0]);
    const port = Number(proxy.listen.split(':').pop());
    return await suite.socketCase('127.0.0.1', port, id, caseOptions);
  } catch (err) {
    return { result: 'failed', actual: `the proxy run did not finish: ${(err as Error).message}` };
  } finally {
    await proxy?.remove().catch(() => {});
  }
}
