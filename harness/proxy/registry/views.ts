import type { Direction, ToxicType } from '../model.js';
import type { ToxicAttributes } from '../api/request-bodies.js';

/** A toxic as the registry holds it and the API shows it (reference §3 "Toxic"). */
export interface ToxicView {
  name: string;
  type: ToxicType;
  /** As the client sent it ("UpStream" stays "UpStream"); `direction` is what it means. */
  stream: string;
  direction: Direction;
  /** A float32 value (Math.fround), as Toxiproxy stores it. */
  toxicity: number;
  attributes: ToxicAttributes;
}

/** A proxy as the API shows it (reference §3 "Proxy"). */
export interface ProxyView {
  name: string;
  /** The string as given until the first start, then the bound address (§3 `listen`). */
  listen: string;
  upstream: string;
  enabled: boolean;
  /** Every upstream toxic in insertion order, then every downstream one (§3). */
  toxics: ToxicView[];
}

export function copyToxic(t: ToxicView): ToxicView {
  return { ...t, attributes: { ...t.attributes } };
}
