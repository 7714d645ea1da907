/**
 * The proxy layer (harness/proxy): a Toxiproxy-2.12-compatible fault proxy, in process
 * (createFaultProxy) or as `aeronet proxy`, over the seeded data plane of runtime/.
 */
export { createFaultProxy, type FaultProxy, type FaultProxyOptions } from './fault-proxy.js';
export type { ProxyEvent, ProxyEventKind } from './registry/events.js';
export * from './model.js';
export { createProxyRuntime } from './runtime/index.js';
