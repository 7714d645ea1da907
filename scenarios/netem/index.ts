import type { NetemScenario } from '../../harness/netem/netem-scenario.js';
import { findMatrixNetemScenario } from '../../harness/conformance/matrix/netem-scenario.js';
import conformanceH1Lossy from './conformance-h1-lossy.js';
import conformanceH2Lossy from './conformance-h2-lossy.js';
import curlH2Reorder from './curl-h2-reorder.js';
import curlLossDownload from './curl-loss-download.js';
import h1Corrupt from './h1-corrupt.js';
import h1DarkThenRecover from './h1-dark-then-recover.js';
import h1DarkTimeout from './h1-dark-timeout.js';
import h1LatencyKeepAlive from './h1-latency-keep-alive.js';
import h1LossDownload from './h1-loss-download.js';
import h1LossUpload from './h1-loss-upload.js';
import h1Reorder from './h1-reorder.js';
import h1TbfUpload from './h1-tbf-upload.js';
import h1ZeroWindowStall from './h1-zero-window-stall.js';
import h2BurstLossDownload from './h2-burst-loss-download.js';
import h2Duplicate from './h2-duplicate.js';
import h2LatencyMultiplex from './h2-latency-multiplex.js';
import h2TlsLoss from './h2-tls-loss.js';
import h2loadLoss from './h2load-loss.js';
import tlsHandshakeLoss from './tls-handshake-loss.js';

/** The netem layer's scenarios (aeronet run --layer netem). */
export const NETEM_SCENARIOS: readonly NetemScenario[] = [
  conformanceH1Lossy,
  conformanceH2Lossy,
  curlH2Reorder,
  curlLossDownload,
  h1Corrupt,
  h1DarkThenRecover,
  h1DarkTimeout,
  h1LatencyKeepAlive,
  h1LossDownload,
  h1LossUpload,
  h1Reorder,
  h1TbfUpload,
  h1ZeroWindowStall,
  h2BurstLossDownload,
  h2Duplicate,
  h2LatencyMultiplex,
  h2TlsLoss,
  h2loadLoss,
  tlsHandshakeLoss,
];

/**
 * A scenario by name: one of the list, or a conformance matrix scenario (`netem/matrix-...`, not
 * in the list: the matrix runs them, `--layer netem` does not), which its name spells out.
 */
export function findNetemScenario(name: string): NetemScenario | undefined {
  return NETEM_SCENARIOS.find((s) => s.name === name) ?? findMatrixNetemScenario(name);
}
