import { ErrorCode } from '../../../../server/http2/frames/constants.js';
import type { H2Case } from '../case.js';
import { commonHeaders, h2spec } from '../h2spec-client.js';
import { verifyConnectionError } from '../h2spec-verify.js';
import { sizeUpdate } from '../hpack-blocks.js';
import { sendAndWatch, serverHeaderTableSize } from './support.js';

/*
 * h2spec's hpack group (RFC 7541): a request whose block, spec.CommonHeaders encoded in the
 * connection's context, is followed (or preceded) by h2spec's broken representation. A decoding
 * error is a connection error of type COMPRESSION_ERROR (RFC 9113 §4.3): the shared compression
 * context cannot be trusted any more.
 */

const bytes = (s: string) => Buffer.from(s, 'latin1');

function brokenBlock(id: string, title: string, rep: (ctx: Parameters<H2Case['run']>[1]) => Buffer, before = false): H2Case {
  return {
    id,
    title,
    run: (conn, ctx) => {
      const h = h2spec(conn);
      return sendAndWatch(conn, ctx, () => {
        const block = h.encodeHeaders(commonHeaders(ctx));
        h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: before ? Buffer.concat([rep(ctx), block]) : Buffer.concat([block, rep(ctx)]) });
      }, verifyConnectionError(ErrorCode.COMPRESSION_ERROR));
    },
  };
}

export const HPACK_CASES: H2Case[] = [
  // §2.3.3: "Indices strictly greater than the sum of the lengths of both tables MUST be treated
  // as a decoding error." Index 70 (0xc6); the block has put one entry in the dynamic table.
  brokenBlock('hpack/2.3.3/1', 'Sends a indexed header field representation with invalid index', () => bytes('\xc6')),
  // A literal with incremental indexing whose name is index 70 (0x7f 0x07), with an empty value.
  brokenBlock('hpack/2.3.3/2', 'Sends a literal header field representation with invalid index', () => bytes('\x7f\x07\x00')),
  // §4.2: a size update (to 1) must come at the beginning of a block, not at its end.
  brokenBlock('hpack/4.2/1', 'Sends a dynamic table size update at the end of header block', () => bytes('\x21')),
  // §5.2: padding longer than 7 bits, padding not made of EOS's most significant bits, and EOS
  // itself are decoding errors. h2spec's octets: "x-test: test" without indexing, Huffman-coded,
  // with an extra padding octet; padded with zeros; and with EOS inside the value.
  brokenBlock('hpack/5.2/1', 'Sends a Huffman-encoded string literal representation with padding longer than 7 bits', () => bytes('\x00\x85\xf2\xb2\x4a\x84\xff\x84\x49\x50\x9f\xff')),
  brokenBlock('hpack/5.2/2', 'Sends a Huffman-encoded string literal representation padded by zero', () => bytes('\x00\x85\xf2\xb2\x4a\x84\xff\x83\x49\x50\x90')),
  brokenBlock('hpack/5.2/3', 'Sends a Huffman-encoded string literal representation containing the EOS symbol', () => bytes('\x00\x85\xf2\xb2\x4a\x84\xff\x87\x49\x51\xff\xff\xff\xfa\x7f')),
  // §6.1: "The index value of 0 is not used. It MUST be treated as a decoding error."
  brokenBlock('hpack/6.1/1', 'Sends a indexed header field representation with index 0', () => bytes('\x80')),
  // §6.3: a new maximum size above the SETTINGS_HEADER_TABLE_SIZE limit (the server's, 4096 unsaid), first in the block.
  brokenBlock('hpack/6.3/1', 'Sends a dynamic table size update larger than the value of SETTINGS_HEADER_TABLE_SIZE', (ctx) => sizeUpdate(serverHeaderTableSize(ctx) + 1), true),
];
