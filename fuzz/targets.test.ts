import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PropertyViolation } from './fuzz-target.js';
import { DEFAULT_MAX_LEN } from './run-jazzer.js';
import { loadTarget, TARGET_NAMES } from './targets/index.js';
import { serializeMessage } from './targets/h1-request.js';
import { parseAll } from '../server/http1/test-support/parse-all.js';
import { headerBlocks, joinBlocks, splitBlocks } from './targets/hpack-decoder.js';
import { checkFrameDecoder, decodeAll, serializeFrame } from './targets/h2-frames.js';
import type { Frame } from '../server/http2/frames/frame.js';
import { checkH2Connection } from './targets/h2-connection.js';
import { encodeHeaders, encodeSettings } from '../server/http2/frames/frame-writer.js';
import { HpackEncoder } from '../server/http2/hpack/hpack-encoder.js';

const REGRESSIONS = join(import.meta.dirname, 'regressions');

/*
 * Every target's properties on its seed corpus (cut to the length the fuzzer uses) and on every
 * input a fuzzing run once found (fuzz/regressions/<target>/): the PR-gated half of fuzzing.
 */
describe.each(TARGET_NAMES)('fuzz target %s', (name) => {
  it('holds its properties on every seed', async () => {
    const target = await loadTarget(name);
    const seeds = await target.seeds();
    expect(seeds.length).toBeGreaterThan(0);
    const broken: string[] = [];
    for (const seed of seeds) {
      try {
        await target.run(seed.data.subarray(0, target.maxLen ?? DEFAULT_MAX_LEN));
      } catch (err) {
        broken.push(`${seed.name}: ${(err as Error).message}`);
      }
    }
    expect(broken).toEqual([]);
  }, 120_000);

  const dir = join(REGRESSIONS, name);
  const files = existsSync(dir) ? readdirSync(dir) : [];
  it.each(files.length > 0 ? files : ['(none yet)'])('holds on regression input %s', async (file) => {
    if (files.length === 0) return;
    const target = await loadTarget(name);
    await target.run(readFileSync(join(dir, file)));
  });
});

describe('the fuzz targets can fail', () => {
  it('the seeds come from the conformance suites and the sim scenarios', async () => {
    const seeds = await (await loadTarget('h1-request')).seeds();
    expect(seeds.some((s) => s.name.startsWith('h1-conformance-'))).toBe(true);
    expect(seeds.some((s) => s.name.startsWith('scenario-'))).toBe(true);
    const h2 = await (await loadTarget('h2-connection')).seeds();
    // After the preface, every HTTP/2 seed starts with the client's SETTINGS frame (type 4).
    expect(h2.length).toBeGreaterThan(100);
    expect(h2.every((s) => s.data[3] === 0x04)).toBe(true);
  }, 120_000);

  it('a property violation is reported as such, naming what broke', async () => {
    const target = await loadTarget('selftest-magic');
    expect(() => target.run(Buffer.from('xxAEROxx'))).toThrow(PropertyViolation);
    expect(() => target.run(Buffer.from('xxAERxx'))).not.toThrow();
  });

  it('h1: re-serializing a parsed message gives the same message (chunked body and trailers included)', () => {
    const raw = Buffer.from('POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n1\r\nd\r\n0\r\nX-T: 1\r\n\r\n', 'latin1');
    const [message] = parseAll([raw]).messages;
    expect(message!.body).toBe('abcd');
    const [again] = parseAll([serializeMessage(message!)]).messages;
    expect({ ...again!, head: { ...again!.head, offset: 0 } }).toEqual({ ...message!, head: { ...message!.head, offset: 0 } });
  });

  it('h2 frames: every frame type written back decodes to itself', () => {
    const frames = [
      Buffer.from([0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]), // PING
      Buffer.from([0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 1]), // SETTINGS INITIAL_WINDOW_SIZE=1
      Buffer.from([0, 0, 4, 8, 0, 0, 0, 0, 1, 0, 0, 0, 0]), // WINDOW_UPDATE 0 (decoded, the connection refuses it)
      Buffer.from([0, 0, 7, 0, 9, 0, 0, 0, 1, 2, 0x61, 0x62, 0x63, 0x64, 0, 0]), // DATA, padded, END_STREAM
      Buffer.from([0, 0, 6, 1, 0x24, 0, 0, 0, 3, 0x80, 0, 0, 1, 15, 0x82]), // HEADERS with priority
    ];
    for (const frame of frames) {
      const [decoded] = decodeAll([frame]).results;
      expect(decoded?.kind).toBe('frame');
      const octets = serializeFrame(decoded as Frame);
      expect(octets).not.toBeNull();
      const [again] = decodeAll([octets!]).results;
      expect(again).toMatchObject(decoded!.kind === 'frame' && decoded!.type === 'DATA' ? { data: decoded!.data, endStream: true } : (decoded as object));
      expect(() => checkFrameDecoder(frame)).not.toThrow();
    }
  });

  it('hpack: block framing round-trips, and header blocks are taken from HEADERS + CONTINUATION', () => {
    const blocks = [Buffer.from([0x82]), Buffer.alloc(0), Buffer.from([0x84, 0x86])];
    expect(splitBlocks(joinBlocks(blocks))).toEqual(blocks);
    const frames = Buffer.concat([
      Buffer.from([0, 0, 1, 1, 0, 0, 0, 0, 1, 0x82]), // HEADERS, no END_HEADERS
      Buffer.from([0, 0, 2, 9, 4, 0, 0, 0, 1, 0x84, 0x86]), // CONTINUATION, END_HEADERS
    ]);
    expect(headerBlocks(frames)).toEqual([Buffer.from([0x82, 0x84, 0x86])]);
  });

  it('h2 connection: the memory bound holds for a large response, and a tighter one is caught', async () => {
    const block = new HpackEncoder().encode([[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '/bytes/1000000']]);
    const input = Buffer.concat([encodeSettings([]), ...encodeHeaders(1, block, true, 16_384)]);
    await checkH2Connection(input);
    // A server that held a megabyte for this request would break the bound; shown with a bound of 1 KiB a request.
    await expect(checkH2Connection(input, { allowance: 16 * 1024, perRequest: 1024 })).rejects.toThrow(/held \d+ octets at its peak, over \d+ for \d+ octets in and 1 requests/);
  });
});
