/**
 * The download client of bench:proxy, run as its own process (download.ts runDownloadChild) so it
 * has an event loop to itself: GET <url>/bytes/<size> for each size, one connection each
 * (Connection: close), reading into one reused buffer (net `onread`: no allocation per read),
 * counting and discarding the body and checking it against the demo pattern (ResponseReader).
 * Prints one JSON line (DownloadReport) on stdout; exit 1 with the reason on stderr on any failure.
 *
 *   node dist/bench/lib/download-child.js --url http://127.0.0.1:41234 --sizes 1073741824 [--verify ends|all]
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { DEMO_PATTERN_PERIOD, DownloadError, ResponseReader, mbPerSec, periodicExpected, type DownloadReport, type ExpectedBytes, type VerifyMode } from './download.js';

const READ_BUFFER = 256 * 1024;

function get(host: string, port: number, size: number, expected: ExpectedBytes, verify: VerifyMode, buffer: Buffer): Promise<ResponseReader> {
  const reader = new ResponseReader(size, expected, verify);
  return new Promise<ResponseReader>((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        socket.end();
        resolve(reader);
      }
    };
    const socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer,
        callback: (n: number, buf: Uint8Array): boolean => {
          if (settled) return true;
          try {
            if (reader.feed((buf as Buffer).subarray(0, n))) settle(null);
          } catch (err) {
            settle(err as Error);
          }
          return true;
        },
      },
    });
    socket.once('connect', () => socket.write(`GET /bytes/${size} HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`));
    socket.on('error', (err) => settle(new DownloadError(`socket error: ${err.message}`)));
    socket.once('close', () => {
      try {
        reader.finish();
        settle(null);
      } catch (err) {
        settle(err as Error);
      }
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, sizes: { type: 'string' }, verify: { type: 'string', default: 'ends' } },
    strict: true,
  });
  if (values.url === undefined || values.sizes === undefined) throw new DownloadError('usage: download-child.js --url URL --sizes N[,N...] [--verify ends|all]');
  const url = new URL(values.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port);
  const sizes = values.sizes.split(',').map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new DownloadError(`--sizes must be positive integers, got ${values.sizes}`);
  const verify = values.verify;
  if (verify !== 'ends' && verify !== 'all') throw new DownloadError(`--verify must be ends or all, got ${verify}`);
  const expected = verify === 'all' ? periodicExpected(patternBytes, DEMO_PATTERN_PERIOD, READ_BUFFER) : patternBytes;

  const buffer = Buffer.allocUnsafe(READ_BUFFER);
  const report: DownloadReport = { bytes: 0, requests: 0, ms: 0, cpuMs: 0, mbPerSec: 0, checkedBytes: 0, checkedPieces: 0, verify };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const size of sizes) {
    const r = await get(host, port, size, expected, verify, buffer);
    report.bytes += r.bodyBytes;
    report.requests++;
    report.checkedBytes += r.checkedBytes;
    report.checkedPieces += r.checkedPieces;
  }
  report.ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  report.cpuMs = (cpu.user + cpu.system) / 1000;
  report.mbPerSec = mbPerSec(report.bytes, report.ms);
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`download-child: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
