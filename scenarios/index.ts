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
import h2FramesByteByByte from './h2/frames-byte-by-byte.js';
import h2FramesCoalesced from './h2/frames-coalesced.js';
import h2WindowUpdateRace from './h2/window-update-race.js';
import h2SettingsWindowShrinkGrow from './h2/settings-window-shrink-grow.js';
import h2TinyWindowDribble from './h2/tiny-window-dribble.js';
import h2RstInsideContinuation from './h2/rst-inside-continuation.js';
import h2RstStreamMidResponse from './h2/rst-stream-mid-response.js';
import h2GoawayDrainInFlight from './h2/goaway-drain-in-flight.js';
import h2ResetMidUpload from './h2/reset-mid-upload.js';
import h2HalfCloseMidResponse from './h2/half-close-mid-response.js';
import h2HalfCloseStarvedResponse from './h2/half-close-starved-response.js';
import h2ResetMidResponse from './h2/reset-mid-response.js';
import h2NodeClientChoppy from './h2/node-client-choppy.js';
import h2H2cUpgradeChoppy from './h2/h2c-upgrade-choppy.js';
import h2TlsAlpnH2 from './h2/tls-alpn-h2.js';
import h2TlsNodeClient from './h2/tls-node-client.js';
import h2SettingsGrowResumesStream from './h2/settings-grow-resumes-stream.js';
import h2StreamWindowStall from './h2/stream-window-stall.js';
import h2NoFramesAfterReset from './h2/no-frames-after-reset.js';
import h2ResetLeavesNoTimer from './h2/reset-leaves-no-timer.js';
import h2EmptyEndStreamNegativeWindow from './h2/empty-end-stream-negative-window.js';
import h2AnsweredThenResetThenData from './h2/answered-then-reset-then-data.js';
import h2AnsweredWindowUpdateZero from './h2/answered-window-update-zero.js';
import h2AnsweredWindowOverflow from './h2/answered-window-overflow.js';
import h2AnsweredTrailersRules from './h2/answered-trailers-rules.js';
import h2AnsweredContentLengthMismatch from './h2/answered-content-length-mismatch.js';
import h2AnsweredRestOfRequestAccepted from './h2/answered-rest-of-request-accepted.js';
import h2AnsweredUploadStopped from './h2/answered-upload-stopped.js';
import h2InvalidPrefacePlainListener from './h2/invalid-preface-plain-listener.js';
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
  h2FramesByteByByte,
  h2FramesCoalesced,
  h2WindowUpdateRace,
  h2SettingsWindowShrinkGrow,
  h2TinyWindowDribble,
  h2RstInsideContinuation,
  h2RstStreamMidResponse,
  h2GoawayDrainInFlight,
  h2ResetMidUpload,
  h2HalfCloseMidResponse,
  h2HalfCloseStarvedResponse,
  h2ResetMidResponse,
  h2NodeClientChoppy,
  h2H2cUpgradeChoppy,
  h2TlsAlpnH2,
  h2TlsNodeClient,
  h2SettingsGrowResumesStream,
  h2StreamWindowStall,
  h2NoFramesAfterReset,
  h2ResetLeavesNoTimer,
  h2EmptyEndStreamNegativeWindow,
  h2AnsweredThenResetThenData,
  h2AnsweredWindowUpdateZero,
  h2AnsweredWindowOverflow,
  h2AnsweredTrailersRules,
  h2AnsweredContentLengthMismatch,
  h2AnsweredRestOfRequestAccepted,
  h2AnsweredUploadStopped,
  h2InvalidPrefacePlainListener,
  alwaysFails,
];

export function isSelftest(scenario: Scenario): boolean {
  return scenario.name.startsWith('selftest/');
}

export function findScenario(name: string): Scenario | undefined {
  return ALL_SCENARIOS.find((s) => s.name === name);
}
