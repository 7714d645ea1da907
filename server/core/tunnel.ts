import type { Transport, TransportEvents } from '../transport/transport.js';

/**
 * A byte tunnel between two transports (CONNECT, RFC 9110 §9.3.6): each side's bytes are written
 * to the other with backpressure (a slow reader pauses the fast writer), a half-close is passed
 * on as a half-close, and a reset or error on either side resets the other.
 */
export class Tunnel {
  private closedSides = 0;
  private readonly ended = [false, false];

  constructor(
    private readonly a: Transport,
    private readonly b: Transport,
    private readonly onFinished: (bytesAtoB: number, bytesBtoA: number) => void = () => {},
  ) {}

  private counts = [0, 0];

  /** Start relaying; `fromA` holds bytes already read from `a` (pipelined after the CONNECT). */
  start(fromA: Buffer): void {
    this.a.reattach(this.side(this.a, this.b, 0));
    this.b.reattach(this.side(this.b, this.a, 1));
    if (fromA.length > 0) this.forward(this.a, this.b, 0, fromA);
  }

  private forward(from: Transport, to: Transport, index: number, chunk: Buffer): void {
    this.counts[index]! += chunk.length;
    if (!to.write(chunk)) from.pause();
  }

  private side(self: Transport, other: Transport, index: number): TransportEvents {
    return {
      onData: (chunk) => this.forward(self, other, index, chunk),
      onDrain: () => other.resume(),
      onEnd: () => {
        this.ended[index] = true;
        other.end();
        // Both directions finished: nothing more can flow.
        if (this.ended[0] && this.ended[1]) {
          self.close();
          other.close();
        }
      },
      onError: () => other.reset(),
      onClose: () => {
        if (!other.closed) {
          if (this.ended[index]) other.close();
          else other.reset();
        }
        if (++this.closedSides === 2) this.onFinished(this.counts[0]!, this.counts[1]!);
      },
    };
  }
}
