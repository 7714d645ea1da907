import { describe, expect, it } from 'vitest';
import { simH2World } from './test-support/sim-h2.js';
import { ErrorCode, FrameType } from './frames/constants.js';

/**
 * Regressions found by the RFC 9113 model (server/http2/model): stream ids the client never
 * opened keep §5.1/§5.1.1's rules whatever else happened on the connection.
 */
describe('HTTP/2 stream ids the client never opened', () => {
  for (const [name, send] of [
    ['DATA', (c: import('../../harness/h2/raw-h2-client.js').RawH2Client) => c.data(2, Buffer.alloc(0))],
    ['RST_STREAM', (c: import('../../harness/h2/raw-h2-client.js').RawH2Client) => c.rst(2, ErrorCode.CANCEL)],
    ['WINDOW_UPDATE', (c: import('../../harness/h2/raw-h2-client.js').RawH2Client) => c.windowUpdate(2, 1)],
  ] as const) {
    it(`${name} on even stream 2 after stream 3 opened: idle (the server never pushes), so GOAWAY PROTOCOL_ERROR (§5.1)`, async () => {
      const world = simH2World(11);
      const h = world.open();
      await world.run((async () => {
        await h.handshake();
        h.client.request(3, '/hello');
        await h.until(() => h.client.response(3).ended);
        send(h.client);
        await h.until(() => h.client.goawayFrame !== undefined);
      })());
      expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.PROTOCOL_ERROR);
    });
  }

  it('HEADERS on a skipped id stays a connection error after a stream error on that id (§5.1.1)', async () => {
    const world = simH2World(12);
    const h = world.open();
    await world.run((async () => {
      await h.handshake();
      h.client.request(3, '/hello');
      await h.until(() => h.client.response(3).ended);
      // PRIORITY depending on itself on the skipped stream 1: a stream error (§5.3.1).
      h.client.frame(FrameType.PRIORITY, 0, 1, Buffer.from([0, 0, 0, 1, 15]));
      await h.until(() => h.client.rstOn(1) !== undefined);
      h.client.request(1, '/hello');
      await h.until(() => h.client.goawayFrame !== undefined);
    })());
    expect(h.client.rstOn(1)?.errorCode).toBe(ErrorCode.PROTOCOL_ERROR);
    expect(h.client.goawayFrame?.errorCode).toBe(ErrorCode.PROTOCOL_ERROR);
  });
});
