import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonLinesLogger } from '../core/logger.js';
import { createLogger } from './create-logger.js';
import { functionSink } from './function-sink.js';
import { jsonSink } from './json-sink.js';
import type { LogEntry, LogSink } from './sink.js';

/** A Writable that keeps what it is given (or fails every write with `error`). */
function memoryStream(error: Error | null = null): Writable & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (error !== null) return callback(error);
      stream.text += chunk.toString('utf8');
      callback();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

const fixedClock = { now: () => Date.UTC(2026, 0, 1, 12, 0, 0, 250) };

/** Let stream callbacks and 'error' events (nextTick, microtasks) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createLogger', () => {
  it('drops records below its level before any sink sees them', () => {
    const seen: LogEntry[] = [];
    const logger = createLogger({ level: 'warn', sinks: [functionSink((e) => seen.push(e))], clock: fixedClock });
    logger.log('debug', 'a');
    logger.log('info', 'b', { x: 1 });
    logger.log('warn', 'c', { x: 2 });
    logger.log('error', 'd');
    expect(seen.map((e) => e.event)).toEqual(['c', 'd']);
    expect(seen[0]).toEqual({ time: fixedClock.now(), level: 'warn', event: 'c', fields: { x: 2 } });
    expect(logger.enabled('info')).toBe(false);
    expect(logger.enabled('error')).toBe(true);
    expect(() => createLogger({ level: 'loud' as never })).toThrow(/level must be one of debug, info, warn, error/);
  });

  it('writes the same JSON lines jsonLinesLogger always has, time from the injected clock', () => {
    const stream = memoryStream();
    const logger = createLogger({ sinks: [jsonSink({ stream })], clock: fixedClock });
    let old = '';
    const legacy = jsonLinesLogger((line) => (old += line), 'info', fixedClock.now);
    for (const l of [logger, legacy]) {
      l.log('info', 'server.listening', { address: '127.0.0.1', port: 8080, tls: false });
      l.log('warn', 'no.fields');
      l.log('info', 'empty.fields', {});
      l.log('info', 'odd', { event: 'overridden', nested: { a: [1, 'two'] }, gone: undefined });
    }
    return settle().then(() => {
      const lines = stream.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      // Byte for byte, but for a field named like one of ours: that one is written again later in
      // the line (the old spread replaced it in place), and parses to the same object.
      expect(stream.text.split('\n').slice(0, 3)).toEqual(old.split('\n').slice(0, 3));
      expect(lines).toEqual(old.trim().split('\n').map((l) => JSON.parse(l) as unknown));
      expect(lines[0]).toEqual({ time: '2026-01-01T12:00:00.250Z', level: 'info', event: 'server.listening', address: '127.0.0.1', port: 8080, tls: false });
      expect(lines[3]!['event']).toBe('overridden'); // as with the object spread: a field wins
    });
  });

  it('still writes a record whose fields JSON.stringify cannot take (BigInt, a cycle)', async () => {
    const stream = memoryStream();
    const logger = createLogger({ sinks: [jsonSink({ stream })], clock: fixedClock });
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    logger.log('info', 'odd', { big: 10n, cyclic, err: new Error('boom') });
    await settle();
    expect(JSON.parse(stream.text)).toMatchObject({ event: 'odd', big: '10', cyclic: { name: 'c', self: '[circular]' }, err: { message: 'boom' } });
  });

  it('a sink that throws never reaches the caller or the other sinks: reported once to the others, and still called', () => {
    const good: LogEntry[] = [];
    let calls = 0;
    const failures: string[] = [];
    const bad: LogSink = functionSink(() => {
      calls++;
      throw new Error('sink is broken');
    }, 'bad');
    const logger = createLogger({ sinks: [bad, functionSink((e) => good.push(e), 'good')], clock: fixedClock, onSinkError: (name, err) => failures.push(`${name}: ${err.message}`) });
    expect(() => {
      logger.log('info', 'one');
      logger.log('info', 'two');
    }).not.toThrow();
    expect(calls).toBe(2);
    expect(good.map((e) => e.event)).toEqual(['log.sink-error', 'one', 'two']);
    expect(good[0]).toMatchObject({ level: 'error', fields: { sink: 'bad', error: 'sink is broken' } });
    expect(failures).toEqual(['bad: sink is broken']);
  });

  it('a stream that errors goes quiet after one report; the other sinks keep every record', async () => {
    const failing = memoryStream(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const good: LogEntry[] = [];
    const logger = createLogger({ sinks: [jsonSink({ stream: failing, name: 'pipe' }), functionSink((e) => good.push(e))], clock: fixedClock });
    logger.log('info', 'first');
    await settle();
    logger.log('info', 'second');
    logger.log('info', 'third');
    await settle();
    expect(good.map((e) => e.event)).toEqual(['first', 'log.sink-error', 'second', 'third']);
    expect(good[1]!.fields).toEqual({ sink: 'pipe', code: 'EPIPE', error: 'write EPIPE' });
    expect(failing.listenerCount('error')).toBeGreaterThan(0); // an EPIPE can never be an uncaught 'error'
  });

  it('a stream that stops draining costs bounded memory: records past the bound are dropped and counted', async () => {
    // A stream that never calls back holds everything in its buffer.
    const stuck = new Writable({ write() {} });
    const good: LogEntry[] = [];
    const sink = jsonSink({ stream: stuck, name: 'stuck' });
    const logger = createLogger({ sinks: [sink, functionSink((e) => good.push(e))], clock: fixedClock });
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 12; i++) logger.log('info', 'big', { big });
    expect(stuck.writableLength).toBeLessThan(10 * 1024 * 1024);
    expect(sink.dropped).toBeGreaterThan(0);
    expect(good.filter((e) => e.event === 'log.sink-error')).toHaveLength(1);
    expect(good.filter((e) => e.event === 'big')).toHaveLength(12);
  });

  it('close() flushes the sinks; records after it are dropped', async () => {
    const seen: string[] = [];
    let closed = 0;
    const sink: LogSink = { name: 's', write: (_t, _l, event) => seen.push(event), close: async () => { closed++; } };
    const logger = createLogger({ sinks: [sink] });
    logger.log('info', 'before');
    await logger.close();
    await logger.close();
    logger.log('info', 'after');
    expect(seen).toEqual(['before']);
    expect(closed).toBe(1);
  });
});
