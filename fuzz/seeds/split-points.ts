/**
 * Where to cut an input for the split-invariance checks: a few cut points drawn from the input
 * itself (FNV-1a of its bytes seeds a small LCG), so that one input always gets the same cuts and
 * a finding replays exactly, while different inputs meet different cuts.
 */
export function cutPoints(data: Buffer, count = 3): number[] {
  if (data.length < 2) return [];
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193) >>> 0;
  const cuts = new Set<number>();
  for (let k = 0; k < count; k++) {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    cuts.add(1 + (h % (data.length - 1)));
  }
  return [...cuts].sort((a, b) => a - b);
}

/** `data` cut at `cuts` (sorted offsets strictly inside it). */
export function cutAt(data: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const at of cuts) {
    out.push(data.subarray(from, at));
    from = at;
  }
  out.push(data.subarray(from));
  return out;
}

/** One chunk per byte, for inputs short enough that this stays cheap. */
export function byteByByte(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i++) out.push(data.subarray(i, i + 1));
  return out;
}
