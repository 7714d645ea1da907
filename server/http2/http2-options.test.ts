import { describe, expect, it } from 'vitest';
import { createServer } from '../server.js';

const handler = () => {};

describe('HTTP/2 options are checked at createServer()', () => {
  it('names an impossible setting, defence or timeout', () => {
    expect(() => createServer({ handler, http2: { settings: { maxFrameSize: 1000 } } })).toThrow(/http2\.settings\.maxFrameSize must be from 16384 to 16777215/);
    expect(() => createServer({ handler, http2: { settings: { initialWindowSize: 2 ** 31 } } })).toThrow(/initialWindowSize must be at most 2\^31-1/);
    expect(() => createServer({ handler, http2: { settings: { maxConcurrentStreams: 0 } } })).toThrow(/http2\.settings\.maxConcurrentStreams must be a positive integer/);
    expect(() => createServer({ handler, http2: { defences: { maxPeerResets: -1 } } })).toThrow(/http2\.defences\.maxPeerResets/);
    expect(() => createServer({ handler, http2: { timeouts: { idleMs: 1.5 } } })).toThrow(/http2\.timeouts\.idleMs/);
    expect(() => createServer({ handler, http2: 'yes' as never })).toThrow(/http2 must be an object of options or false/);
  });

  it('accepts sensible values and false', () => {
    expect(() => createServer({ handler, http2: { settings: { maxFrameSize: 65_536, initialWindowSize: 1 << 20 }, timeouts: { idleMs: 0 } } })).not.toThrow();
    expect(() => createServer({ handler, http2: false })).not.toThrow();
  });
});
