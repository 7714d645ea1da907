import type { Writable } from 'node:stream';
import type { LogSink } from './sink.js';
import { formatJsonLine } from './json-line.js';
import { StreamWriter } from './stream-writer.js';

export interface JsonSinkOptions {
  /** Where the lines go (default process.stderr). */
  stream?: Writable;
  /** Shown in the sink's failure report (default "stderr" for process.stderr, else "stream"). */
  name?: string;
}

/** JSON lines to a stream: the production format, one object per line (see formatJsonLine). */
export function jsonSink(options: JsonSinkOptions = {}): LogSink & { readonly dropped: number } {
  const stream = options.stream ?? process.stderr;
  return jsonLinesTo(new StreamWriter(stream), options.name ?? (stream === process.stderr ? 'stderr' : 'stream'));
}

/** A sink writing JSON lines through `writer` (a stream's, or a log file's). */
export function jsonLinesTo(writer: StreamWriter, name: string): LogSink & { readonly dropped: number } {
  return {
    name,
    write(time, level, event, fields) {
      writer.write(formatJsonLine(time, level, event, fields));
    },
    bind: (report) => writer.bind(report),
    close: () => writer.close(),
    get dropped() {
      return writer.dropped;
    },
  };
}
