/**
 * Which cases a filter names, for either suite: a filter entry is a case id or a group prefix
 * ("http2/6.5", "smuggling"), and a suite may add named sets of its own (h2's "h2spec").
 */
export type NamedSets = Readonly<Record<string, (id: string) => boolean>>;

/** Does `id` fall under a filter entry (the id itself, a group prefix of it, or a named set)? */
export function matchesEntry(id: string, entry: string, named: NamedSets = {}): boolean {
  const e = entry.replace(/\/+$/, '');
  const set = named[e];
  if (set !== undefined) return set(id);
  return id === e || id.startsWith(`${e}/`);
}

/** The cases a filter selects, in suite order, and the filter entries that select nothing. */
export function selectByFilter<C extends { id: string }>(filter: readonly string[], cases: readonly C[], named: NamedSets = {}): { cases: C[]; unknown: string[] } {
  if (filter.length === 0) return { cases: [...cases], unknown: [] };
  return {
    cases: cases.filter((c) => filter.some((e) => matchesEntry(c.id, e, named))),
    unknown: filter.filter((e) => !cases.some((c) => matchesEntry(c.id, e, named))),
  };
}
