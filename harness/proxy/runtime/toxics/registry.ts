import type { ToxicType } from '../../model.js';
import type { ToxicBehaviour } from './toxic.js';
import { noop } from './noop.js';
import { latency } from './latency.js';
import { bandwidth } from './bandwidth.js';
import { slowClose } from './slow-close.js';
import { timeout } from './timeout.js';
import { resetPeer } from './reset-peer.js';
import { slicer } from './slicer.js';
import { limitData } from './limit-data.js';

export type { ToxicBehaviour, ToxicState } from './toxic.js';

/** Every toxic type of model.ts TOXIC_ATTRIBUTES with its behaviour (reference §7). */
export const TOXICS: Record<ToxicType, ToxicBehaviour> = {
  noop,
  latency,
  bandwidth,
  slow_close: slowClose,
  timeout,
  reset_peer: resetPeer,
  slicer,
  limit_data: limitData,
};
