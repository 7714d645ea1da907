/** A held DATA payload may keep alive a read chunk at most this many times its own size. */
export const PIN_RATIO = 4;

/**
 * A DATA payload for a request body, which holds it until the application reads it. The
 * transport's chunk is ours to keep (TransportEvents.onData), so a payload that is a good part of
 * its chunk is kept as the view it is: no copy, no allocation (profiling POST /echo with 64 KiB
 * bodies, copying every payload was a tenth of the server's CPU). A small one is copied, or a
 * peer could make each unread octet pin a whole read buffer (a 1-octet DATA frame among 64 KiB
 * of other frames in one read).
 */
export function heldPayload(data: Buffer): Buffer {
  if (data.length * PIN_RATIO >= data.buffer.byteLength) return data;
  const copy = Buffer.allocUnsafe(data.length);
  data.copy(copy);
  return copy;
}
