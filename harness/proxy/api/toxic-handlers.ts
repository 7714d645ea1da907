/** /proxies/{proxy}/toxics and /proxies/{proxy}/toxics/{toxic} (reference §4). */
import { TOXIC_ATTRIBUTES, type Direction, type ToxicType } from '../model.js';
import type { ToxicView } from '../registry/views.js';
import { ApiError, API_MESSAGES, proxyNotFound } from './api-error.js';
import { param, type Handler } from './handler.js';
import { toxicJson, toxicListJson } from './proxy-json.js';
import { jsonReply, noContent } from './reply.js';
import { decodeToxicAttributes, decodeToxicCreateBody, decodeToxicUpdateBody } from './request-bodies.js';
import { checkToxicAttributes } from './toxic-limits.js';

/**
 * Toxiproxy's ParseDirection: `upstream` or `downstream` in any case (strings.ToLower; no
 * non-ASCII letter lowers into these words, so ASCII folding is the same), `""` is invalid.
 */
export function parseStream(stream: string): Direction {
  const lower = stream.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (lower === 'upstream' || lower === 'downstream') return lower;
  throw new ApiError(API_MESSAGES.invalidStream, 400);
}

function isToxicType(type: string): type is ToxicType {
  return Object.hasOwn(TOXIC_ATTRIBUTES, type);
}

/**
 * POST /proxies/{proxy}/toxics, in Toxiproxy's order: decode (400), stream (400), default name
 * `<type>_<stream as sent>`, type known (400, `down` included), name free in either stream (409),
 * attributes decoded into the type (400), then our crash guards (400, toxic-limits.ts).
 */
export function buildToxic(body: Uint8Array, nameTaken: (name: string) => boolean): ToxicView {
  const fields = decodeToxicCreateBody(body);
  const direction = parseStream(fields.stream);
  const name = fields.name === '' ? `${fields.type}_${fields.stream}` : fields.name;
  const type = fields.type;
  if (!isToxicType(type)) throw new ApiError(API_MESSAGES.invalidToxicType, 400);
  if (nameTaken(name)) throw new ApiError(API_MESSAGES.toxicExists, 409);
  const attributes = decodeToxicAttributes(fields.body, type);
  checkToxicAttributes(type, attributes);
  return { name, type, stream: fields.stream, direction, toxicity: fields.toxicity, attributes };
}

/** GET: upstream toxics then downstream, `[]` when none. */
export const toxicIndex: Handler = async (ctx) => jsonReply(200, toxicListJson(await ctx.registry.toxics(param(ctx, 'proxy'))));

/** POST: 200 (not 201) with the toxic; it applies to live connections at once. */
export const toxicCreate: Handler = async (ctx) => {
  const proxy = param(ctx, 'proxy');
  if (!ctx.registry.has(proxy)) throw proxyNotFound();
  const body = await ctx.body();
  return jsonReply(200, toxicJson(await ctx.registry.addToxic(proxy, (taken) => buildToxic(body, taken))));
};

export const toxicShow: Handler = async (ctx) => jsonReply(200, toxicJson(await ctx.registry.toxic(param(ctx, 'proxy'), param(ctx, 'toxic'))));

/** PATCH or POST: partial attributes onto the current ones, toxicity if given; 404s before the body is looked at. */
export const toxicUpdate: Handler = async (ctx) => {
  const proxy = param(ctx, 'proxy');
  if (!ctx.registry.has(proxy)) throw proxyNotFound();
  const body = await ctx.body();
  const updated = await ctx.registry.updateToxic(proxy, param(ctx, 'toxic'), (current) => {
    const next = decodeToxicUpdateBody(body, current.type, current);
    checkToxicAttributes(current.type, next.attributes);
    return next;
  });
  return jsonReply(200, toxicJson(updated));
};

export const toxicDelete: Handler = async (ctx) => {
  await ctx.registry.removeToxic(param(ctx, 'proxy'), param(ctx, 'toxic'));
  return noContent();
};
