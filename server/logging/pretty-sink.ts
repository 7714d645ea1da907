import type { Writable } from 'node:stream';
import type { LogSink } from './sink.js';
import { formatPrettyLine, wantsColour } from './pretty-line.js';
import { StreamWriter } from './stream-writer.js';

export interface PrettySinkOptions {
  /** Default process.stderr. */
  stream?: Writable & { isTTY?: boolean };
  /** Force colours on or off; by default on only for a TTY with NO_COLOR unset (see wantsColour). */
  colour?: boolean;
  name?: string;
}

/** Human-readable text, for a person at a terminal (`--log-format pretty`, or auto on a TTY). */
export function prettySink(options: PrettySinkOptions = {}): LogSink {
  const stream = options.stream ?? process.stderr;
  const colour = options.colour ?? wantsColour(stream);
  const writer = new StreamWriter(stream);
  return {
    name: options.name ?? (stream === process.stderr ? 'stderr' : 'stream'),
    write(time, level, event, fields) {
      writer.write(formatPrettyLine(time, level, event, fields, colour));
    },
    bind: (report) => writer.bind(report),
    close: () => writer.close(),
  };
}
