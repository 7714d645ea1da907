import { goJsonString } from './go-json-encode.js';
import type { Handler } from './handler.js';

/**
 * GET /version: exactly `{"version": "<v>"}` + newline, with a space after the colon and
 * `application/json;charset=utf-8` (reference §4). Toxiproxy pastes the version in unescaped; we
 * escape it, which is the same text for every sane version string.
 */
export const version: Handler = async ({ settings }) => ({
  status: 200,
  headers: { 'Content-Type': 'application/json;charset=utf-8' },
  body: `{"version": ${goJsonString(settings.version)}}\n`,
});
