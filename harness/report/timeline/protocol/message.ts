/** One protocol message found in a direction's byte stream: where its bytes lie, and a label. */
export interface ProtocolMessage {
  /** Offset of its first byte in the direction's stream. */
  start: number;
  /** Offset just past its last byte: the segment carrying byte end - 1 completed it. */
  end: number;
  text: string;
}

/** Labels longer than this are cut: a path or a GOAWAY's debug data comes from a peer. */
const MAX_LABEL = 96;

export function clip(text: string, max = MAX_LABEL): string {
  // Control characters would break a label's one line (and are invisible anyway).
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/**
 * Keeps the first and the last `keep` messages of a direction and counts the rest: a stream of a
 * million DATA frames costs two small arrays, and the report still shows how it began and ended.
 */
export class MessageSink {
  readonly head: ProtocolMessage[] = [];
  private tail: ProtocolMessage[] = [];
  dropped = 0;

  constructor(private readonly keep = 5000) {}

  add(m: ProtocolMessage): void {
    if (this.head.length < this.keep) {
      this.head.push(m);
      return;
    }
    this.tail.push(m);
    if (this.tail.length > 2 * this.keep) {
      this.dropped += this.tail.length - this.keep;
      this.tail = this.tail.slice(-this.keep);
    }
  }

  list(): ProtocolMessage[] {
    if (this.tail.length > this.keep) {
      this.dropped += this.tail.length - this.keep;
      this.tail = this.tail.slice(-this.keep);
    }
    return [...this.head, ...this.tail];
  }
}
