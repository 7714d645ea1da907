import type { LogLevel } from '../core/logger.js';
import { isoTime } from './iso-time.js';

/**
 * One record as a JSON line: `{"time":ISO,"level":..,"event":..,...fields}\n`, the shape
 * `jsonLinesLogger` has always written (tests, the harness and log shippers parse it). A field
 * named `time`, `level` or `event` comes later in the line and so wins when parsed, as it did
 * with the object spread this replaces.
 */
export function formatJsonLine(time: number, level: LogLevel, event: string, fields: Readonly<Record<string, unknown>> | undefined): string {
  const head = '{"time":"' + isoTime(time) + '","level":"' + level + '","event":' + JSON.stringify(event);
  if (fields === undefined) return head + '}\n';
  const body = stringifyFields(fields);
  // "{}" adds nothing; otherwise splice the fields' members after ours.
  return body.length > 2 ? head + ',' + body.slice(1) + '\n' : head + '}\n';
}

function stringifyFields(fields: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify(fields) ?? '{}';
  } catch {
    // A BigInt or a cycle: JSON.stringify throws, and a log call must not. Write what can be written.
    return JSON.stringify(fields, safeReplacer()) ?? '{}';
  }
}

function safeReplacer(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[circular]';
      seen.add(value);
    }
    return value;
  };
}
