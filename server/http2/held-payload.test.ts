import { describe, expect, it } from 'vitest';
import { heldPayload, PIN_RATIO } from './held-payload.js';

/** A read chunk of its own memory, as a socket read is (node sizes it to what was read). */
function readChunk(length: number): Buffer {
  const chunk = Buffer.from(new ArrayBuffer(length));
  for (let i = 0; i < length; i++) chunk[i] = i & 0xff;
  return chunk;
}

describe('heldPayload', () => {
  it('keeps a payload that is a good part of its read chunk as the view it is', () => {
    const chunk = readChunk(64 * 1024);
    const payload = chunk.subarray(9, 9 + 16 * 1024);
    expect(heldPayload(payload)).toBe(payload);
  });

  it('copies a payload small beside its chunk: unread octets never pin more than PIN_RATIO times their size', () => {
    const chunk = readChunk(64 * 1024);
    const payload = chunk.subarray(100, 101);
    const held = heldPayload(payload);
    expect(held).not.toBe(payload);
    expect(held.equals(payload)).toBe(true);
    expect(held.buffer).not.toBe(chunk.buffer);
    // The copy owns its octets: the chunk changing afterwards does not reach it.
    chunk[100] = chunk[100]! ^ 0xff;
    expect(held[0]).toBe(100);
  });

  it('draws the line at PIN_RATIO', () => {
    const chunk = readChunk(PIN_RATIO * 1000);
    const atLine = chunk.subarray(5, 1005);
    expect(heldPayload(atLine)).toBe(atLine);
    const below = chunk.subarray(5, 1004);
    expect(heldPayload(below)).not.toBe(below);
  });
});
