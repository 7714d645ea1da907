/** Structured logging: createLogger with pluggable sinks, and the access log. */
export { createLogger, type LoggerOptions, type StructuredLogger } from './create-logger.js';
export type { LogSink, LogEntry } from './sink.js';
export { jsonSink, type JsonSinkOptions } from './json-sink.js';
export { prettySink, type PrettySinkOptions } from './pretty-sink.js';
export { fileSink, LogFileError } from './file-sink.js';
export { functionSink } from './function-sink.js';
export { accessLogObserver } from './access-log.js';
export { formatJsonLine } from './json-line.js';
export { formatPrettyLine, wantsColour } from './pretty-line.js';
export { LOG_LEVELS, isLogLevel } from './levels.js';
