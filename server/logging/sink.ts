import type { LogLevel } from '../core/logger.js';

/**
 * Where a logger's records go. A sink formats (JSON, text) and writes; the logger has already
 * decided the record passes its level, so a sink never sees a filtered-out record.
 *
 * The record comes as four arguments rather than one object, so the logger allocates nothing on
 * its way to the sinks: `time` is milliseconds since the epoch on the logger's clock (virtual in
 * a simulation), `fields` the caller's object as given (never modified).
 */
export interface LogSink {
  /** For the one report a failing sink gets (`log.sink-error`): "stderr", "file /var/log/x"... */
  readonly name: string;
  write(time: number, level: LogLevel, event: string, fields: Readonly<Record<string, unknown>> | undefined): void;
  /**
   * Called once by the logger before the first record: how to report a failure that happens
   * later, away from any write() (a stream's 'error' event). The logger reports each sink's
   * first failure once and never lets it reach the server.
   */
  bind?(report: (error: Error) => void): void;
  /** Write out what is buffered and release the sink (a file is closed). Never rejects. */
  close?(): Promise<void>;
}

/** One record as a user function sink receives it. */
export interface LogEntry {
  readonly time: number;
  readonly level: LogLevel;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}
