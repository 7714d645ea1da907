import type { RequestHead } from '../http1/request-head.js';
import type { UpgradeHandler } from '../http1/http1-options.js';
import type { Transport } from '../transport/transport.js';
import type { WorkMeter } from '../core/work-meter.js';
import type { UpgradedRequest } from './http2-connection.js';

/** Fields that belong to the HTTP/1.1 hop and the upgrade itself, not to the HTTP/2 request. */
const HOP_FIELDS = new Set(['connection', 'upgrade', 'http2-settings', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'host', 'te', 'content-length']);

/**
 * The h2c Upgrade (RFC 7540 §3.2; RFC 9113 deprecates it but clients still send it): an HTTP/1.1
 * request with `Upgrade: h2c`, `Connection: Upgrade, HTTP2-Settings` and exactly one
 * HTTP2-Settings field (the base64url payload of a SETTINGS frame) switches the connection to
 * HTTP/2, and the request is answered on stream 1. Anything else is answered over HTTP/1.1.
 */
export function h2cUpgrade(start: (transport: Transport, leftover: Buffer, settingsPayload: Buffer, request: UpgradedRequest, meter: WorkMeter) => void): UpgradeHandler {
  return {
    takesConnection: true,
    accepts(head: RequestHead): boolean {
      return settingsPayloadOf(head) !== null;
    },
    upgrade(head, body, transport, leftover, meter) {
      // The HTTP/2 connection goes on feeding the HTTP/1.1 connection's meter: one connection, one count.
      start(transport, leftover, settingsPayloadOf(head)!, { fields: requestFields(head, body.length), body }, meter);
    },
  };
}

/** The decoded HTTP2-Settings payload if the request may upgrade (RFC 7540 §3.2.1), else null. */
function settingsPayloadOf(head: RequestHead): Buffer | null {
  let value: string | null = null;
  for (const [name, v] of head.headers) {
    if (name !== 'http2-settings') continue;
    if (value !== null) return null; // exactly one
    value = v;
  }
  if (value === null || !/^[A-Za-z0-9_-]*={0,2}$/.test(value)) return null;
  // The field must be listed in Connection, or an intermediary could have forwarded it.
  const connection = head.headers.filter(([n]) => n === 'connection').map(([, v]) => v.toLowerCase()).join(',');
  if (!connection.split(',').some((t) => t.trim() === 'http2-settings')) return null;
  const payload = Buffer.from(value, 'base64url');
  return payload.length % 6 === 0 ? payload : null;
}

/** The HTTP/1.1 request as HTTP/2 fields: pseudo-headers from its line and Host, then the rest. */
function requestFields(head: RequestHead, bodyLength: number): Array<[string, string]> {
  const fields: Array<[string, string]> = [
    [':method', head.method],
    [':scheme', 'http'],
    [':authority', head.authority],
    [':path', head.targetForm === 'origin' || head.targetForm === 'asterisk' ? head.target : pathOf(head.target)],
  ];
  for (const [name, value] of head.headers) if (!HOP_FIELDS.has(name)) fields.push([name, value]);
  if (bodyLength > 0) fields.push(['content-length', String(bodyLength)]);
  return fields;
}

function pathOf(absolute: string): string {
  const scheme = absolute.indexOf('://');
  const slash = scheme < 0 ? -1 : absolute.indexOf('/', scheme + 3);
  return slash < 0 ? '/' : absolute.slice(slash);
}
