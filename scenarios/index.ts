import type { Scenario } from '../harness/runner/scenario.js';
import helloKeepAlive from './h1/hello-keep-alive.js';
import pipelinedEchoOrder from './h1/pipelined-echo-order.js';
import chunkedSplitBoundaries from './h1/chunked-split-boundaries.js';
import chunkedExtensions from './h1/chunked-extensions.js';
import chunkedTrailers from './h1/chunked-trailers.js';
import chunkedInvalidSizeMidstream from './h1/chunked-invalid-size-midstream.js';
import chunkedOverLimit from './h1/chunked-over-limit.js';
import streamChunkedChoppy from './h1/stream-chunked-choppy.js';
import pipeliningByteByByte from './h1/pipelining-byte-by-byte.js';
import pipeliningHeadGetMix from './h1/pipelining-head-get-mix.js';
import pipeliningHalfClose from './h1/pipelining-half-close.js';
import expectContinueWait from './h1/expect-continue-wait.js';
import expectContinueTooLarge from './h1/expect-continue-too-large.js';
import slowlorisHeaderTrickle from './h1/slowloris-header-trickle.js';
import timeoutKeepAliveIdle from './h1/timeout-keep-alive-idle.js';
import timeoutSilentConnection from './h1/timeout-silent-connection.js';
import timeoutBodyStall from './h1/timeout-body-stall.js';
import timeoutSlowBodyWithinLimit from './h1/timeout-slow-body-within-limit.js';
import halfCloseAfterRequest from './h1/half-close-after-request.js';
import halfCloseMidRequest from './h1/half-close-mid-request.js';
import resetClientMidBody from './h1/reset-client-mid-body.js';
import resetClientMidResponse from './h1/reset-client-mid-response.js';
import resetAfterBytesRequest from './h1/reset-after-bytes-request.js';
import resetSendStall from './h1/reset-send-stall.js';
import resetAfterFinWriteEpipe from './h1/reset-after-fin-write-epipe.js';
import backpressurePausedReader from './h1/backpressure-paused-reader.js';
import backpressureSlowHandlerUpload from './h1/backpressure-slow-handler-upload.js';
import drainInFlight from './h1/drain-in-flight.js';
import drainIdle from './h1/drain-idle.js';
import drainDeadlineForceClose from './h1/drain-deadline-force-close.js';
import malformedFragmented from './h1/malformed-fragmented.js';
import errorClosePendingInput from './h1/error-close-pending-input.js';
import connectClientHalfClose from './h1/connect-client-half-close.js';
import connectClientReset from './h1/connect-client-reset.js';
import connectUpstreamHalfClose from './h1/connect-upstream-half-close.js';
import connectUpstreamReset from './h1/connect-upstream-reset.js';
import tlsHandshakeByteByByte from './tls/handshake-byte-by-byte.js';
import tlsChoppyPipelined from './tls/choppy-pipelined.js';
import tlsResetMidHandshake from './tls/reset-mid-handshake.js';
import tlsHandshakeTimeout from './tls/handshake-timeout.js';
import tlsClientFinMidHandshake from './tls/client-fin-mid-handshake.js';
import tlsNotTls from './tls/not-tls.js';
import hostileDuplicateRequestBytes from './hostile/duplicate-request-bytes.js';
import hostileReorderPipelined from './hostile/reorder-pipelined.js';
import hostileCorruptHeaders from './hostile/corrupt-headers.js';
import hostileCorruptChunkedBody from './hostile/corrupt-chunked-body.js';
import hostileMixedResponsePath from './hostile/mixed-response-path.js';
import alwaysFails from './selftest/always-fails.js';

/** Every scenario, in a fixed order (by topic). Names under selftest/ are excluded from normal runs. */
export const ALL_SCENARIOS: readonly Scenario[] = [
  helloKeepAlive,
  pipelinedEchoOrder,
  chunkedSplitBoundaries,
  chunkedExtensions,
  chunkedTrailers,
  chunkedInvalidSizeMidstream,
  chunkedOverLimit,
  streamChunkedChoppy,
  pipeliningByteByByte,
  pipeliningHeadGetMix,
  pipeliningHalfClose,
  expectContinueWait,
  expectContinueTooLarge,
  slowlorisHeaderTrickle,
  timeoutKeepAliveIdle,
  timeoutSilentConnection,
  timeoutBodyStall,
  timeoutSlowBodyWithinLimit,
  halfCloseAfterRequest,
  halfCloseMidRequest,
  resetClientMidBody,
  resetClientMidResponse,
  resetAfterBytesRequest,
  resetSendStall,
  resetAfterFinWriteEpipe,
  backpressurePausedReader,
  backpressureSlowHandlerUpload,
  drainInFlight,
  drainIdle,
  drainDeadlineForceClose,
  malformedFragmented,
  errorClosePendingInput,
  connectClientHalfClose,
  connectClientReset,
  connectUpstreamHalfClose,
  connectUpstreamReset,
  tlsHandshakeByteByByte,
  tlsChoppyPipelined,
  tlsResetMidHandshake,
  tlsHandshakeTimeout,
  tlsClientFinMidHandshake,
  tlsNotTls,
  hostileDuplicateRequestBytes,
  hostileReorderPipelined,
  hostileCorruptHeaders,
  hostileCorruptChunkedBody,
  hostileMixedResponsePath,
  alwaysFails,
];

export function isSelftest(scenario: Scenario): boolean {
  return scenario.name.startsWith('selftest/');
}

export function findScenario(name: string): Scenario | undefined {
  return ALL_SCENARIOS.find((s) => s.name === name);
}
