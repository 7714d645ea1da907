/** The largest flow-control window (RFC 9113 §6.9.1): 2^31-1 octets. */
export const MAX_WINDOW = 0x7fffffff;

/**
 * One flow-control window (RFC 9113 §6.9): what may still be sent. It goes negative only when a
 * SETTINGS_INITIAL_WINDOW_SIZE change shrinks it below what is already in flight (§6.9.2), and
 * then nothing may be sent until WINDOW_UPDATEs bring it back above zero.
 */
export class FlowWindow {
  constructor(private size: number) {}

  get available(): number {
    return this.size;
  }

  consume(n: number): void {
    this.size -= n;
  }

  /** Add credit; false if the window would pass 2^31-1 (a FLOW_CONTROL_ERROR, §6.9.1). */
  grow(n: number): boolean {
    if (this.size + n > MAX_WINDOW) return false;
    this.size += n;
    return true;
  }
}
