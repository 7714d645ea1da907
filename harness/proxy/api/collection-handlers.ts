/** POST /populate and POST /reset (reference §4). */
import { PopulateError } from '../registry/registry.js';
import { unexpectedFailure } from './api-error.js';
import { goJsonString } from './go-json-encode.js';
import type { Handler } from './handler.js';
import { proxyListOrNullJson } from './proxy-json.js';
import { jsonReply, noContent } from './reply.js';
import { BodyTooLarge } from './request-body.js';
import { decodePopulateBody } from './request-bodies.js';

/**
 * POST /populate: 201 `{"proxies":[...]}`. Unlike every other endpoint its errors are JSON
 * (`application/json`) with the error merged in front: `{"error":..,"status":..,"proxies":[applied]|null}`.
 * `[]` answers `{"proxies":null}` like Toxiproxy (toxiproxy-node-client's populate([]) then
 * throws a TypeError, as it does against the real server).
 */
export const populate: Handler = async (ctx) => {
  try {
    const entries = decodePopulateBody(await ctx.body());
    return jsonReply(201, `{"proxies":${proxyListOrNullJson(await ctx.registry.populate(entries))}}`);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw err;
    const applied = err instanceof PopulateError ? err.applied : [];
    const error = err instanceof PopulateError ? err.error : unexpectedFailure(err);
    return jsonReply(error.status, `{"error":${goJsonString(error.message)},"status":${error.status},"proxies":${proxyListOrNullJson(applied)}}`);
  }
};

/** POST /reset: 204; the request body is not read. */
export const reset: Handler = async ({ registry }) => {
  await registry.reset();
  return noContent();
};
