import { appendFileSync } from 'node:fs';
import type { Logger } from '../core/logger.js';

/**
 * The TLS key log, for debugging only: NSS key log format lines (what SSLKEYLOGFILE writes, and
 * what Node's 'keylog' event hands over, newline included) that let Wireshark/tshark decrypt
 * every session of this server. Off unless configured, and loud when on.
 *
 * Written with appendFileSync on purpose: a line is on disk before the handshake goes on (a
 * capture taken at the same time always has its keys), and no libuv thread-pool work is queued,
 * which the simulation could not put on its virtual clock.
 */

/** A file path, or a function that receives each line (the sim harness collects them in memory). */
export type KeyLogTarget = string | ((line: Buffer) => void);

export const KEYLOG_WARNING = 'TLS key logging is on: anyone with the key log file can decrypt every TLS session of this server. Use it for debugging only.';

export interface KeyLogSink {
  (line: Buffer): void;
}

export function validateKeyLog(raw: unknown): KeyLogTarget {
  if (typeof raw === 'function') return raw as (line: Buffer) => void;
  if (typeof raw !== 'string' || raw === '') throw new Error('TLS config: keyLog must be a file path or a function (line: Buffer) => void');
  return raw;
}

/**
 * Opens the sink: for a file, creates it now (mode 0600, appending) so an unwritable path fails
 * at startup with its name, and logs the warning. A write that fails later is logged once and
 * then ignored: a debugging aid must never take the server down.
 */
export function openKeyLog(target: KeyLogTarget, logger: Logger): KeyLogSink {
  if (typeof target === 'function') {
    logger.log('warn', 'tls.keylog-enabled', { target: 'callback', message: KEYLOG_WARNING });
    return (line) => target(line);
  }
  try {
    appendFileSync(target, '', { mode: 0o600 });
  } catch (err) {
    throw new Error(`TLS keyLog file ${JSON.stringify(target)} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  logger.log('warn', 'tls.keylog-enabled', { file: target, message: KEYLOG_WARNING });
  let failed = false;
  return (line) => {
    try {
      appendFileSync(target, line, { mode: 0o600 });
    } catch (err) {
      if (failed) return;
      failed = true;
      logger.log('error', 'tls.keylog-write-failed', { file: target, message: (err as Error).message });
    }
  };
}
