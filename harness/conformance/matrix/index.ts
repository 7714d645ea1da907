/**
 * The conformance x faults matrix (README.md): what `aeronet run` and the CLI use of it.
 */
export { runConformanceMatrix, MATRIX_LAYERS, type ConformanceMatrixOptions, type MatrixLayer } from './run-matrix.js';
export { matrixFailed } from './build-matrix.js';
export { renderMatrixText } from './render-matrix-text.js';
export { PROXY_TOXICS } from './proxy-toxics.js';
export { NETEM_MATRIX_PROFILES } from './netem-profiles.js';
export type { MatrixCaseOptions, SuiteName } from './suites.js';
