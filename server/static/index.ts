/** Static files and range requests: the public surface of server/static/. */
export { serveStatic } from './serve-static.js';
export type { ServeStaticOptions, PrecompressedCoding } from './static-options.js';
export { sendRanged, type SendRangedOptions } from './send-ranged.js';
export { bufferSource, type RangeSource } from './range-source.js';
export type { ByteRange, RangeOptions } from './ranges.js';
