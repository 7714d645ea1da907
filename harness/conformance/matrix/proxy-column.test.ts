import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { conformanceCommand } from '../../../cli/conformance-command.js';
import { openProxyTarget } from '../../proxy/layer/proxy-target.js';
import { startServeProcess } from '../../proxy/layer/serve-process.js';
import type { ConformanceMatrix } from '../../report/report-model.js';
import { caseProxyName, proxySkip } from './proxy-column.js';
import { PROXY_INAPPLICABLE, PROXY_TOXICS, proxyToxic } from './proxy-toxics.js';
import { runConformanceMatrix } from './run-matrix.js';
import { H1_MATRIX_SUITE, H2_MATRIX_SUITE } from './suites.js';

/**
 * The proxy columns against real `aeronet serve` processes (the CLI built for this test run,
 * vitest.global-setup.ts) through aeronet's fault proxy.
 */
process.env['AERONET_CLI'] = inject('aeronetCli');
// A real Toxiproxy would make these runs unseeded and slower: these tests are about ours.
delete process.env['TOXIPROXY_URL'];

const none = [proxyToxic('none')!];
const verdicts = (m: ConformanceMatrix, column: string, v: string) => m.rows.filter((r) => r.cells[column]?.verdict === v).map((r) => r.id);

describe('the proxy columns', () => {
  it('h1 through the proxy with no toxic: every case passes but the ones the proxy cannot carry, skipped with why', async () => {
    const m = await runConformanceMatrix('h1', { layers: ['proxy'], profiles: [], seeds: [], toxics: none });
    expect(m.columns.map((c) => c.id)).toEqual(['clean', 'proxy:none']);
    expect(m.columns[1]).toMatchObject({ layer: 'proxy', seeds: [1], skipReason: null });
    expect(m.columns[1]!.detail).toContain('aeronet\'s fault proxy, seed 1');
    expect(verdicts(m, 'proxy:none', 'failed')).toEqual([]);
    expect(verdicts(m, 'proxy:none', 'skipped')).toEqual(Object.keys(PROXY_INAPPLICABLE.h1));
    expect(verdicts(m, 'proxy:none', 'passed').length).toBe(m.rows.length - Object.keys(PROXY_INAPPLICABLE.h1).length);
    expect(m.rows.find((r) => r.id === 'h1/pipelining/3')!.cells['proxy:none']!.detail).toMatch(/relays no half-close/);
  }, 60_000);

  it('each case the list skips passes on the server directly, and the half-close one fails through the proxy: the list is not a hiding place', async () => {
    const server = await startServeProcess({ tls: false, args: ['--no-compression', '--log-level', 'warn'] });
    const target = await openProxyTarget('1');
    try {
      for (const id of Object.keys(PROXY_INAPPLICABLE.h1)) {
        const proxy = await target.toxiproxy.createProxy({ name: caseProxyName('h1', id, false), listen: '127.0.0.1:0', upstream: `127.0.0.1:${server.port}` });
        const through = await H1_MATRIX_SUITE.socketCase('127.0.0.1', Number(proxy.listen.split(':').pop()), id, {});
        await proxy.remove();
        expect(through.result, `${id} through the proxy: ${through.actual}`).toBe('failed');
        expect((await H1_MATRIX_SUITE.socketCase('127.0.0.1', server.port, id, {})).result, `${id} direct`).toBe('passed');
      }
      // The h2 floods fail through the proxy only now and then (a reset relayed as a FIN): directly they pass.
      for (const id of Object.keys(PROXY_INAPPLICABLE.h2)) {
        const direct = await H2_MATRIX_SUITE.socketCase('127.0.0.1', server.port, id, {});
        expect(direct.result, `${id} direct: ${direct.actual}`).toBe('passed');
      }
    } finally {
      await target.close();
      await server.stop();
    }
  }, 60_000);

  it('h2 through the proxy with no toxic: every case passes', async () => {
    const m = await runConformanceMatrix('h2', { layers: ['proxy'], profiles: [], seeds: [], toxics: none });
    expect(verdicts(m, 'proxy:none', 'failed')).toEqual([]);
    for (const id of Object.keys(PROXY_INAPPLICABLE.h2)) expect(m.rows.find((r) => r.id === id)!.cells['proxy:none']).toEqual({ verdict: 'skipped', detail: PROXY_INAPPLICABLE.h2[id] });
    // Over sockets a case that would wait for a server timeout in real time may skip itself (it says why).
    const skipped = m.rows.filter((r) => r.cells['clean']!.verdict === 'passed' && r.cells['proxy:none']!.verdict === 'skipped' && PROXY_INAPPLICABLE.h2[r.id] === undefined);
    expect(skipped.length).toBeLessThanOrEqual(2);
    for (const r of skipped) expect(r.cells['proxy:none']!.detail, r.id).toMatch(/\S/);
  }, 60_000);

  it('a few cases through every toxic: all pass, the slicer leaves the floods out with why, and toxic columns have proxy:none as baseline', async () => {
    const progress: string[] = [];
    const m = await runConformanceMatrix('h2', { layers: ['proxy'], profiles: [], seeds: [], filter: ['http2/6.5/1', 'http2/8.1/1', 'abuse/rapid-reset/1'], onProgress: (l) => progress.push(l) });
    expect(m.columns.map((c) => c.id)).toEqual(['clean', ...PROXY_TOXICS.map((t) => `proxy:${t.name}`)]);
    for (const r of m.rows) expect(Object.entries(r.cells).filter(([, c]) => c.verdict === 'failed'), r.id).toEqual([]);
    const flood = m.rows.find((r) => r.id === 'abuse/rapid-reset/1')!;
    expect(flood.cells['proxy:slicer']).toEqual({ verdict: 'skipped', detail: proxyToxic('slicer')!.limit!.why });
    expect(flood.cells['proxy:bandwidth']!.verdict).toBe('passed');
    expect(m.rows.find((r) => r.id === 'http2/6.5/1')!.cells['proxy:slicer']!.verdict).toBe('passed');
    // One progress line per column, as it finishes.
    expect(progress.filter((l) => l.startsWith('proxy:'))).toHaveLength(PROXY_TOXICS.length);
    expect(progress.find((l) => l.startsWith('proxy:slicer:'))).toMatch(/^proxy:slicer: 2 cases, 0 failed, 1 skipped, [\d.]+ s$/);
  }, 120_000);

  it('skips by size only where the toxic has a limit, and counts an unmeasured case as large', () => {
    const slicer = proxyToxic('slicer')!;
    const c = { id: 'http2/6.5/1', result: 'passed' as const, actual: '' };
    expect(proxySkip(H2_MATRIX_SUITE, { ...c, traffic: { clientToServer: 100, serverToClient: 100, longestClientStream: 100 } }, slicer)).toBeNull();
    expect(proxySkip(H2_MATRIX_SUITE, c, slicer)).toMatchObject({ verdict: 'skipped' });
    expect(proxySkip(H2_MATRIX_SUITE, c, proxyToxic('latency')!)).toBeNull();
    expect(proxySkip(H2_MATRIX_SUITE, { ...c, result: 'skipped', actual: 'strict mode only' }, slicer)).toEqual({ verdict: 'skipped', detail: 'skipped on the clean pass: strict mode only' });
    expect(caseProxyName('h2', 'http2/6.5.2/1', false)).toBe('matrix-h2-http2_6.5.2_1');
    expect(caseProxyName('h1', 'smuggling/cl-te/2', true)).toBe(`aeronet-${process.pid}-matrix-h1-smuggling_cl-te_2`);
  });
});

describe('a proxy repro line, run by the CLI', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--via-proxy slicer --seed 1 runs the case through that toxic and gives the matrix cell\'s verdict', async () => {
    const id = 'http2/5.1/1';
    const m = await runConformanceMatrix('h2', { layers: ['proxy'], profiles: [], seeds: [], filter: [id], toxics: [proxyToxic('slicer')!] });
    const cell = m.rows[0]!.cells['proxy:slicer']!;
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await conformanceCommand(['h2', id, '--via-proxy', 'slicer', '--seed', '1']);
    vi.restoreAllMocks();
    expect(cell.verdict).toBe('passed');
    expect(code).toBe(0);
    expect(stdout).toMatch(/proxy:slicer {2}1 passed, 0 failed, 0 skipped/);
    expect(stdout).toContain('aeronet\'s fault proxy, seed 1');
  }, 60_000);
});
