/** /proxies and /proxies/{proxy} (reference §4). */
import { proxyNotFound } from './api-error.js';
import { param, type Handler } from './handler.js';
import { proxyJson, proxyMapJson } from './proxy-json.js';
import { jsonReply, noContent } from './reply.js';
import { decodeProxyBody } from './request-bodies.js';

/** GET /proxies: `{name: Proxy}`, keys sorted, `{}` when none. */
export const proxyIndex: Handler = async ({ registry }) => jsonReply(200, proxyMapJson(await registry.list()));

/** POST /proxies: 201 with the proxy; `enabled` defaults to true; `toxics` and unknown keys are ignored. */
export const proxyCreate: Handler = async (ctx) => {
  const input = decodeProxyBody(await ctx.body(), { name: '', listen: '', upstream: '', enabled: true });
  return jsonReply(201, proxyJson(await ctx.registry.create(input)));
};

export const proxyShow: Handler = async (ctx) => jsonReply(200, proxyJson(await ctx.registry.get(param(ctx, 'proxy'))));

/** PATCH or POST /proxies/{proxy}: 404 first, then the body onto the current values, then §4's algorithm. */
export const proxyUpdate: Handler = async (ctx) => {
  const name = param(ctx, 'proxy');
  if (!ctx.registry.has(name)) throw proxyNotFound();
  const body = await ctx.body();
  return jsonReply(200, proxyJson(await ctx.registry.update(name, (current) => decodeProxyBody(body, current))));
};

export const proxyDelete: Handler = async (ctx) => {
  await ctx.registry.remove(param(ctx, 'proxy'));
  return noContent();
};
