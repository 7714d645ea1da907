import type { Request } from './types.js';

/**
 * One request/response exchange that is over, as both protocols report it: HTTP/1.1's
 * Http1Exchange and HTTP/2's Http2Stream implement this themselves, so reporting one allocates
 * nothing. Times are readings of the server's injected Clock (virtual in a simulation, so a
 * replay reports the same durations).
 */
export interface FinishedExchange {
  readonly request: Request;
  /** The final status sent (101 for an Upgrade, 200 for a CONNECT tunnel); 0 when no response head went out. */
  readonly status: number;
  /** Response content octets handed to the transport (after compression; none for HEAD). */
  readonly bodyBytesSent: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly connectionId: number;
  /** The HTTP/2 stream id; 0 on HTTP/1.x. */
  readonly streamId: number;
  /** Torn down before the response completed: the peer went away or reset, or the response failed. */
  readonly aborted: boolean;
}

/**
 * Told of every exchange the protocols serve: once when it starts (its request head has arrived)
 * and once when it is over, whichever way it ended. The access log and the metrics are the two
 * observers; the protocol code calls this and nothing else, with plain values, and no observer
 * at all (null) when neither is on.
 */
export interface ExchangeObserver {
  exchangeStarted(): void;
  exchangeFinished(exchange: FinishedExchange): void;
}

/** One observer for several (the metrics and the access log), or null for none. */
export function combineObservers(observers: ReadonlyArray<ExchangeObserver | null>): ExchangeObserver | null {
  const list = observers.filter((o): o is ExchangeObserver => o !== null);
  if (list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  return {
    exchangeStarted() {
      for (const o of list) o.exchangeStarted();
    },
    exchangeFinished(exchange) {
      for (const o of list) o.exchangeFinished(exchange);
    },
  };
}
