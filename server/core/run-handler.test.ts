import { describe, expect, it } from 'vitest';
import { simH2World } from '../http2/test-support/sim-h2.js';
import { ErrorCode } from '../http2/frames/constants.js';

describe('a handler still running when its exchange is torn down', () => {
  it('gets a clear error from its next call, and the server logs no handler error (RFC 9113 §5.1: DATA after END_STREAM resets the stream)', async () => {
    // POST /echo, its body with END_STREAM, then one DATA frame more, all in one write: the server
    // reads them together, so the stream is reset (STREAM_CLOSED) before the echo handler, which
    // awaits the body, gets to set its content-type. That is an ordinary race, not a handler bug.
    const world = simH2World(1);
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.batch((c) => c.request(1, '/echo', { method: 'POST', endStream: false }).data(1, 'hello', true).data(1, 'late'));
      await h.until(() => h.client.framesOf('RST_STREAM', 1).length > 0);
      // The connection keeps serving.
      h.client.request(3, '/hello');
      await h.until(() => h.client.response(3).ended);
    })());
    expect(h.client.framesOf('RST_STREAM', 1)[0]).toMatchObject({ errorCode: ErrorCode.STREAM_CLOSED });
    expect(h.client.response(3).status).toBe(200);
    expect(world.logger.records.filter((r) => r.level === 'error')).toEqual([]);
    const after = world.logger.find('http.handler-error-after-abort');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ level: 'debug', method: 'POST', target: '/echo' });
    expect(String(after[0]!['error'])).toMatch(/the exchange was torn down \(.*\): the response can no longer change/);
  });
});
