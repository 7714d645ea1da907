import { DynamicTable } from './dynamic-table.js';

/**
 * The encoder's dynamic table: the same FIFO as the decoder's, plus maps from name and from
 * (name, value) to the newest matching entry, so finding a match costs two Map lookups instead
 * of a scan. Entries are tracked by insertion number; index 1 is the latest insertion (§2.3.3).
 */
export class EncoderTable extends DynamicTable {
  private inserted = 0;
  private evicted = 0;
  private readonly exactSeq = new Map<string, Map<string, number>>();
  private readonly nameSeq = new Map<string, number>();

  /** Dynamic index (1 = newest) of an entry with this name and value, or 0. */
  findExact(name: string, value: string): number {
    const seq = this.exactSeq.get(name)?.get(value);
    return seq === undefined ? 0 : this.inserted - seq;
  }

  /** Dynamic index (1 = newest) of an entry with this name, or 0. */
  findName(name: string): number {
    const seq = this.nameSeq.get(name);
    return seq === undefined ? 0 : this.inserted - seq;
  }

  override add(name: string, value: string): boolean {
    if (!super.add(name, value)) return false;
    const seq = this.inserted++;
    let values = this.exactSeq.get(name);
    if (values === undefined) this.exactSeq.set(name, (values = new Map()));
    values.set(value, seq);
    this.nameSeq.set(name, seq);
    return true;
  }

  protected override evictOldest(): void {
    const index = this.length;
    const name = this.name(index);
    const value = this.value(index);
    const seq = this.evicted++;
    super.evictOldest();
    // The maps hold the newest insertion per key; forget it only if it is the one leaving.
    const values = this.exactSeq.get(name);
    if (values !== undefined && values.get(value) === seq) {
      values.delete(value);
      if (values.size === 0) this.exactSeq.delete(name);
    }
    if (this.nameSeq.get(name) === seq) this.nameSeq.delete(name);
  }
}
