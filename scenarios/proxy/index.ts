import type { ProxyScenario } from '../../harness/proxy/layer/proxy-scenario.js';
import selftestAlwaysFails from './selftest-always-fails.js';
import h1BandwidthDownload from './h1-bandwidth-download.js';
import h1BandwidthUpload from './h1-bandwidth-upload.js';
import h1CurlLatencyBandwidth from './h1-curl-latency-bandwidth.js';
import h1CutChunkedResponse from './h1-cut-chunked-response.js';
import h1CutMidHeaders from './h1-cut-mid-headers.js';
import h1CutMidRequest from './h1-cut-mid-request.js';
import h1CutMidResponse from './h1-cut-mid-response.js';
import h1DisableEnableRetry from './h1-disable-enable-retry.js';
import h1LatencyJitterKeepAlive from './h1-latency-jitter-keep-alive.js';
import h1ManyConnectionsLatency from './h1-many-connections-latency.js';
import h1ResetPeerMidStream from './h1-reset-peer-mid-stream.js';
import h1SlicerOneByte from './h1-slicer-one-byte.js';
import h1SlowClose from './h1-slow-close.js';
import h1TimeoutBlackHole from './h1-timeout-black-hole.js';
import h1TimeoutResponseDropped from './h1-timeout-response-dropped.js';
import h2cBandwidthDownload from './h2c-bandwidth-download.js';
import h2cCurlLatency from './h2c-curl-latency.js';
import h2cCutMidResponse from './h2c-cut-mid-response.js';
import h2cCutMidUpload from './h2c-cut-mid-upload.js';
import h2cDisableMidStream from './h2c-disable-mid-stream.js';
import h2cLatencyMultiplex from './h2c-latency-multiplex.js';
import h2cResetPeer from './h2c-reset-peer.js';
import h2cSlicer from './h2c-slicer.js';
import h2cTimeoutPreface from './h2c-timeout-preface.js';
import tlsCurlH2Slicer from './tls-curl-h2-slicer.js';
import tlsH2BandwidthUpload from './tls-h2-bandwidth-upload.js';
import tlsH2CutMidResponse from './tls-h2-cut-mid-response.js';
import tlsH2LatencyAlpn from './tls-h2-latency-alpn.js';
import tlsResetPeerHandshake from './tls-reset-peer-handshake.js';
import tlsSlicerHandshake from './tls-slicer-handshake.js';
import tlsSlowCloseH2 from './tls-slow-close-h2.js';
import tlsTimeoutHandshake from './tls-timeout-handshake.js';

/** The proxy layer's scenarios (aeronet run --layer proxy), in a fixed order: HTTP/1.1, h2c, TLS. */
export const PROXY_SCENARIOS: readonly ProxyScenario[] = [
  h1BandwidthDownload,
  h1BandwidthUpload,
  h1CurlLatencyBandwidth,
  h1CutChunkedResponse,
  h1CutMidHeaders,
  h1CutMidRequest,
  h1CutMidResponse,
  h1DisableEnableRetry,
  h1LatencyJitterKeepAlive,
  h1ManyConnectionsLatency,
  h1ResetPeerMidStream,
  h1SlicerOneByte,
  h1SlowClose,
  h1TimeoutBlackHole,
  h1TimeoutResponseDropped,
  h2cBandwidthDownload,
  h2cCurlLatency,
  h2cCutMidResponse,
  h2cCutMidUpload,
  h2cDisableMidStream,
  h2cLatencyMultiplex,
  h2cResetPeer,
  h2cSlicer,
  h2cTimeoutPreface,
  tlsCurlH2Slicer,
  tlsH2BandwidthUpload,
  tlsH2CutMidResponse,
  tlsH2LatencyAlpn,
  tlsResetPeerHandshake,
  tlsSlicerHandshake,
  tlsSlowCloseH2,
  tlsTimeoutHandshake,
];

/** Scenarios that exist for the layer's own tests (they fail on purpose): listed, never run by default. */
export const PROXY_SELFTESTS: readonly ProxyScenario[] = [selftestAlwaysFails];

export function findProxyScenario(name: string): ProxyScenario | undefined {
  return [...PROXY_SCENARIOS, ...PROXY_SELFTESTS].find((s) => s.name === name);
}
