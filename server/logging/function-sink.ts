import type { LogEntry, LogSink } from './sink.js';

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Records to a function of yours (ship them, count them, assert on them). It is called in line
 * with the server's work, so it should be quick; if it throws, the logger reports that once and
 * keeps calling it with later records, and the other sinks are unaffected.
 */
export function functionSink(fn: (entry: LogEntry) => void, name = 'function'): LogSink {
  return {
    name,
    write(time, level, event, fields) {
      fn({ time, level, event, fields: fields ?? NO_FIELDS });
    },
  };
}
