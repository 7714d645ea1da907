/** A mistake in how the CLI was called: print the message and the usage, exit 2. */
export class UsageError extends Error {
  constructor(readonly detail: string | null) {
    super(detail ?? 'usage');
    this.name = 'UsageError';
  }
}
