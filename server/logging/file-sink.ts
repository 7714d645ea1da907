import fs from 'node:fs';
import type { LogSink } from './sink.js';
import { jsonLinesTo } from './json-sink.js';
import { StreamWriter } from './stream-writer.js';

/** A log file could not be opened: the path and the errno code (ENOENT, EACCES...). */
export class LogFileError extends Error {
  constructor(readonly path: string, readonly code: string, detail: string) {
    super(`cannot open log file ${path}: ${code} (${detail})`);
    this.name = 'LogFileError';
  }
}

/**
 * JSON lines appended to a file. The file is opened once, here and synchronously, so a path
 * that cannot be written fails at start-up (LogFileError), never on the first record. Writes
 * go through an fs.WriteStream, which batches lines queued while a write is in flight (writev);
 * a write error later (disk full) is reported once and the sink goes quiet, it never throws into
 * the server; close() writes out what is queued and closes the file.
 */
export function fileSink(path: string): LogSink & { readonly path: string; readonly dropped: number } {
  let fd: number;
  try {
    fd = fs.openSync(path, 'a');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new LogFileError(path, e.code ?? 'EUNKNOWN', e.message);
  }
  const stream = fs.createWriteStream(path, { fd, flags: 'a', autoClose: true });
  return Object.assign(jsonLinesTo(new StreamWriter(stream, { end: true }), `file ${path}`), { path });
}
