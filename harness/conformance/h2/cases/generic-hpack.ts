import type { CaseContext, H2Case } from '../case.js';
import { indexed, literal, plainBlock, sizeUpdate, type LiteralIndexing } from '../hpack-blocks.js';
import { response } from '../verify.js';
import { sendAndWatch, serverHeaderTableSize } from './support.js';

/*
 * h2spec's generic/5: a request whose field block uses one HPACK representation (RFC 7541 §6),
 * every other field a literal without indexing; the server must decode it and answer. Blocks are
 * hand-made, so each case sends exactly one.
 */

/** The GET request's fields except `except`, as literals that touch no table. */
function rest(ctx: CaseContext, except: string | null = null): Buffer {
  return plainBlock(ctx.get().filter(([n]) => n !== except));
}

/** :authority (name index 1 in the static table) in the given representation, the rest plain. */
function indexedName(indexing: LiteralIndexing, huffman: boolean) {
  return (ctx: CaseContext) => Buffer.concat([rest(ctx, ':authority'), literal(indexing, ':authority', ctx.authority, { huffman })]);
}

/** A field with a name of its own (not in the static table) in the given representation. */
function newName(indexing: LiteralIndexing, huffman: boolean) {
  return (ctx: CaseContext) => Buffer.concat([rest(ctx), literal(indexing, 'x-conformance', 'hpack-test', { huffman, newName: true })]);
}

function blockCase(id: string, title: string, block: (ctx: CaseContext) => Buffer): H2Case {
  return {
    id,
    title,
    run: (conn, ctx) => sendAndWatch(conn, ctx, () => conn.client.headerBlock(1, block(ctx), { endStream: true }), response(1)),
  };
}

export const GENERIC_HPACK_CASES: H2Case[] = [
  // §6.1: ":method: GET" is entry 2 of the static table.
  blockCase('generic/5/1', 'Sends a indexed header field representation', (ctx) => Buffer.concat([indexed(2), rest(ctx, ':method')])),
  blockCase('generic/5/2', 'Sends a literal header field with incremental indexing - indexed name', indexedName('incremental', false)),
  blockCase('generic/5/3', 'Sends a literal header field with incremental indexing - indexed name (with Huffman coding)', indexedName('incremental', true)),
  blockCase('generic/5/4', 'Sends a literal header field with incremental indexing - new name', newName('incremental', false)),
  blockCase('generic/5/5', 'Sends a literal header field with incremental indexing - new name (with Huffman coding)', newName('incremental', true)),
  blockCase('generic/5/6', 'Sends a literal header field without indexing - indexed name', indexedName('without', false)),
  blockCase('generic/5/7', 'Sends a literal header field without indexing - indexed name (with Huffman coding)', indexedName('without', true)),
  blockCase('generic/5/8', 'Sends a literal header field without indexing - new name', newName('without', false)),
  blockCase('generic/5/9', 'Sends a literal header field without indexing - new name (huffman encoded)', newName('without', true)),
  blockCase('generic/5/10', 'Sends a literal header field never indexed - indexed name', indexedName('never', false)),
  blockCase('generic/5/11', 'Sends a literal header field never indexed - indexed name (huffman encoded)', indexedName('never', true)),
  blockCase('generic/5/12', 'Sends a literal header field never indexed - new name', newName('never', false)),
  blockCase('generic/5/13', 'Sends a literal header field never indexed - new name (huffman encoded)', newName('never', true)),
  // §6.3: a size update at the start of a block, within the server's SETTINGS_HEADER_TABLE_SIZE.
  blockCase('generic/5/14', 'Sends a dynamic table size update', (ctx) => Buffer.concat([sizeUpdate(Math.floor(serverHeaderTableSize(ctx) / 2)), rest(ctx)])),
  // §4.2: at most two updates, the smallest first, then the final size.
  blockCase('generic/5/15', 'Sends multiple dynamic table size update', (ctx) => Buffer.concat([sizeUpdate(0), sizeUpdate(serverHeaderTableSize(ctx)), rest(ctx)])),
];
