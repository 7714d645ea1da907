/**
 * TLS key logs in artifacts: with AERONET_TLS_KEYLOG=1, every layer runs its TLS servers with a
 * key log (in memory for the sim, `aeronet serve --tls-keylog` for the proxy and netem layers),
 * and a run's artifact folder gets it as tls-keys.log next to its captures, named in the
 * manifest's `keylog`. Then `tshark -r capture.pcap -o tls.keylog_file:tls-keys.log -Y http`
 * (or -Y http2) shows the decrypted exchange. Off by default: the file decrypts the run's TLS.
 */

export const KEYLOG_ENV = 'AERONET_TLS_KEYLOG';

/** The file name in an artifact folder (and the manifest's `keylog` value). */
export const KEYLOG_FILE = 'tls-keys.log';

/** AERONET_TLS_KEYLOG=1 (or true/yes) asks for key logs; anything else, or unset, does not. */
export function keyLogRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env[KEYLOG_ENV] ?? '');
}

/** How to read a capture with the key log, for the run's notes and the README. */
export function keyLogHint(capture = 'capture.pcap'): string {
  return `tshark -r ${capture} -o tls.keylog_file:${KEYLOG_FILE} -Y 'http || http2'`;
}
