/**
 * The proxy layer's data plane (issue "Proxy layer"): Toxiproxy 2.12 connection and toxic
 * semantics over node:net, driven by the control API through model.ts's ProxyRuntime.
 */
import type { ProxyRuntimeFactory } from '../model.js';
import { TcpProxyRuntime } from './proxy-runtime.js';

export const createProxyRuntime: ProxyRuntimeFactory = (name, upstream, options) => new TcpProxyRuntime(name, upstream, options);

export { TcpProxyRuntime } from './proxy-runtime.js';
export { resolveListen, splitHostPort, parsePort, type ListenTarget } from './listen-address.js';
export { slicePieces } from './toxics/slicer.js';
