export { HpackDecoder, type HpackDecoderOptions } from './hpack-decoder.js';
export { HpackEncoder, type HpackEncoderOptions, type HuffmanMode } from './hpack-encoder.js';
export { HpackError, type HpackErrorKind } from './hpack-error.js';
export { defaultIndexingPolicy, type FieldIndexing, type IndexingPolicy } from './indexing-policy.js';
export { DynamicTable, ENTRY_OVERHEAD, entrySize } from './dynamic-table.js';
