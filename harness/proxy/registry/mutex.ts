/**
 * One async lock: every registry mutation runs inside it, so two API calls can never interleave a
 * proxy's stop and start (Toxiproxy holds its collection and proxy locks for the same reason).
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Run `task` once every earlier task has settled; its result or error is passed through. */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
