import type { LogLevel } from '../core/logger.js';
import { isoTime } from './iso-time.js';

/** SGR colour codes per level (ECMA-48 §8.3.117): grey, green, yellow, red. */
const LEVEL_COLOUR: Readonly<Record<LogLevel, string>> = { debug: '90', info: '32', warn: '33', error: '31' };
const LEVEL_LABEL: Readonly<Record<LogLevel, string>> = { debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR' };

/** A value that can be shown bare: no spaces, quotes, '=' or control characters to confuse a reader. */
const BARE = /^[^\s"=\\\x00-\x1f\x7f]{1,200}$/;

/**
 * One record as a line for a person at a terminal:
 * `12:00:00.250Z INFO  http.access method=GET path=/hello status=200`. The time is UTC (the
 * clock's reading, as in the JSON lines); strings are quoted only when they must be.
 */
export function formatPrettyLine(time: number, level: LogLevel, event: string, fields: Readonly<Record<string, unknown>> | undefined, colour: boolean): string {
  const iso = isoTime(time);
  const clock = iso.length === 24 ? iso.slice(11) : iso; // HH:MM:SS.mmmZ
  let line = colour
    ? `\x1b[2m${clock}\x1b[0m \x1b[${LEVEL_COLOUR[level]}m${LEVEL_LABEL[level]}\x1b[0m \x1b[1m${event}\x1b[0m`
    : `${clock} ${LEVEL_LABEL[level]} ${event}`;
  if (fields !== undefined) {
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      if (value === undefined) continue;
      const shown = showValue(value);
      line += colour ? ` \x1b[2m${key}=\x1b[0m${shown}` : ` ${key}=${shown}`;
    }
  }
  return line + '\n';
}

function showValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[unserialisable]';
  }
}

/**
 * Colour only for a terminal, and never when NO_COLOR is set to anything but the empty string
 * (https://no-color.org: "when present and not an empty string, prevents the addition of ANSI color").
 */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true;
}
