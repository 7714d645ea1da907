/** `aeronet serve`'s logging and metrics flags, on the CLI built for the test run. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { httpRequest } from '../server/test-support/socket-client.js';
import { killStarted, runCli, startCli } from './test-support/cli-process.js';

const CLI = inject('aeronetCli');
const dirs: string[] = [];

afterEach(() => {
  killStarted();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const run = (args: string[]) => runCli(CLI, args);

/** Start serve; resolve once stdout has every line `expect`ed. */
async function serve(args: string[], lines: RegExp[]) {
  const s = await startCli(CLI, ['serve', '--port', '0', ...args], lines);
  return { ...s, exited: s.exited.then((e) => e.code) };
}

describe('aeronet serve: logging and metrics flags', () => {
  it.each([
    [['--log-format', 'xml'], /--log-format must be one of json, pretty, auto, got "xml"/],
    [['--metrics-port', 'x'], /--metrics-port must be an integer from 0 to 65535, got "x"/],
    [['--metrics-port', '65536'], /--metrics-port must be an integer from 0 to 65535/],
    [['--metrics-host', '0.0.0.0'], /--metrics-host needs --metrics-port/],
    [['--log-file', ''], /--log-file needs a path/],
    [['--access-log=yes'], /access-log/],
  ])('serve %j is a usage error (exit 2)', async (args, message) => {
    const r = await run(['serve', '--port', '0', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a log file that cannot be opened exits 2 naming the file and the errno', async () => {
    const file = path.join(tmpdir(), 'aeronet-no-such-dir', 'deeper', 'server.log');
    const r = await run(['serve', '--port', '0', '--log-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--log-file: cannot open log file ${file}: ENOENT`);
    expect(r.stdout).toBe(''); // it never started listening
  });

  it('--metrics-port 0 --access-log --log-file: metrics URL after the listening line, access records in the file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aeronet-serve-log-'));
    dirs.push(dir);
    const file = path.join(dir, 'server.log');
    const s = await serve(['--metrics-port', '0', '--access-log', '--log-file', file], [/aeronet metrics on \S+\n/]);
    const lines = s.stdout().split('\n');
    expect(lines[0]).toMatch(/^aeronet listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^aeronet metrics on http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const url = /listening on (\S+)/.exec(lines[0]!)![1]!;
    const metricsUrl = /metrics on (\S+)/.exec(lines[1]!)![1]!;
    for (let i = 0; i < 2; i++) expect((await httpRequest(`${url}/hello`, { agent: false })).status).toBe(200);
    const scrape = await httpRequest(metricsUrl, { agent: false });
    expect(scrape.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(scrape.body.toString()).toContain('aeronet_http_requests_total{route="/hello",method="GET",status_class="2xx"} 2\n');
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    // stderr is not a terminal here, so auto means JSON lines, as ever.
    const stderrRecords = s.stderr().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string });
    expect(stderrRecords.filter((r) => r.event === 'http.access')).toHaveLength(2);
    // The file has the same records, flushed before exit.
    const fileRecords = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(fileRecords.map((r) => r['event'])).toEqual(stderrRecords.map((r) => r.event));
    expect(fileRecords.find((r) => r['event'] === 'http.access')).toMatchObject({ level: 'info', method: 'GET', path: '/hello', route: '/hello', status: 200, bytes: 13, protocol: '1.1', aborted: false });
  });

  it('--log-format pretty writes text for a person; without --access-log there are no access records', async () => {
    const s = await serve(['--log-format', 'pretty'], [/aeronet listening on \S+\n/]);
    const url = /listening on (\S+)/.exec(s.stdout())![1]!;
    expect((await httpRequest(`${url}/hello`, { agent: false })).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z INFO  server\.listening address=127\.0\.0\.1 port=\d+ tls=false\n/);
    expect(s.stderr()).not.toContain('\x1b['); // not a TTY: no colours
    expect(s.stderr()).not.toContain('http.access');
  });
});
