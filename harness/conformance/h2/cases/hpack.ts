import { ErrorCode } from '../../../../server/http2/frames/constants.js';
import type { CaseContext, H2Case } from '../case.js';
import { indexed, literal, plainBlock, rawHuffmanLiteral, sizeUpdate } from '../hpack-blocks.js';
import { connectionError } from '../verify.js';
import { sendAndWatch, serverHeaderTableSize } from './support.js';

/*
 * h2spec's hpack group (RFC 7541): a request whose field block is broken in one way. A decoding
 * error is a connection error of type COMPRESSION_ERROR (RFC 9113 §4.3): the shared
 * compression context cannot be trusted any more.
 */

/** An index past the end of both tables on a fresh connection (static 61 + an empty dynamic table). */
const INVALID_INDEX = 70;

function brokenBlock(id: string, title: string, block: (ctx: CaseContext) => Buffer): H2Case {
  return {
    id,
    title,
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headerBlock(1, block(ctx), { endStream: true }), connectionError(ErrorCode.COMPRESSION_ERROR)),
  };
}

const request = (ctx: CaseContext) => plainBlock(ctx.get());
/** A field whose value is the given octets flagged as Huffman-coded. */
const huffmanValue = (octets: number[]) => literal('without', 'x-conformance', rawHuffmanLiteral(Buffer.from(octets)), { newName: true });

export const HPACK_CASES: H2Case[] = [
  // §2.3.3: "Indices strictly greater than the sum of the lengths of both tables MUST be treated as a decoding error."
  brokenBlock('hpack/2.3.3/1', 'Sends a indexed header field representation with invalid index', (ctx) => Buffer.concat([request(ctx), indexed(INVALID_INDEX)])),
  brokenBlock('hpack/2.3.3/2', 'Sends a literal header field representation with invalid index', (ctx) => Buffer.concat([request(ctx), literal('incremental', INVALID_INDEX, 'test')])),
  // §4.2: a size update must come at the beginning of a block.
  brokenBlock('hpack/4.2/1', 'Sends a dynamic table size update at the end of header block', (ctx) => Buffer.concat([request(ctx), sizeUpdate(serverHeaderTableSize(ctx))])),
  // §5.2: padding longer than 7 bits, padding not made of EOS's most significant bits, and EOS
  // itself are decoding errors. 'a' is 00011 (5 bits): 0x1f pads it with three 1s.
  brokenBlock('hpack/5.2/1', 'Sends a Huffman-encoded string literal representation with padding longer than 7 bits', (ctx) => Buffer.concat([request(ctx), huffmanValue([0x1f, 0xff])])),
  brokenBlock('hpack/5.2/2', 'Sends a Huffman-encoded string literal representation padded by zero', (ctx) => Buffer.concat([request(ctx), huffmanValue([0x18])])),
  // 'a', then EOS (30 1s), then 5 bits of padding: 40 bits.
  brokenBlock('hpack/5.2/3', 'Sends a Huffman-encoded string literal representation containing the EOS symbol', (ctx) => Buffer.concat([request(ctx), huffmanValue([0x1f, 0xff, 0xff, 0xff, 0xff])])),
  // §6.1: "The index value of 0 is not used. It MUST be treated as a decoding error."
  brokenBlock('hpack/6.1/1', 'Sends a indexed header field representation with index 0', (ctx) => Buffer.concat([request(ctx), indexed(0)])),
  // §6.3: a new maximum size above the SETTINGS_HEADER_TABLE_SIZE limit is a decoding error.
  brokenBlock('hpack/6.3/1', 'Sends a dynamic table size update larger than the value of SETTINGS_HEADER_TABLE_SIZE', (ctx) => Buffer.concat([sizeUpdate(serverHeaderTableSize(ctx) + 1), request(ctx)])),
];
