import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { fileSink, LogFileError } from './file-sink.js';
import { functionSink } from './function-sink.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'aeronet-log-'));
  dirs.push(d);
  return d;
}

describe('fileSink', () => {
  it('appends JSON lines to the file and has them all written out when the logger closes', async () => {
    const file = path.join(tempDir(), 'server.log');
    writeFileSync(file, '{"earlier":true}\n');
    const logger = createLogger({ sinks: [fileSink(file)], clock: { now: () => 0 } });
    for (let i = 0; i < 1000; i++) logger.log('info', 'line', { i });
    await logger.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1001);
    expect(JSON.parse(lines[0]!)).toEqual({ earlier: true });
    expect(JSON.parse(lines[1000]!)).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'info', event: 'line', i: 999 });
  });

  it('a path that cannot be opened fails at once, naming the file and the errno code', () => {
    const missing = path.join(tempDir(), 'no-such-dir', 'server.log');
    let error: unknown;
    try {
      fileSink(missing);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LogFileError);
    expect((error as LogFileError).code).toBe('ENOENT');
    expect((error as LogFileError).message).toContain(missing);
    // A directory is not a file either.
    expect(() => fileSink(tempDir())).toThrow(/cannot open log file .*: EISDIR/);
  });

  // /dev/full opens fine and fails every write with ENOSPC: a disk that filled up after start-up.
  it.runIf(existsSync('/dev/full'))('a write that fails later (disk full) is reported once through the other sinks, and never thrown', async () => {
    const sink = fileSink('/dev/full');
    const seen: string[] = [];
    const logger = createLogger({ sinks: [sink, functionSink((e) => seen.push(e.event === 'log.sink-error' ? `${e.event} ${String(e.fields['sink'])} ${String(e.fields['code'])}` : e.event))], clock: { now: () => 0 } });
    logger.log('info', 'a');
    await new Promise((r) => setTimeout(r, 50));
    expect(() => {
      logger.log('info', 'b');
      logger.log('info', 'c');
    }).not.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    logger.log('info', 'd');
    await logger.close();
    expect(seen).toEqual(['a', 'log.sink-error file /dev/full ENOSPC', 'b', 'c', 'd']);
  });
});
