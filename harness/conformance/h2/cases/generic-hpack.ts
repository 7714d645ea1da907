import type { CaseContext, H2Case } from '../case.js';
import { commonHeaders, h2spec } from '../h2spec-client.js';
import { verifyHeadersFrame } from '../h2spec-verify.js';
import type { H2Conn } from '../target.js';
import { sendAndWatch } from './support.js';

/*
 * h2spec's generic/5 (generic/5_hpack.go): a request whose block is spec.CommonHeaders, encoded
 * in the connection's context, followed (or, for size updates, preceded) by one hand-made HPACK
 * representation (RFC 7541 §6); the server must decode it and answer. The octets are h2spec's:
 * note that its "indexed name" literals (5/2, 5/3, 5/6, 5/7, 5/10, 5/11) in fact carry
 * "user-agent" as a new name, and that 5/2 and 5/3 have the Huffman coding the other way round
 * from their titles. The verdicts are about the octets, so they stay as h2spec sends them.
 */

const bytes = (s: string) => Buffer.from(s, 'latin1');

/** user-agent: h2spec, name and value Huffman-coded, after the 4-bit or 6-bit prefix octet `first`. */
const userAgentHuffman = (first: string) => bytes(`${first}\x87\xb5\x05\xb1\x61\xcc\x5a\x93\x84\x9c\x48\xac\xa4`);
/** user-agent: h2spec, as plain literals. */
const userAgentPlain = (first: string) => bytes(`${first}\x0a\x75\x73\x65\x72\x2d\x61\x67\x65\x6e\x74\x06\x68\x32\x73\x70\x65\x63`);
/** x-test: h2spec, plain. */
const xTestPlain = (first: string) => bytes(`${first}\x06\x78\x2d\x74\x65\x73\x74\x06\x68\x32\x73\x70\x65\x63`);
/** x-test: h2spec, Huffman-coded. */
const xTestHuffman = (first: string) => bytes(`${first}\x85\xf2\xb2\x4a\x84\xff\x84\x9c\x48\xac\xa4`);

/** A GET whose block is the common fields then `rep` (or, with `before`, `rep` first). */
function blockCase(id: string, title: string, rep: Buffer, before = false): H2Case {
  return {
    id,
    title,
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => send(conn, ctx, (block) => (before ? Buffer.concat([rep, block]) : Buffer.concat([block, rep]))), verifyHeadersFrame(1)),
  };
}

function send(conn: H2Conn, ctx: CaseContext, edit: (block: Buffer) => Buffer): void {
  const h = h2spec(conn);
  h.writeHeaders({ streamId: 1, endStream: true, endHeaders: true, block: edit(h.encodeHeaders(commonHeaders(ctx))) });
}

export const GENERIC_HPACK_CASES: H2Case[] = [
  // §6.1: 0xba is entry 58 of the static table, "user-agent" with an empty value.
  blockCase('generic/5/1', 'Sends a indexed header field representation', bytes('\xba')),
  // §6.2.1 01xxxxxx (0x40: new name), §6.2.2 0000xxxx (0x00), §6.2.3 0001xxxx (0x10).
  blockCase('generic/5/2', 'Sends a literal header field with incremental indexing - indexed name', userAgentHuffman('\x40')),
  blockCase('generic/5/3', 'Sends a literal header field with incremental indexing - indexed name (with Huffman coding)', userAgentPlain('\x40')),
  blockCase('generic/5/4', 'Sends a literal header field with incremental indexing - new name', xTestPlain('\x40')),
  blockCase('generic/5/5', 'Sends a literal header field with incremental indexing - new name (with Huffman coding)', xTestHuffman('\x40')),
  blockCase('generic/5/6', 'Sends a literal header field without indexing - indexed name', userAgentPlain('\x00')),
  blockCase('generic/5/7', 'Sends a literal header field without indexing - indexed name (with Huffman coding)', userAgentHuffman('\x00')),
  blockCase('generic/5/8', 'Sends a literal header field without indexing - new name', xTestPlain('\x00')),
  blockCase('generic/5/9', 'Sends a literal header field without indexing - new name (huffman encoded)', xTestHuffman('\x00')),
  blockCase('generic/5/10', 'Sends a literal header field never indexed - indexed name', userAgentPlain('\x10')),
  blockCase('generic/5/11', 'Sends a literal header field never indexed - indexed name (huffman encoded)', userAgentHuffman('\x10')),
  // h2spec sends the Huffman-coded x-test for both never-indexed new-name cases.
  blockCase('generic/5/12', 'Sends a literal header field never indexed - new name', xTestHuffman('\x10')),
  blockCase('generic/5/13', 'Sends a literal header field never indexed - new name (huffman encoded)', xTestHuffman('\x10')),
  // §6.3: the encoder's table set to 128 (SetMaxDynamicTableSize): the block starts with that update.
  {
    id: 'generic/5/14',
    title: 'Sends a dynamic table size update',
    run: (conn, ctx) =>
      sendAndWatch(conn, ctx, () => {
        h2spec(conn).setMaxDynamicTableSize(128);
        send(conn, ctx, (block) => block);
      }, verifyHeadersFrame(1)),
  },
  // §4.2: two updates before the block, 128 then 4096 (0x3f 0x61, 0x3f 0xe1 0x1f).
  blockCase('generic/5/15', 'Sends multiple dynamic table size update', bytes('\x3f\x61\x3f\xe1\x1f'), true),
];
