import type { Logger, LogLevel } from '../core/logger.js';
import { LEVEL_RANK, isLogLevel, LOG_LEVELS } from './levels.js';
import type { LogSink } from './sink.js';
import { jsonSink } from './json-sink.js';

export interface LoggerOptions {
  /** Records below this level are dropped before any work is done (default 'info'). */
  level?: LogLevel;
  /** Where records go, each in turn (default: JSON lines on stderr). */
  sinks?: readonly LogSink[];
  /**
   * Where `time` comes from (default Date.now). Give the server's Clock so that logs written on a
   * simulation carry virtual time and replay exactly.
   */
  clock?: { now(): number };
  /** Told of each sink's first failure, besides the `log.sink-error` record the other sinks get. */
  onSinkError?: (sink: string, error: Error) => void;
}

/** A Logger with sinks, a level, and a close() that flushes them. */
export interface StructuredLogger extends Logger {
  readonly level: LogLevel;
  /** Whether a record at `level` would be written: guard costly fields with it. */
  enabled(level: LogLevel): boolean;
  /** Flush and close every sink (a log file is closed); records logged afterwards are dropped. */
  close(): Promise<void>;
}

const systemNow = { now: () => Date.now() };

/**
 * The server's logger: one level, several sinks. The level check is the first thing log() does
 * and touches nothing else, so a filtered-out record costs a property read and a comparison
 * (measured by `npm run bench:logging`). A sink that throws, or whose stream fails, never reaches
 * the caller and never keeps the other sinks from their records: its first failure is written
 * to the other sinks as a `log.sink-error` record (and to onSinkError), once.
 */
export function createLogger(options: LoggerOptions = {}): StructuredLogger {
  const level = options.level ?? 'info';
  if (!isLogLevel(level)) throw new TypeError(`createLogger: level must be one of ${LOG_LEVELS.join(', ')}, got ${String(level)}`);
  const min = LEVEL_RANK[level];
  const sinks = [...(options.sinks ?? [jsonSink()])];
  const clock = options.clock ?? systemNow;
  const reported = new Set<LogSink>();
  let closed = false;
  // Which levels pass, looked up by name: log()'s whole cost for a filtered record. close() empties it.
  const passes: Record<LogLevel, boolean> = { debug: LEVEL_RANK.debug >= min, info: LEVEL_RANK.info >= min, warn: LEVEL_RANK.warn >= min, error: LEVEL_RANK.error >= min };

  const report = (sink: LogSink, err: unknown): void => {
    if (reported.has(sink)) return;
    reported.add(sink);
    const error = err instanceof Error ? err : new Error(String(err));
    try {
      options.onSinkError?.(sink.name, error);
    } catch {
      // The reporter is the last line of defence; its own failure goes nowhere.
    }
    const fields = { sink: sink.name, code: (error as NodeJS.ErrnoException).code, error: error.message };
    const time = clock.now();
    for (const other of sinks) {
      if (other === sink) continue;
      try {
        other.write(time, 'error', 'log.sink-error', fields);
      } catch (e) {
        report(other, e);
      }
    }
  };

  for (const sink of sinks) sink.bind?.((err) => report(sink, err));

  return {
    level,
    enabled: (l) => LEVEL_RANK[l] >= min,
    log(l, event, fields) {
      if (passes[l] !== true) return;
      const time = clock.now();
      for (let i = 0; i < sinks.length; i++) {
        const sink = sinks[i]!;
        try {
          sink.write(time, l, event, fields);
        } catch (err) {
          report(sink, err);
        }
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      passes.debug = passes.info = passes.warn = passes.error = false;
      await Promise.all(sinks.map((s) => (s.close ? s.close().catch(() => {}) : undefined)));
    },
  };
}
