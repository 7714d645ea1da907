/**
 * `--shard i/n`: which scenarios this shard runs. The scenarios of every selected layer are taken
 * in run order as one list and dealt round-robin (item k goes to shard k mod n + 1), so each shard
 * gets a share of every layer (the slow ones too) and the n shards together are the whole set,
 * each scenario in exactly one. All of a scenario's seeds stay in its shard.
 */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parse `i/n` (1 <= i <= n); null with the reason when it is not one. */
export function parseShard(raw: string): Shard | string {
  const m = /^([0-9]{1,4})\/([0-9]{1,4})$/.exec(raw);
  if (m === null) return `--shard must be i/n (e.g. 2/4), got "${raw}"`;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return `--shard i/n needs 1 <= i <= n, got "${raw}"`;
  return { index, count };
}

/** The items of `groups` (in order) that fall in `shard`, keeping each group's order. */
export function shardGroups<T>(groups: readonly (readonly T[])[], shard: Shard | null): T[][] {
  if (shard === null) return groups.map((g) => [...g]);
  let k = 0;
  return groups.map((g) => g.filter(() => k++ % shard.count === shard.index - 1));
}
