/** Structured logging, injected like the Clock: production writes JSON lines, tests collect records. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  level: LogLevel;
  event: string;
  [field: string]: unknown;
}

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
  /** Whether a record at `level` would be written (createLogger has it); absent means "maybe": build and log. */
  enabled?(level: LogLevel): boolean;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export const silentLogger: Logger = { log() {} };

/** One JSON object per line; `time` comes from the caller's clock so simulated logs replay exactly. */
export function jsonLinesLogger(write: (line: string) => void, minLevel: LogLevel = 'info', now: () => number = () => Date.now()): Logger {
  return {
    log(level, event, fields) {
      if (RANK[level] < RANK[minLevel]) return;
      write(JSON.stringify({ time: new Date(now()).toISOString(), level, event, ...fields }) + '\n');
    },
  };
}

/** Keeps every record in memory, for tests and for the harness's server.log. */
export class MemoryLogger implements Logger {
  readonly records: LogRecord[] = [];
  log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
    this.records.push({ level, event, ...fields });
  }
  find(event: string): LogRecord[] {
    return this.records.filter((r) => r.event === event);
  }
}
