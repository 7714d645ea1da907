/**
 * The dynamic table (RFC 7541 §2.3.2, §4): a FIFO of fields, newest at index 1. Held in a ring
 * buffer (parallel name/value arrays, power-of-two capacity) so an insert or an eviction is O(1);
 * the capacity doubles when full, which the size bound makes rare (at most maxSize / 32 entries).
 */

/** Every entry costs its name's and value's octets plus 32 (§4.1). */
export const ENTRY_OVERHEAD = 32;

/** The size an entry of this name and value counts for (§4.1); strings hold one octet per char. */
export function entrySize(name: string, value: string): number {
  return name.length + value.length + ENTRY_OVERHEAD;
}

export class DynamicTable {
  private names: string[];
  private values: string[];
  private mask: number;
  /** Slot of the oldest entry. */
  private head = 0;
  private count = 0;
  private bytes = 0;

  constructor(private max: number) {
    this.names = new Array<string>(16).fill('');
    this.values = new Array<string>(16).fill('');
    this.mask = 15;
  }

  /** The sum of the entries' sizes (§4.1). */
  get size(): number {
    return this.bytes;
  }

  /** The maximum size in force, set by the last table size update (§4.2). */
  get maxSize(): number {
    return this.max;
  }

  /** How many entries the table holds. */
  get length(): number {
    return this.count;
  }

  /** The name at `index` (1 = newest); the caller has checked 1 <= index <= length. */
  name(index: number): string {
    return this.names[(this.head + this.count - index) & this.mask]!;
  }

  /** The value at `index` (1 = newest); the caller has checked 1 <= index <= length. */
  value(index: number): string {
    return this.values[(this.head + this.count - index) & this.mask]!;
  }

  /** A copy of the entries, newest first: for tests and diagnostics, not the hot path. */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let i = 1; i <= this.count; i++) out.push([this.name(i), this.value(i)]);
    return out;
  }

  /**
   * Insert a field as the newest entry, evicting from the oldest end until it fits (§4.4). An
   * entry larger than the maximum size empties the table and is not inserted; that is not an
   * error. Returns whether it was inserted.
   */
  add(name: string, value: string): boolean {
    const size = entrySize(name, value);
    if (size > this.max) {
      while (this.count > 0) this.evictOldest();
      return false;
    }
    while (this.bytes + size > this.max) this.evictOldest();
    if (this.count === this.names.length) this.grow();
    const slot = (this.head + this.count) & this.mask;
    this.names[slot] = name;
    this.values[slot] = value;
    this.count++;
    this.bytes += size;
    return true;
  }

  /** Apply a new maximum size, evicting until the table fits (§4.3). */
  setMaxSize(max: number): void {
    this.max = max;
    while (this.bytes > max) this.evictOldest();
  }

  /** Drop the oldest entry; subclasses that index the table hear of it here. */
  protected evictOldest(): void {
    const slot = this.head;
    this.bytes -= entrySize(this.names[slot]!, this.values[slot]!);
    // Let the strings be collected.
    this.names[slot] = '';
    this.values[slot] = '';
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  private grow(): void {
    const capacity = this.names.length * 2;
    const names = new Array<string>(capacity).fill('');
    const values = new Array<string>(capacity).fill('');
    for (let i = 0; i < this.count; i++) {
      names[i] = this.names[(this.head + i) & this.mask]!;
      values[i] = this.values[(this.head + i) & this.mask]!;
    }
    this.names = names;
    this.values = values;
    this.mask = capacity - 1;
    this.head = 0;
  }
}
