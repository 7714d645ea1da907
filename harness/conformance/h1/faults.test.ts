import { ReadFilterTransport } from '../test-support/read-filter-transport.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryLogger } from '../../../server/core/logger.js';
import { createDemoRouter } from '../../../server/demo/demo-routes.js';
import { createServer } from '../../../server/server.js';
import type { Transport } from '../../../server/transport/transport.js';
import { conformanceH1Command } from '../../../cli/conformance-h1-command.js';
import { UsageError } from '../../../cli/usage-error.js';
import { faultProfile, runUnderFaults, type FaultProfileSpec } from '../faults.js';
import { aeronetH1Targets, AERONET_H1_PATHS, h1SimTargetFactory, h1SuiteRunner, runH1SuiteUnderFaults } from './faults.js';

const profiles = (...names: string[]): FaultProfileSpec[] => names.map((n) => faultProfile(n)!);

/**
 * aeronet behind a naive reader that expects a connection's first request line to arrive in one
 * read: when a read ends before the line's LF, it resets the connection. Reads after the line,
 * however they come, are fine.
 */
function naiveRequestLineReader(inner: Transport): Transport {
  let lineDone = false;
  return new ReadFilterTransport(inner, (chunk, deliver, reset) => {
    if (!lineDone) {
      if (!chunk.includes(0x0a)) {
        reset();
        return;
      }
      lineDone = true;
    }
    deliver(chunk);
  });
}

const fragileAeronet = h1SimTargetFactory((sim) => {
  const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false, logger: new MemoryLogger() });
  return { accept: (t: Transport) => server.accept(naiveRequestLineReader(t)) };
}, 'aeronet behind a naive request-line reader');

describe('the HTTP/1.1 suite under faults', () => {
  it('aeronet passes every case under choppy and byte for 2 seeds, and at every split point of a few groups', async () => {
    const out = await runUnderFaults(h1SuiteRunner(AERONET_H1_PATHS), aeronetH1Targets, profiles('choppy', 'byte'), [1, 2]);
    expect(out.clean.filter((c) => c.result !== 'passed').map((c) => c.id)).toEqual([]);
    const failures = [...out.faulted].flatMap(([id, list]) => list.filter((r) => r.result === 'failed').map((r) => `${id} ${r.profile}/${r.seed}: ${r.actual}`));
    expect(failures).toEqual([]);
    expect(out.passCleanFailFaults).toEqual([]);
    // Every case ran under choppy and byte for both seeds (the few larger than 16 KiB, the
    // oversized heads, ran byte's runs as choppy).
    for (const c of out.clean) expect(out.faulted.get(c.id)!.map((r) => `${r.insteadOf ?? r.profile}/${r.seed}`), c.id).toEqual(['choppy/1', 'choppy/2', 'byte/1', 'byte/2']);
    expect(out.clean.filter((c) => out.faulted.get(c.id)!.some((r) => r.profile === 'byte')).length).toBeGreaterThan(out.clean.length - 10);

    const split = await runUnderFaults(h1SuiteRunner({ ...AERONET_H1_PATHS, filter: ['h1/chunked', 'smuggling/cl-te', 'h1/pipelining'] }), aeronetH1Targets, profiles('splits'), [1]);
    expect(split.passCleanFailFaults).toEqual([]);
    const tried = [...split.faulted.values()].map((list) => list[0]!.splitPoints?.tried ?? 0);
    expect(Math.min(...tried)).toBeGreaterThan(30);
  }, 60_000);

  it('lists a server that breaks on a request line split across reads: passes clean, fails under byte and splits', async () => {
    const runner = h1SuiteRunner({ ...AERONET_H1_PATHS, filter: ['h1/chunked', 'h1/framing'] });
    const out = await runUnderFaults(runner, fragileAeronet, profiles('byte', 'splits'), [1, 2]);
    expect(out.clean.filter((c) => c.result !== 'passed').map((c) => c.id)).toEqual([]);
    expect(out.passCleanFailFaults).toContain('h1/chunked/1');
    expect(out.passCleanFailFaults.length).toBeGreaterThan(out.clean.length / 2);
    const chunked = out.faulted.get('h1/chunked/1')!;
    // One octet at a time splits every request line; a cut fails only inside the first line.
    expect(chunked.filter((r) => r.profile === 'byte').map((r) => r.result)).toEqual(['failed', 'failed']);
    const splits = chunked.find((r) => r.profile === 'splits')!.splitPoints!;
    expect(splits.failed.length).toBeGreaterThan(0);
    expect(splits.failed.length).toBeLessThan(splits.tried);
    expect(Math.max(...splits.failed)).toBeLessThan(40);

    // The whole report, as the CLI prints it, names the fragile cases.
    const report = await runH1SuiteUnderFaults({ ...AERONET_H1_PATHS, filter: ['h1/chunked/1'] }, { profiles: profiles('byte'), seeds: [1], targets: fragileAeronet, describe: 'fragile' });
    expect(report.faults!.passCleanFailFaults).toEqual(['h1/chunked/1']);
    expect(report.cases[0]!.faults!.map((r) => r.result)).toEqual(['failed']);
  }, 60_000);
});

describe('aeronet conformance h1 --faults', () => {
  afterEach(() => vi.restoreAllMocks());

  const run = async (args: string[]) => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await conformanceH1Command(args);
    vi.restoreAllMocks();
    return { code, stdout };
  };
  const usageError = async (args: string[]) => {
    const e = await conformanceH1Command(args).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    return (e as UsageError).detail ?? '';
  };

  it('runs in-process against aeronet and ends with the summary', async () => {
    const { code, stdout } = await run(['--faults', 'choppy,byte', '--seeds', '2', 'h1/chunked']);
    expect(code).toBe(0);
    expect(stdout).toContain('aeronet in-process (demo routes, simulated network on virtual time)');
    expect(stdout).toContain('[choppy ✓×2, byte ✓×2]');
    expect(stdout).toContain('Pass clean, fail under faults: (none)');
  });

  it('refuses --host/--port with --faults, and --seeds/--split-limit without it', async () => {
    expect(await usageError(['--faults', 'choppy', '--host', 'localhost', '--port', '80'])).toMatch(/--faults runs the suite in-process .* so it takes no --host\/--port\. Through the fault proxy or across a netem link.*--matrix --layers proxy,netem/);
    expect(await usageError(['--faults', 'choppy', '--port', '80'])).toMatch(/so it takes no --host\/--port/);
    expect(await usageError(['--faults', 'bogus'])).toMatch(/unknown fault profile "bogus"/);
    expect(await usageError(['--faults', 'byte', '--seeds', '0'])).toMatch(/--seeds must be/);
    expect(await usageError(['--host', 'localhost', '--port', '80', '--seeds', '2'])).toMatch(/--seeds applies to --faults only/);
    expect(await usageError(['--host', 'localhost', '--port', '80', '--split-limit', '20'])).toMatch(/--split-limit applies to --faults only/);
  });
});
