/**
 * The fault proxy's ordered log of applied changes (what a run's artifact shows next to the
 * decision log). One entry per applied change: each proxy created, updated (listen/upstream),
 * deleted, enabled or disabled, each toxic added, updated or removed. /populate and /reset are
 * single changes from the caller's point of view, so each logs exactly one entry of its own kind
 * whose detail lists what it did (also when it stopped at an error part way). A request that
 * fails before changing anything logs nothing.
 */
export type ProxyEventKind =
  | 'proxy-created'
  | 'proxy-updated'
  | 'proxy-deleted'
  | 'proxy-enabled'
  | 'proxy-disabled'
  | 'toxic-added'
  | 'toxic-updated'
  | 'toxic-removed'
  | 'reset'
  | 'populate';

export interface ProxyEvent {
  /** ms since the fault proxy started (performance.now based). */
  at: number;
  kind: ProxyEventKind;
  proxy?: string;
  toxic?: string;
  detail?: Record<string, unknown>;
}

export class EventLog {
  private readonly entries: ProxyEvent[] = [];

  constructor(private readonly startedAt: number) {}

  add(kind: ProxyEventKind, fields: { proxy?: string; toxic?: string; detail?: Record<string, unknown> } = {}): void {
    const e: ProxyEvent = { at: performance.now() - this.startedAt, kind };
    if (fields.proxy !== undefined) e.proxy = fields.proxy;
    if (fields.toxic !== undefined) e.toxic = fields.toxic;
    if (fields.detail !== undefined) e.detail = fields.detail;
    this.entries.push(e);
  }

  /** A copy: callers cannot rewrite history. */
  list(): ProxyEvent[] {
    return this.entries.map((e) => structuredClone(e));
  }
}
